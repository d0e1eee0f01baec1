# -*- Python -*-
# lit configuration for the mx regression tests (FileCheck, verifier and
# plugin tests). Executable tests live in integration_test/. The set-up
# both suites share is utils/lit/mx_lit_common.py.

import os
import sys

sys.path.insert(0, os.path.join(config.mx_src_root, "utils", "lit"))
import mx_lit_common

mx_lit_common.configure(
    config,
    lit_config,
    name="MX",
    source_root=os.path.dirname(__file__),
    exec_dir="test",
    tools=["mx-opt", "mx-calibrate", "mx-format", "split-file", "not", "count"],
)
