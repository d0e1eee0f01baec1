//===- mx-format.cpp - Describe quantization formats ----------------------===//
//
// Part of mx-opt.
//
//   mx-format FORMAT... [--shape AxBxC --axis N] [--bits-only]
//
// FORMAT is the body of a #mx.format<...> attribute: a preset name
// ("mxfp8_e4m3"), a preset with overrides ("mxfp8_e4m3, block = 16") or all
// fields. For each format prints the full attribute, the element bits and
// the storage bits per element (mx::FormatSpec::getBitsPerElement): per
// whole block, or, with --shape and --axis, of one tensor of that shape
// quantized along that axis (per-tensor and per-channel scales, the NVFP4
// tensor scale and partial blocks amortised over it). --bits-only prints
// just that number, one line per format, for scripts.
//
//===----------------------------------------------------------------------===//

#include "mx/Dialect/MX/IR/MXAttrs.h"
#include "mx/Dialect/MX/IR/MXDialect.h"
#include "mx/Support/Format.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/WithColor.h"

using namespace mlir;

static llvm::cl::OptionCategory category("mx-format options");
static llvm::cl::list<std::string>
    formats(llvm::cl::Positional, llvm::cl::OneOrMore,
            llvm::cl::desc("<format>... (the body of #mx.format<...>)"),
            llvm::cl::cat(category));
static llvm::cl::opt<std::string>
    shapeOpt("shape",
             llvm::cl::desc("Shape of one tensor (e.g. 100x128): bits per "
                            "element of that tensor"),
             llvm::cl::value_desc("AxBxC"), llvm::cl::cat(category));
static llvm::cl::opt<int64_t>
    axisOpt("axis", llvm::cl::desc("The quantization axis for --shape"),
            llvm::cl::init(-1), llvm::cl::value_desc("N"),
            llvm::cl::cat(category));
static llvm::cl::opt<bool>
    bitsOnly("bits-only",
             llvm::cl::desc("Print only the bits per element, one line per "
                            "format"),
             llvm::cl::cat(category));

static int fail(const llvm::Twine &msg) {
  llvm::WithColor::error(llvm::errs(), "mx-format") << msg << "\n";
  return 1;
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  llvm::cl::HideUnrelatedOptions(category);
  llvm::cl::ParseCommandLineOptions(
      argc, argv, "mx-format: describe quantization formats\n");

  // The tensor, if given.
  llvm::SmallVector<int64_t> shape;
  if (!shapeOpt.empty()) {
    llvm::SmallVector<llvm::StringRef> dims;
    llvm::StringRef(shapeOpt).split(dims, 'x');
    for (llvm::StringRef d : dims) {
      int64_t v;
      if (d.getAsInteger(10, v) || v <= 0)
        return fail("--shape: expected positive sizes separated by 'x' (e.g. "
                    "100x128), got '" +
                    shapeOpt + "'");
      shape.push_back(v);
    }
    if (axisOpt < 0 || axisOpt >= static_cast<int64_t>(shape.size()))
      return fail("--axis must be a dimension of --shape " + shapeOpt +
                  " (0 to " + llvm::Twine(shape.size() - 1) + ")");
  } else if (axisOpt != -1) {
    return fail("--axis needs --shape");
  }
  int64_t numElements = 1;
  for (int64_t d : shape) {
    if (numElements > INT64_MAX / d)
      return fail("--shape " + shapeOpt + " has too many elements");
    numElements *= d;
  }

  MLIRContext context;
  context.loadDialect<mx::MXDialect>();
  std::string diagnostic;
  ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
    diagnostic = diag.str();
    return success();
  });

  for (const std::string &text : formats) {
    diagnostic.clear();
    Attribute attr = parseAttribute("#mx.format<" + text + ">", &context);
    auto format = dyn_cast_or_null<mx::FormatAttr>(attr);
    if (!format)
      return fail("'" + text + "' is not a format" +
                  (diagnostic.empty() ? "" : ": " + diagnostic));
    const mx::FormatSpec &spec = format.getSpec();
    double bits = shape.empty()
                      ? spec.getBitsPerElement()
                      : spec.getBitsPerElement(numElements, shape[axisOpt]);
    if (bitsOnly) {
      llvm::outs() << llvm::format("%.4f\n", bits);
      continue;
    }
    llvm::outs() << text << ": " << format << "\n";
    llvm::outs() << "  element bits: " << spec.getElementBits() << "\n";
    llvm::outs() << llvm::format("  bits/element: %.4f", bits)
                 << (shape.empty() ? " (whole blocks)"
                                   : " (tensor " + shapeOpt + ", axis " +
                                         std::to_string(axisOpt) + ")")
                 << "\n";
  }
  return 0;
}
