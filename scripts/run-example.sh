#!/usr/bin/env bash
# The main job: set up, build, then tune the guide's GEMM
# (examples/matmul.mlir, M=N=K=$TL_EXAMPLE_SIZE, default 512) with tl-tune
# --target auto: on a CUDA GPU when one
# is there, else on the host CPU. Prints the table; caches the best result
# under $TILELANG_CACHE_DIR/autotuner (default ~/.tilelang/cache).
#   scripts/run-example.sh [extra tl-tune options]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${TL_BUILD_DIR:-$root/build}
"$root/scripts/setup.sh"
"$root/scripts/build.sh" tl-tune tl-opt >/dev/null
size=${TL_EXAMPLE_SIZE:-512}
exec "$build/bin/tl-tune" "$root/examples/matmul.mlir" \
  --instantiate="M=$size,N=$size,K=$size" --target=auto "$@"
