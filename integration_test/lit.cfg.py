# -*- Python -*-
# lit configuration for the mx executable tests (compiled code run through
# mx-run and compared against mx-ref or the unquantized graph). The set-up
# both suites share is utils/lit/mx_lit_common.py.

import os
import sys

sys.path.insert(0, os.path.join(config.mx_src_root, "utils", "lit"))
import mx_lit_common

mx_lit_common.configure(
    config,
    lit_config,
    name="MX-Integration",
    source_root=os.path.dirname(__file__),
    exec_dir="integration_test",
    tools=["mx-opt", "mx-run", "mx-ref", "mx-bench", "mx-calibrate",
           "split-file", "not", "count"],
    substitutions=[
        ("%mlir_runner", os.path.join(config.llvm_tools_dir, "mlir-runner")),
        ("%mlir_opt", os.path.join(config.llvm_tools_dir, "mlir-opt")),
        ("%mlir_c_runner_utils",
         os.path.join(config.llvm_lib_dir, "libmlir_c_runner_utils.so")),
        ("%mlir_apfloat_wrappers",
         os.path.join(config.llvm_lib_dir, "libmlir_apfloat_wrappers.so")),
    ],
    cpu_features=True,
)

# Programs lowered with --mx-lower-to-llvm="parallel=openmp" (REQUIRES:
# openmp) run where the OpenMP runtime was found at configure time.
if getattr(config, "mx_openmp_runtime", "") and os.path.exists(config.mx_openmp_runtime):
    config.available_features.add("openmp")
