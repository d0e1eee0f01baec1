# -*- Python -*-
# lit configuration for the mx regression tests (FileCheck, verifier and
# plugin tests). Executable tests live in integration_test/.

import os
import shutil

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "MX-Integration"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.excludes = ["CMakeLists.txt", "README.md", "lit.cfg.py", "lit.site.cfg.py", "Inputs"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.mx_obj_root, "integration_test")

config.substitutions.append(("%PATH%", config.environment["PATH"]))
config.substitutions.append(("%shlibext", ".so"))
config.substitutions.append(("%mx_src_root", config.mx_src_root))
config.substitutions.append(("%mx_obj_root", config.mx_obj_root))
config.substitutions.append(("%mx_libs", config.mx_lib_dir))
config.substitutions.append(("%mlir_cmake_dir", config.mlir_cmake_dir))
config.substitutions.append(("%cmake", config.cmake_command))
config.substitutions.append(("%cxx", config.cxx_compiler))
config.substitutions.append(("%mlir_runner", os.path.join(config.llvm_tools_dir, "mlir-runner")))
config.substitutions.append(("%mlir_c_runner_utils", os.path.join(config.llvm_lib_dir, "libmlir_c_runner_utils.so")))
config.substitutions.append(("%mlir_apfloat_wrappers", os.path.join(config.llvm_lib_dir, "libmlir_apfloat_wrappers.so")))

# Captured FileCheck variables do not leak across CHECK-LABELs.
config.environment["FILECHECK_OPTS"] = "-enable-var-scope --allow-unused-prefixes=false"

llvm_config.with_system_environment(["HOME", "INCLUDE", "LIB", "TMP", "TEMP"])
llvm_config.use_default_substitutions()

tool_dirs = [config.mx_tools_dir, config.llvm_tools_dir]
tools = [
    "mx-opt",
    "mx-run",
    "mx-ref",
    "mx-bench",
    "mx-calibrate",
    "split-file",
    "not",
    "count",
    ToolSubst("%mlir_opt", os.path.join(config.llvm_tools_dir, "mlir-opt"), unresolved="fatal"),
]
llvm_config.add_tool_substitutions(tools, tool_dirs)

if shutil.which("ninja"):
    config.available_features.add("ninja")

# GPU assembly tests (REQUIRES: ptxas) run where CUDA's ptxas is installed.
ptxas = shutil.which("ptxas") or (
    "/usr/local/cuda/bin/ptxas" if os.path.exists("/usr/local/cuda/bin/ptxas") else None)
if ptxas:
    config.available_features.add("ptxas")
    config.substitutions.append(("%ptxas", ptxas))
    config.substitutions.append(("%cuda_root", os.path.dirname(os.path.dirname(ptxas))))
else:
    lit_config.note("ptxas not found (PATH, /usr/local/cuda/bin): tests that "
                    "assemble generated PTX (REQUIRES: ptxas) are unsupported")

# Tests that run the AVX-512 VNNI kernels of mx.contract (REQUIRES:
# avx512vnni) run where the CPU has them.
try:
    with open("/proc/cpuinfo") as cpuinfo:
        flags = cpuinfo.read()
    if " avx512_vnni" in flags and " avx512bw" in flags:
        config.available_features.add("avx512vnni")
    # AMX kernels (REQUIRES: amx): the CPU has AMX-INT8 tiles and Linux
    # grants this process the tile state (arch_prctl(ARCH_REQ_XCOMP_PERM,
    # XFEATURE_XTILEDATA), which a VM or an old kernel may refuse).
    if " amx_tile" in flags and " amx_int8" in flags:
        import ctypes
        import platform

        if platform.machine() == "x86_64":
            SYS_arch_prctl, ARCH_REQ_XCOMP_PERM, XFEATURE_XTILEDATA = 158, 0x1023, 18
            libc = ctypes.CDLL(None, use_errno=True)
            if libc.syscall(SYS_arch_prctl, ARCH_REQ_XCOMP_PERM, XFEATURE_XTILEDATA) == 0:
                config.available_features.add("amx")
except OSError:
    pass

# Programs lowered with --mx-lower-to-llvm="parallel=openmp" (REQUIRES:
# openmp) run where the OpenMP runtime was found at configure time.
if getattr(config, "mx_openmp_runtime", "") and os.path.exists(config.mx_openmp_runtime):
    config.available_features.add("openmp")
