//===- Passes.h - mx conversions --------------------------------*- C++ -*-===//
//
// Part of mx-opt. Every conversion pass of mx, for registration.
//
//===----------------------------------------------------------------------===//

#ifndef MX_CONVERSION_PASSES_H
#define MX_CONVERSION_PASSES_H

#include "mx/Conversion/MXObserveToRuntime/MXObserveToRuntime.h"
#include "mx/Conversion/MXToGPU/MXToGPU.h"
#include "mx/Conversion/MXToVector/MXToVector.h"
#include "mx/Conversion/QuantToMX/QuantToMX.h"
#include "mx/Conversion/TosaToMX/TosaToMX.h"

namespace mx {
#define GEN_PASS_REGISTRATION
#include "mx/Conversion/Passes.h.inc"
} // namespace mx

#endif // MX_CONVERSION_PASSES_H
