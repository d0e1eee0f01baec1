//===- MXCalibrationOps.cpp - mx calibration observers --------------------===//
//
// Part of mx-opt. Verifiers of the ops in MXCalibrationOps.td.
//
//===----------------------------------------------------------------------===//

#include "mx/Dialect/MX/IR/MXOps.h"

using namespace mlir;
using namespace mx;

LogicalResult ObserveOp::verify() {
  if (getName().empty())
    return emitOpError("needs a non-empty tensor name");
  if (std::optional<int64_t> axis = getChannelAxis()) {
    int64_t rank = getInput().getType().getRank();
    if (*axis < 0 || *axis >= rank)
      return emitOpError() << "channel_axis " << *axis
                           << " is out of range for a tensor of rank " << rank;
  }
  return success();
}
