#!/usr/bin/env bash
# On a GPU node, from the bundle (carry .bundle/): cold tl-tune and cold
# triton.autotune over the example's space at 4096^3, alternated PAIRS times
# (default 2) in one run, since Triton's own time drifts between runs.
set -uo pipefail
source "$(dirname "$0")/bundle-env.sh"
for i in $(seq 1 "${PAIRS:-2}"); do
  rm -rf /tmp/tl-cache
  echo "== pair $i: tl-tune cold"
  TILELANG_CACHE_DIR=/tmp/tl-cache "$bin/tl-tune" examples/matmul.mlir \
    --instantiate=M=4096,N=4096,K=4096 --target=cuda > "$out/tl-tune-$i.txt" 2>&1
  tail -1 "$out/tl-tune-$i.txt"
  echo "== pair $i: triton.autotune cold"
  TRITON_CACHE_DIR=$(mktemp -d) python3 bench/cuda/triton_autotune.py 4096 2>&1 | tail -2
done
