//===- Plot.cpp - SVG histograms of calibration statistics ----------------===//
//
// Part of mx-opt (mx-calibrate --plot-dir).
//
//===----------------------------------------------------------------------===//

#include "Plot.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>

using namespace mx;

static llvm::Error error(const llvm::Twine &msg) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), msg);
}

/// Escapes text for XML / HTML.
static std::string escape(llvm::StringRef s) {
  std::string out;
  llvm::raw_string_ostream os(out);
  llvm::printHTMLEscaped(s, os);
  return out;
}

/// A file name for tensor number `index`: the name with every character
/// other than letters, digits, '.', '-' and '_' replaced by '_', prefixed by
/// the index so that names differing only in those characters stay apart.
static std::string fileNameFor(size_t index, llvm::StringRef name) {
  std::string out = (llvm::Twine(index) + "-").str();
  for (char c : name)
    out += (llvm::isAlnum(c) || c == '.' || c == '-' || c == '_') ? c : '_';
  return out + ".svg";
}

namespace {
struct MethodThreshold {
  const char *name;
  const char *color;
  std::optional<double> value;
  std::string why; // When there is no value.
};
} // namespace

static std::vector<MethodThreshold> thresholdsOf(const TensorStatistics &s,
                                                 double percentile) {
  std::vector<MethodThreshold> out;
  const std::pair<CalibrationMethod, const char *> methods[] = {
      {CalibrationMethod::Max, "#d62728"},
      {CalibrationMethod::Percentile, "#2ca02c"},
      {CalibrationMethod::Entropy, "#9467bd"},
      {CalibrationMethod::MSE, "#ff7f0e"}};
  for (auto [m, color] : methods) {
    MethodThreshold t{stringifyCalibrationMethod(m).data(), color, {}, {}};
    llvm::Expected<double> v = chooseThreshold(s, m, percentile);
    if (v)
      t.value = *v;
    else
      t.why = llvm::toString(v.takeError());
    out.push_back(std::move(t));
  }
  return out;
}

static std::string formatNumber(double v) {
  std::string s;
  llvm::raw_string_ostream(s) << llvm::format("%.9g", v);
  return s;
}

static void writeSvg(llvm::raw_ostream &os, llvm::StringRef name,
                     const TensorStatistics &s,
                     llvm::ArrayRef<MethodThreshold> thresholds) {
  const int width = 800, height = 420, left = 60, right = 20, top = 40,
            bottom = 120;
  const int plotW = width - left - right, plotH = height - top - bottom;
  os << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width
     << "\" height=\"" << height << "\" font-family=\"sans-serif\" "
     << "font-size=\"12\">\n";
  os << "<title>" << escape(name) << "</title>\n";
  os << "<text x=\"" << left << "\" y=\"20\" font-size=\"14\">" << escape(name)
     << "</text>\n";
  os << "<rect x=\"" << left << "\" y=\"" << top << "\" width=\"" << plotW
     << "\" height=\"" << plotH << "\" fill=\"none\" stroke=\"#888\"/>\n";
  uint64_t peak = 0;
  for (uint64_t b : s.bins)
    peak = std::max(peak, b);
  double logPeak = std::log10(1.0 + static_cast<double>(peak));
  size_t n = s.bins.size();
  double binW = n ? static_cast<double>(plotW) / n : 0;
  // Histogram of |x|, log scale: height log10(1 + count).
  os << "<g fill=\"#1f77b4\">\n";
  for (size_t k = 0; k < n; ++k) {
    if (!s.bins[k] || logPeak == 0)
      continue;
    double h = plotH * std::log10(1.0 + s.bins[k]) / logPeak;
    os << llvm::format("<rect x=\"%.3f\" y=\"%.3f\" width=\"%.3f\" "
                       "height=\"%.3f\"/>\n",
                       left + k * binW, top + plotH - h, std::max(binW, 0.5),
                       h);
  }
  os << "</g>\n";
  // Axes labels.
  os << "<text x=\"" << left << "\" y=\"" << top + plotH + 16
     << "\">0</text>\n";
  os << "<text x=\"" << left + plotW << "\" y=\"" << top + plotH + 16
     << "\" text-anchor=\"end\">|x| = " << formatNumber(s.histMax)
     << "</text>\n";
  os << "<text x=\"12\" y=\"" << top + plotH / 2
     << "\" transform=\"rotate(-90 12 " << top + plotH / 2
     << ")\" text-anchor=\"middle\">log10(1 + count)</text>\n";
  // Thresholds.
  double y = top + plotH + 36;
  for (const MethodThreshold &t : thresholds) {
    if (t.value && s.histMax > 0) {
      double x = left + plotW * std::min(*t.value / s.histMax, 1.0);
      os << llvm::format("<line x1=\"%.3f\" y1=\"%.3f\" x2=\"%.3f\" "
                         "y2=\"%.3f\" stroke=\"%s\" stroke-width=\"1.5\"/>\n",
                         x, static_cast<double>(top), x,
                         static_cast<double>(top + plotH), t.color);
    }
    os << "<text x=\"" << left << "\" y=\"" << y << "\" fill=\"" << t.color
       << "\">" << t.name << " threshold: "
       << (t.value ? formatNumber(*t.value) : "n/a (" + escape(t.why) + ")")
       << "</text>\n";
    y += 18;
  }
  os << "</svg>\n";
}

llvm::Error mx::writeCalibrationPlots(const CalibrationTable &table,
                                      llvm::StringRef dir, double percentile) {
  if (std::error_code ec = llvm::sys::fs::create_directories(dir))
    return error(dir + ": cannot create the directory: " + ec.message());
  std::vector<llvm::StringRef> names;
  for (const auto &entry : table)
    names.push_back(entry.getKey());
  llvm::sort(names);

  std::string index;
  llvm::raw_string_ostream html(index);
  html << "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
       << "<title>mx-calibrate</title></head><body>\n"
       << "<h1>Calibration statistics</h1>\n<table border=\"1\">\n"
       << "<tr><th>tensor</th><th>count</th><th>min</th><th>max</th>"
       << "<th>absmax</th><th>max</th><th>percentile "
       << formatNumber(percentile)
       << "</th><th>entropy</th><th>mse</th></tr>\n";
  for (auto [i, name] : llvm::enumerate(names)) {
    const TensorStatistics &s = table.find(name)->second;
    std::vector<MethodThreshold> thresholds = thresholdsOf(s, percentile);
    std::string file = fileNameFor(i, name);
    llvm::SmallString<256> path(dir);
    llvm::sys::path::append(path, file);
    std::error_code ec;
    llvm::raw_fd_ostream os(path, ec);
    if (ec)
      return error(path + ": cannot write: " + ec.message());
    writeSvg(os, name, s, thresholds);
    html << "<tr><td><a href=\"" << file << "\">" << escape(name)
         << "</a></td><td>" << s.count << "</td><td>" << formatNumber(s.min)
         << "</td><td>" << formatNumber(s.max) << "</td><td>"
         << formatNumber(s.absMax) << "</td>";
    for (const MethodThreshold &t : thresholds)
      html << "<td>" << (t.value ? formatNumber(*t.value) : "n/a") << "</td>";
    html << "</tr>\n";
  }
  html << "</table>\n</body></html>\n";
  llvm::SmallString<256> path(dir);
  llvm::sys::path::append(path, "index.html");
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec);
  if (ec)
    return error(path + ": cannot write: " + ec.message());
  os << index;
  return llvm::Error::success();
}
