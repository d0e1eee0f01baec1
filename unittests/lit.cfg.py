# -*- Python -*-
# Runs every *.unittest GoogleTest binary under build/unittests.
import os
import lit.formats

config.name = "MX-Unit"
config.suffixes = []
config.test_exec_root = os.path.join(config.mx_obj_root, "unittests")
config.test_source_root = config.test_exec_root
config.test_format = lit.formats.GoogleTest(".", ".unittest")
