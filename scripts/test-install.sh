#!/usr/bin/env bash
# The installed tree as a framework sees it: `cmake --install` into a
# temporary prefix, then examples/embedding (find_package(TileMLIR)) is
# configured and built against that prefix alone; its embed-opt runs
# --tl-expand-configs on the example next to upstream dialects, and the C API
# test (test/CAPI/tuner.c) runs built against the installed headers and
# libraries. Needs a built build/ (scripts/build.sh).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${TL_BUILD_DIR:-$root/build}
work=$(mktemp -d "${TMPDIR:-/tmp}/tl-install.XXXXXX")
trap 'rm -rf "$work"' EXIT

cmake --install "$build" --prefix "$work/prefix" >/dev/null
cmake -G Ninja -S "$root/examples/embedding" -B "$work/embedding" \
  -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_C_COMPILER=gcc -DCMAKE_CXX_COMPILER=g++ \
  -DCMAKE_PREFIX_PATH="$work/prefix" \
  -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir \
  -DTL_CAPI_TEST="$root/test/CAPI/tuner.c" >/dev/null
ninja -C "$work/embedding" >/dev/null

FileCheck=/usr/lib/llvm-22/bin/FileCheck
"$work/embedding/embed-opt" --show-dialects | $FileCheck --check-prefix=DIALECTS "$0"
# DIALECTS: Available Dialects: {{.*}}arith,{{.*}}func,{{.*}}tl
"$work/embedding/embed-opt" "$root/examples/matmul.mlir" \
  --tl-expand-configs="instantiate=M=4096,N=4096,K=4096 target=sm_90a" 2>/dev/null |
  $FileCheck --check-prefix=EXPAND "$0"
# EXPAND: module @matmul_block_M{{[0-9]+}}_block_N{{[0-9]+}}
# EXPAND-SAME: tl.target = "sm_90a"
mkdir -p "$work/capi"
"$work/embedding/embed-capi-test" "$root/test/CAPI/Inputs/scale.mlir" "$work/capi" 2>&1 |
  $FileCheck "$root/test/CAPI/tuner.c"
echo "test-install: installed TileMLIR found, embedded, and its C API ran"
