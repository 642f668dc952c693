# -*- Python -*-
# lit configuration of the TileMLIR tests: IR tests (FileCheck) here, C++
# unit tests (GoogleTest) under unit/.

import os
import shutil
import sys

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "TileMLIR"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".c"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.tl_obj_root, "test")
config.excludes = ["CMakeLists.txt", "README.md", "lit.cfg.py", "Inputs", "unit", "fuzz"]

config.substitutions.append(("%PATH%", config.environment["PATH"]))
config.substitutions.append(("%python", sys.executable))
config.substitutions.append(("%tl_tools_dir", config.tl_tools_dir))
config.substitutions.append(("%tl_src_root", config.tl_src_root))
config.substitutions.append(("%tl_lib_dir", os.path.join(config.tl_obj_root, "lib")))
config.substitutions.append(("%examples", os.path.join(config.tl_src_root, "examples")))
# A stand-in HIP runtime (unit/FakeHip.c) for the tuner's HIP path.
config.substitutions.append(("%fake_hip", os.path.join(config.tl_obj_root, "test", "unit", "libTLFakeHip.so")))

llvm_config.with_system_environment(["HOME", "INCLUDE", "LIB", "TMP", "TEMP"])
llvm_config.use_default_substitutions()

# tl-opt from the build; FileCheck, not, count from LLVM's tools.
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
llvm_config.with_environment("PATH", config.tl_tools_dir, append_path=True)

tool_dirs = [config.tl_tools_dir, config.llvm_tools_dir]
tools = ["tl-opt", "tl-compile", "tl-tune", "tl-capi-test", "tl-capi-runtime-test"]
llvm_config.add_tool_substitutions(tools, tool_dirs)

# GPU-only tests say `REQUIRES: cuda-gpu`; they run only where a device is.
if shutil.which("nvidia-smi") and os.system("nvidia-smi -L >/dev/null 2>&1") == 0:
    config.available_features.add("cuda-gpu")
config.substitutions.append(("%ptxas", "/usr/local/cuda/bin/ptxas"))
if os.path.exists("/usr/local/cuda/bin/ptxas"):
    config.available_features.add("ptxas")
