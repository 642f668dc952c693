# -*- Python -*-
# The C++ unit tests (GoogleTest binaries), run by lit alongside the IR tests.

import os

import lit.formats

config.name = "TileMLIR-Unit"
config.suffixes = []
config.test_exec_root = config.tl_unit_test_dir
config.test_source_root = config.test_exec_root
config.test_format = lit.formats.GoogleTest(".", "Tests")
