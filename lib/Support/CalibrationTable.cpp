//===- CalibrationTable.cpp - Versioned JSON calibration tables -----------===//
//
// Part of mx-opt.
//
//===----------------------------------------------------------------------===//

#include "mx/Support/CalibrationTable.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"

#include <algorithm>

using namespace mx;

static llvm::Error error(const llvm::Twine &msg) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), msg);
}

llvm::Expected<CalibrationTable>
mx::parseCalibrationTable(llvm::StringRef text, llvm::StringRef name) {
  llvm::Expected<llvm::json::Value> json = llvm::json::parse(text);
  if (!json)
    return error(name +
                 ": not valid JSON: " + llvm::toString(json.takeError()));
  const llvm::json::Object *root = json->getAsObject();
  if (!root)
    return error(name + ": expected a JSON object at the top level");
  std::optional<llvm::StringRef> format = root->getString("format");
  if (!format || *format != "mx-calibration-table")
    return error(name + ": not an mx calibration table (\"format\" must be "
                        "\"mx-calibration-table\")");
  std::optional<int64_t> version = root->getInteger("version");
  if (!version)
    return error(name + ": missing \"version\"");
  if (*version != kCalibrationTableVersion)
    return error(name + ": table version " + llvm::Twine(*version) +
                 " is not supported (this mx-opt reads version " +
                 llvm::Twine(kCalibrationTableVersion) + ")");
  const llvm::json::Object *tensors = root->getObject("tensors");
  if (!tensors)
    return error(name + ": missing the \"tensors\" object");

  CalibrationTable table;
  for (const auto &[key, value] : *tensors) {
    std::string where = (name + ": tensor '" + key.str() + "'").str();
    const llvm::json::Object *t = value.getAsObject();
    if (!t)
      return error(where + ": expected an object");
    TensorStatistics s;
    auto number = [&](llvm::StringRef field, double &out) -> llvm::Error {
      std::optional<double> v = t->getNumber(field);
      if (!v)
        return error(where + ": missing or non-numeric \"" + field + "\"");
      out = *v;
      return llvm::Error::success();
    };
    auto count = [&](llvm::StringRef field, auto &out) -> llvm::Error {
      std::optional<int64_t> v = t->getInteger(field);
      if (!v || *v < 0)
        return error(where + ": \"" + field +
                     "\" must be a non-negative integer");
      out = static_cast<std::decay_t<decltype(out)>>(*v);
      return llvm::Error::success();
    };
    double absMax = 0;
    if (auto e = count("count", s.count))
      return std::move(e);
    if (auto e = number("min", s.min))
      return std::move(e);
    if (auto e = number("max", s.max))
      return std::move(e);
    if (auto e = number("absmax", absMax))
      return std::move(e);
    s.absMax = absMax;
    if (auto e = count("non_finite", s.nonFinite))
      return std::move(e);
    if (auto e = count("num_bins", s.numBins))
      return std::move(e);
    if (auto e = number("hist_max", s.histMax))
      return std::move(e);
    const llvm::json::Array *bins = t->getArray("bins");
    if (!bins)
      return error(where + ": missing the \"bins\" array");
    if (bins->size() != s.numBins)
      return error(where + ": \"bins\" has " + llvm::Twine(bins->size()) +
                   " entries, expected num_bins = " + llvm::Twine(s.numBins));
    for (const llvm::json::Value &b : *bins) {
      std::optional<int64_t> v = b.getAsInteger();
      if (!v || *v < 0)
        return error(where + ": \"bins\" must hold non-negative integers");
      s.bins.push_back(static_cast<uint64_t>(*v));
    }
    // Optional per-channel maxima (both fields or neither).
    if (t->get("channel_axis") || t->get("channel_absmax")) {
      std::optional<int64_t> axis = t->getInteger("channel_axis");
      if (!axis || *axis < 0)
        return error(where + ": \"channel_axis\" must be a non-negative "
                             "integer when \"channel_absmax\" is given");
      const llvm::json::Array *ch = t->getArray("channel_absmax");
      if (!ch || ch->empty())
        return error(where + ": \"channel_absmax\" must be a non-empty "
                             "array of numbers when \"channel_axis\" is given");
      s.channelAxis = *axis;
      for (const llvm::json::Value &v : *ch) {
        std::optional<double> d = v.getAsNumber();
        if (!d)
          return error(where + ": \"channel_absmax\" must hold numbers");
        s.channelAbsMax.push_back(*d);
      }
    }
    if (auto e = s.verify())
      return error(
          where + ": inconsistent statistics: " + llvm::toString(std::move(e)));
    table[key] = std::move(s);
  }
  return table;
}

llvm::Expected<CalibrationTable>
mx::readCalibrationTable(llvm::StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFileOrSTDIN(path);
  if (!buffer)
    return error(path + ": cannot read: " + buffer.getError().message());
  return parseCalibrationTable((*buffer)->getBuffer(), path);
}

std::string mx::printCalibrationTable(const CalibrationTable &table) {
  llvm::json::Object tensors;
  std::vector<llvm::StringRef> names;
  for (const auto &entry : table)
    names.push_back(entry.getKey());
  llvm::sort(names);
  for (llvm::StringRef n : names) {
    const TensorStatistics &s = table.lookup(n);
    llvm::json::Array bins;
    for (uint64_t b : s.bins)
      bins.push_back(static_cast<int64_t>(b));
    tensors[n] =
        llvm::json::Object{{"count", static_cast<int64_t>(s.count)},
                           {"min", s.min},
                           {"max", s.max},
                           {"absmax", s.absMax},
                           {"non_finite", static_cast<int64_t>(s.nonFinite)},
                           {"num_bins", static_cast<int64_t>(s.numBins)},
                           {"hist_max", s.histMax},
                           {"bins", std::move(bins)}};
    if (!s.channelAbsMax.empty()) {
      llvm::json::Object &o = *tensors.getObject(n);
      o["channel_axis"] = s.channelAxis;
      o["channel_absmax"] = llvm::json::Array(s.channelAbsMax);
    }
  }
  llvm::json::Object root{{"format", "mx-calibration-table"},
                          {"version", kCalibrationTableVersion},
                          {"tensors", std::move(tensors)}};
  std::string out;
  llvm::raw_string_ostream os(out);
  os << llvm::formatv("{0:2}", llvm::json::Value(std::move(root))) << "\n";
  return out;
}
