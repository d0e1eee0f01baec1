//===- CalibrationCache.cpp - TensorRT caches, tpu-mlir tables ------------===//
//
// Part of mx-opt.
//
//===----------------------------------------------------------------------===//

#include "mx/Support/CalibrationCache.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"

#include <cmath>
#include <cstring>

using namespace mx;

static llvm::Error error(const llvm::Twine &msg) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), msg);
}

CalibrationFileKind mx::detectCalibrationFileKind(llvm::StringRef text) {
  llvm::StringRef t = text.ltrim();
  if (t.starts_with("{"))
    return CalibrationFileKind::Json;
  if (t.starts_with("TRT-"))
    return CalibrationFileKind::TensorRT;
  return CalibrationFileKind::TpuMlir;
}

const ScaleEntry *ScaleTable::lookup(llvm::StringRef name) const {
  for (const ScaleEntry &e : entries)
    if (e.name == name)
      return &e;
  return nullptr;
}

static bool isUsableScale(float s) { return std::isfinite(s) && s > 0; }

llvm::Expected<ScaleTable> mx::parseTensorRTCache(llvm::StringRef text,
                                                  llvm::StringRef name) {
  ScaleTable table;
  llvm::SmallVector<llvm::StringRef> lines;
  text.split(lines, '\n');
  bool sawHeader = false;
  for (auto [i, raw] : llvm::enumerate(lines)) {
    llvm::StringRef line = raw.trim();
    std::string where = (name + ":" + llvm::Twine(i + 1)).str();
    if (line.empty())
      continue;
    if (!sawHeader) {
      if (!line.starts_with("TRT-"))
        return error(where + ": not a TensorRT calibration cache (expected "
                             "a header such as TRT-8601-EntropyCalibration2)");
      table.header = line.str();
      sawHeader = true;
      continue;
    }
    // Names may contain ':' (mx names do): split at the last ':'.
    size_t colon = line.rfind(':');
    if (colon == llvm::StringRef::npos)
      return error(where + ": expected 'tensor_name: <8 hex digits>'");
    llvm::StringRef key = line.take_front(colon).rtrim();
    llvm::StringRef hex = line.drop_front(colon + 1).trim();
    uint32_t bits = 0;
    if (key.empty() || hex.size() != 8 || hex.getAsInteger(16, bits))
      return error(where + ": expected 'tensor_name: <8 hex digits>', got '" +
                   line + "'");
    float scale;
    std::memcpy(&scale, &bits, sizeof(scale));
    if (!isUsableScale(scale))
      return error(where + ": tensor '" + key + "': scale 0x" + hex +
                   " is not a positive finite number");
    if (table.lookup(key))
      return error(where + ": tensor '" + key + "' appears twice");
    double threshold = static_cast<double>(scale) * 127.0;
    table.entries.push_back(
        {key.str(), scale, threshold, -threshold, threshold});
  }
  if (!sawHeader)
    return error(name + ": empty TensorRT calibration cache");
  return table;
}

llvm::Expected<ScaleTable> mx::parseTpuMlirTable(llvm::StringRef text,
                                                 llvm::StringRef name) {
  ScaleTable table;
  llvm::SmallVector<llvm::StringRef> lines;
  text.split(lines, '\n');
  for (auto [i, raw] : llvm::enumerate(lines)) {
    llvm::StringRef line = raw.trim();
    std::string where = (name + ":" + llvm::Twine(i + 1)).str();
    if (line.empty())
      continue;
    if (line.starts_with("#")) {
      // Sections after the INT8 thresholds (int4 thresholds, asymmetric ops,
      // weight scales, fp8 thresholds) are not INT8 activation thresholds.
      if (line.starts_with("#int4") || line.starts_with("#asym_op") ||
          line.starts_with("#weight_scale") ||
          line.starts_with("#tpu-mlir-fp8"))
        break;
      continue;
    }
    llvm::SmallVector<llvm::StringRef> fields;
    line.split(fields, ' ', -1, /*KeepEmpty=*/false);
    if (fields.size() != 4)
      return error(where +
                   ": expected 'op_name threshold min max' (4 fields), got " +
                   llvm::Twine(fields.size()));
    double v[3];
    for (int k = 0; k < 3; ++k)
      if (fields[k + 1].getAsDouble(v[k]) || !std::isfinite(v[k]))
        return error(where + ": tensor '" + fields[0] + "': '" + fields[k + 1] +
                     "' is not a finite number");
    if (!(v[0] >= 0))
      return error(where + ": tensor '" + fields[0] + "': threshold " +
                   fields[1] + " is negative");
    if (table.lookup(fields[0]))
      return error(where + ": tensor '" + fields[0] + "' appears twice");
    table.entries.push_back(
        {fields[0].str(), scaleForThreshold(v[0]), v[0], v[1], v[2]});
  }
  return table;
}

llvm::Expected<ScaleTable> mx::readScaleTable(llvm::StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFileOrSTDIN(path);
  if (!buffer)
    return error(path + ": cannot read: " + buffer.getError().message());
  llvm::StringRef text = (*buffer)->getBuffer();
  switch (detectCalibrationFileKind(text)) {
  case CalibrationFileKind::TensorRT:
    return parseTensorRTCache(text, path);
  case CalibrationFileKind::TpuMlir:
    return parseTpuMlirTable(text, path);
  case CalibrationFileKind::Json:
    break;
  }
  return error(path + ": a JSON calibration table holds statistics, not "
                      "scales");
}

std::string mx::printTensorRTCache(const ScaleTable &table) {
  std::string out;
  llvm::raw_string_ostream os(out);
  os << (table.header.empty() ? "TRT-8601-EntropyCalibration2" : table.header)
     << "\n";
  for (const ScaleEntry &e : table.entries) {
    uint32_t bits;
    std::memcpy(&bits, &e.scale, sizeof(bits));
    os << e.name << ": " << llvm::format_hex_no_prefix(bits, 8) << "\n";
  }
  return out;
}

std::string mx::printTpuMlirTable(const ScaleTable &table,
                                  llvm::StringRef comment) {
  std::string out;
  llvm::raw_string_ostream os(out);
  if (!comment.empty())
    os << "# " << comment << "\n";
  os << "# op_name    threshold    min    max\n";
  for (const ScaleEntry &e : table.entries)
    os << e.name
       << llvm::format(" %.17g %.17g %.17g\n", e.threshold, e.min, e.max);
  return out;
}

llvm::Expected<ScaleTable>
mx::scaleTableFromStatistics(const CalibrationTable &stats,
                             CalibrationMethod method, double percentile) {
  ScaleTable table;
  switch (method) {
  case CalibrationMethod::Entropy:
    table.header = "TRT-8601-EntropyCalibration2";
    break;
  case CalibrationMethod::Max:
    table.header = "TRT-8601-MinMaxCalibration";
    break;
  case CalibrationMethod::Percentile:
  case CalibrationMethod::MSE:
    table.header = "TRT-8601-LegacyCalibration";
    break;
  }
  std::vector<llvm::StringRef> names;
  for (const auto &entry : stats)
    names.push_back(entry.getKey());
  llvm::sort(names);
  for (llvm::StringRef n : names) {
    const TensorStatistics &s = stats.find(n)->second;
    llvm::Expected<double> t = chooseThreshold(s, method, percentile);
    if (!t)
      return error("tensor '" + n + "': " + llvm::toString(t.takeError()));
    double mn = s.count ? s.min : 0.0, mx = s.count ? s.max : 0.0;
    table.entries.push_back({n.str(), scaleForThreshold(*t), *t, mn, mx});
  }
  return table;
}
