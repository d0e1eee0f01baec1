//===- CalibrationRuntime.cpp - Statistics collected by compiled code -----===//
//
// Part of mx-opt.
//
//===----------------------------------------------------------------------===//

#include "mx/Runtime/CalibrationRuntime.h"

#include "llvm/Support/FormatVariadic.h"

using namespace mx;

static CalibrationCollector *activeCollector = nullptr;

extern "C" void mx_calibration_observe_f32(int64_t id, int64_t axis,
                                           int64_t channels, int64_t inner,
                                           float *allocated, float *aligned,
                                           int64_t offset, int64_t size,
                                           int64_t stride) {
  (void)allocated;
  if (!activeCollector || size < 0)
    return;
  const float *base = aligned + offset;
  if (stride == 1) {
    activeCollector->observe(id, axis, channels, inner,
                             llvm::ArrayRef<float>(base, size));
    return;
  }
  std::vector<float> copy(size);
  for (int64_t i = 0; i < size; ++i)
    copy[i] = base[i * stride];
  activeCollector->observe(id, axis, channels, inner, copy);
}

CalibrationCollector::CalibrationCollector(std::vector<std::string> names,
                                           unsigned numBins)
    : names(std::move(names)) {
  stats.resize(this->names.size());
  for (TensorStatistics &s : stats)
    s.numBins = numBins;
}

CalibrationCollector::~CalibrationCollector() { deactivate(); }

void CalibrationCollector::activate() { activeCollector = this; }

void CalibrationCollector::deactivate() {
  if (activeCollector == this)
    activeCollector = nullptr;
}

void *CalibrationCollector::getObserveFunctionAddress() {
  return reinterpret_cast<void *>(&mx_calibration_observe_f32);
}

void CalibrationCollector::observe(int64_t id, int64_t axis, int64_t channels,
                                   int64_t inner,
                                   llvm::ArrayRef<float> values) {
  ++numCalls;
  if (id < 0 || static_cast<size_t>(id) >= stats.size()) {
    if (firstError.empty())
      firstError = llvm::formatv("observer id {0} is not one of the {1} "
                                 "observed tensors",
                                 id, stats.size());
    return;
  }
  TensorStatistics &s = stats[id];
  s.add(values);
  if (axis >= 0) {
    if (llvm::Error err = s.addChannels(values, axis, channels, inner)) {
      if (firstError.empty())
        firstError =
            "tensor '" + names[id] + "': " + llvm::toString(std::move(err));
      else
        llvm::consumeError(std::move(err));
    }
  }
}

llvm::Error CalibrationCollector::takeError() {
  if (firstError.empty())
    return llvm::Error::success();
  std::string msg = std::move(firstError);
  firstError.clear();
  return llvm::createStringError(llvm::inconvertibleErrorCode(), msg);
}

CalibrationTable CalibrationCollector::getTable() const {
  CalibrationTable table;
  for (auto [name, s] : llvm::zip(names, stats)) {
    auto [it, inserted] = table.try_emplace(name, s);
    if (!inserted)
      llvm::consumeError(it->second.merge(s));
  }
  return table;
}
