# -*- Python -*-
# Shared lit set-up of the mx test suites: test/lit.cfg.py (regression
# tests) and integration_test/lit.cfg.py (executable tests) load this file
# and call configure() with their own name, tools and feature probes, so
# that both suites see the same substitutions and the same detection of
# ninja, ptxas and the CPU features.

import os
import shutil

import lit.formats
import lit.llvm
from lit.llvm.subst import ToolSubst


def configure(config, lit_config, name, source_root, exec_dir, tools,
              substitutions=(), cpu_features=False):
    """Configures `config` for the suite `name` in `source_root` whose
    results go to <mx_obj_root>/`exec_dir`: the common substitutions, then `substitutions`
    (pairs), the tools in `tools` (found in the mx and LLVM tool
    directories; %mlir_opt is always added), the features ninja and ptxas,
    and with `cpu_features` avx512vnni and amx."""
    # lit.llvm.initialize() makes one LLVMConfig per suite: take this
    # suite's (a name imported once would keep the first suite's).
    llvm_config = lit.llvm.llvm_config
    config.name = name
    config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
    config.suffixes = [".mlir", ".test"]
    config.excludes = ["CMakeLists.txt", "README.md", "lit.cfg.py",
                       "lit.site.cfg.py", "Inputs"]
    config.test_source_root = source_root
    config.test_exec_root = os.path.join(config.mx_obj_root, exec_dir)

    config.substitutions.append(("%PATH%", config.environment["PATH"]))
    config.substitutions.append(("%shlibext", ".so"))
    config.substitutions.append(("%mx_src_root", config.mx_src_root))
    config.substitutions.append(("%mx_obj_root", config.mx_obj_root))
    config.substitutions.append(("%mx_libs", config.mx_lib_dir))
    config.substitutions.append(("%mlir_cmake_dir", config.mlir_cmake_dir))
    config.substitutions.append(("%cmake", config.cmake_command))
    config.substitutions.append(("%cxx", config.cxx_compiler))
    config.substitutions.extend(substitutions)

    # Captured FileCheck variables do not leak across CHECK-LABELs.
    config.environment["FILECHECK_OPTS"] = (
        "-enable-var-scope --allow-unused-prefixes=false")

    llvm_config.with_system_environment(["HOME", "INCLUDE", "LIB", "TMP", "TEMP"])
    llvm_config.use_default_substitutions()

    tool_dirs = [config.mx_tools_dir, config.llvm_tools_dir]
    llvm_config.add_tool_substitutions(
        list(tools) + [ToolSubst("%mlir_opt",
                                 os.path.join(config.llvm_tools_dir, "mlir-opt"),
                                 unresolved="fatal")],
        tool_dirs)

    if shutil.which("ninja"):
        config.available_features.add("ninja")
    add_ptxas(config, lit_config)
    if cpu_features:
        add_cpu_features(config)


def add_ptxas(config, lit_config):
    """GPU assembly tests (REQUIRES: ptxas) run where CUDA's ptxas is
    installed."""
    ptxas = shutil.which("ptxas") or (
        "/usr/local/cuda/bin/ptxas"
        if os.path.exists("/usr/local/cuda/bin/ptxas") else None)
    if ptxas:
        config.available_features.add("ptxas")
        config.substitutions.append(("%ptxas", ptxas))
        config.substitutions.append(
            ("%cuda_root", os.path.dirname(os.path.dirname(ptxas))))
    else:
        lit_config.note("ptxas not found (PATH, /usr/local/cuda/bin): tests "
                        "that assemble generated PTX (REQUIRES: ptxas) are "
                        "unsupported")


def add_cpu_features(config):
    """Tests that run the AVX-512 VNNI kernels of mx.contract (REQUIRES:
    avx512vnni) run where the CPU has them; the AMX kernels (REQUIRES: amx)
    where the CPU has AMX-INT8 tiles and Linux grants this process the tile
    state (arch_prctl(ARCH_REQ_XCOMP_PERM, XFEATURE_XTILEDATA), which a VM
    or an old kernel may refuse)."""
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            flags = cpuinfo.read()
        if " avx512_vnni" in flags and " avx512bw" in flags:
            config.available_features.add("avx512vnni")
        if " amx_tile" in flags and " amx_int8" in flags:
            import ctypes
            import platform

            if platform.machine() == "x86_64":
                SYS_arch_prctl, ARCH_REQ_XCOMP_PERM, XFEATURE_XTILEDATA = (
                    158, 0x1023, 18)
                libc = ctypes.CDLL(None, use_errno=True)
                if libc.syscall(SYS_arch_prctl, ARCH_REQ_XCOMP_PERM,
                                XFEATURE_XTILEDATA) == 0:
                    config.available_features.add("amx")
    except OSError:
        pass
