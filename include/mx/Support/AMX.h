//===- AMX.h - Permission to use AMX tiles on Linux -------------*- C++ -*-===//
//
// Part of mx-opt. Linux gives a process the AMX tile state (XTILEDATA) only
// after it asks for it with arch_prctl(ARCH_REQ_XCOMP_PERM); the first tile
// instruction of a process that did not ask faults (SIGILL). The JIT runner
// asks before it runs compiled code; `contract-kernels=auto` selects the AMX
// kernels only when the request succeeds.
//
//===----------------------------------------------------------------------===//

#ifndef MX_SUPPORT_AMX_H
#define MX_SUPPORT_AMX_H

#if defined(__linux__) && defined(__x86_64__)
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace mx {

/// Asks the kernel for the AMX tile data state for this process (once; the
/// answer is cached). True when tile instructions may run.
inline bool requestAMXTileData() {
#if defined(__linux__) && defined(__x86_64__)
  static const bool granted = [] {
    constexpr long kArchReqXcompPerm = 0x1023;
    constexpr long kXFeatureXTileData = 18;
    return syscall(SYS_arch_prctl, kArchReqXcompPerm, kXFeatureXTileData) == 0;
  }();
  return granted;
#else
  return false;
#endif
}

} // namespace mx

#endif // MX_SUPPORT_AMX_H
