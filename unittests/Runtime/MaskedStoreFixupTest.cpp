//===- MaskedStoreFixupTest.cpp - Single-lane masked store rewrite --------===//
//
// Part of the mx project.
//
//===----------------------------------------------------------------------===//

#include "mx/Runtime/MaskedStoreFixup.h"

#include "llvm/AsmParser/Parser.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/Verifier.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include "gtest/gtest.h"

#include <memory>
#include <string>

namespace {

/// The body of @f after the rewrite, as text.
std::string rewrite(const char *body, unsigned &count) {
  static llvm::LLVMContext context;
  std::string source = std::string(R"(
declare void @llvm.masked.store.v8i8.p0(<8 x i8>, ptr, <8 x i1>)
define void @f(<8 x i32> %w, ptr %p, <8 x i1> %m) {
  %v = trunc <8 x i32> %w to <8 x i8>
)") + body + "\n  ret void\n}\n";
  llvm::SMDiagnostic err;
  std::unique_ptr<llvm::Module> module =
      llvm::parseAssemblyString(source, err, context);
  if (!module) {
    std::string msg;
    llvm::raw_string_ostream os(msg);
    err.print("test", os);
    ADD_FAILURE() << msg;
    return "";
  }
  count = mx::expandSingleLaneMaskedStores(*module);
  std::string out;
  llvm::raw_string_ostream os(out);
  EXPECT_FALSE(llvm::verifyModule(*module, &os)) << out;
  module->getFunction("f")->print(os);
  return out;
}

constexpr const char *kOneHot0 =
    "<i1 true, i1 false, i1 false, i1 false, i1 false, i1 false, i1 false, "
    "i1 false>";

} // namespace

// The form LLVM 22's x86 backend stores four bytes for: one byte now.
TEST(MaskedStoreFixup, LaneZeroBecomesByteStore) {
  unsigned n = 0;
  std::string out = rewrite(
      (std::string("  call void @llvm.masked.store.v8i8.p0(<8 x i8> %v, ptr "
                   "align 4 %p, <8 x i1> ") +
       kOneHot0 + ")")
          .c_str(),
      n);
  EXPECT_EQ(n, 1u);
  EXPECT_EQ(out.find("masked.store"), std::string::npos) << out;
  EXPECT_NE(out.find("extractelement <8 x i8> %v, i64 0"), std::string::npos)
      << out;
  EXPECT_NE(out.find("store i8 %"), std::string::npos) << out;
  EXPECT_NE(out.find("ptr %p, align 1"), std::string::npos) << out;
}

// Another single lane: its element at its offset.
TEST(MaskedStoreFixup, OtherLaneStoresAtItsOffset) {
  unsigned n = 0;
  std::string out = rewrite(
      "  call void @llvm.masked.store.v8i8.p0(<8 x i8> %v, ptr align 4 %p, "
      "<8 x i1> <i1 false, i1 false, i1 false, i1 true, i1 false, i1 false, "
      "i1 false, i1 false>)",
      n);
  EXPECT_EQ(n, 1u);
  EXPECT_NE(out.find("extractelement <8 x i8> %v, i64 3"), std::string::npos)
      << out;
  EXPECT_NE(out.find("getelementptr i8, ptr %p, i64 3"), std::string::npos)
      << out;
}

// No lane: nothing is stored.
TEST(MaskedStoreFixup, EmptyMaskStoresNothing) {
  unsigned n = 0;
  std::string out = rewrite("  call void @llvm.masked.store.v8i8.p0(<8 x i8> "
                            "%v, ptr align 1 %p, <8 x i1> zeroinitializer)",
                            n);
  EXPECT_EQ(n, 1u);
  EXPECT_EQ(out.find("store"), std::string::npos) << out;
}

// Two lanes, or a mask known only at run time: compiled correctly, kept.
TEST(MaskedStoreFixup, OtherMasksAreKept) {
  unsigned n = 0;
  std::string two = rewrite(
      "  call void @llvm.masked.store.v8i8.p0(<8 x i8> %v, ptr align 1 %p, "
      "<8 x i1> <i1 true, i1 true, i1 false, i1 false, i1 false, i1 false, "
      "i1 false, i1 false>)",
      n);
  EXPECT_EQ(n, 0u);
  EXPECT_NE(two.find("masked.store"), std::string::npos) << two;
  std::string dynamic =
      rewrite("  call void @llvm.masked.store.v8i8.p0(<8 x i8> %v, ptr align "
              "1 %p, <8 x i1> %m)",
              n);
  EXPECT_EQ(n, 0u);
  EXPECT_NE(dynamic.find("masked.store"), std::string::npos) << dynamic;
}
