#!/usr/bin/env bash
# On a GPU node, from the relocatable bundle alone (carry .bundle/): tunes
# the example at 4096^3 cold and warm, runs the planted faulting and hanging
# candidates, times Triton's autotune over a same-size space, and measures
# compile throughput. Logs go to $OUT.
set -uo pipefail
source "$(dirname "$0")/bundle-env.sh"
export TILELANG_CACHE_DIR=/tmp/tl-cache
rm -rf "$TILELANG_CACHE_DIR"
nvidia-smi -L
ldd "$bin/tl-tune" | grep "not found" && echo "MISSING LIBRARIES"
shape="--instantiate=M=4096,N=4096,K=4096"
echo "== cold"
( time "$bin/tl-tune" examples/matmul.mlir $shape --target=cuda ) > "$out/tune-cold.txt" 2>&1
tail -12 "$out/tune-cold.txt"
echo "== warm"
( time "$bin/tl-tune" examples/matmul.mlir $shape --target=cuda ) > "$out/tune-warm.txt" 2>&1
tail -5 "$out/tune-warm.txt"
echo "== cold, --prune-ratio=1.25"
( time "$bin/tl-tune" examples/matmul.mlir $shape --target=cuda --prune-ratio=1.25 --no-cache ) > "$out/tune-cold-1.25.txt" 2>&1
tail -4 "$out/tune-cold-1.25.txt"
echo "== cold, no pruning (every candidate gets warmup 25 + rep 100)"
( time "$bin/tl-tune" examples/matmul.mlir $shape --target=cuda --prune-ratio=0 --no-cache ) > "$out/tune-cold-full.txt" 2>&1
tail -8 "$out/tune-cold-full.txt"
echo "== cold, Triton's budgets (warmup 25 ms, rep 100 ms, no pruning)"
( time "$bin/tl-tune" examples/matmul.mlir $shape --target=cuda --prune-ratio=0 --warmup-ms=25 --rep-ms=100 --no-cache ) > "$out/tune-cold-budget.txt" 2>&1
tail -8 "$out/tune-cold-budget.txt"
echo "== planted fault and hang"
"$bin/tl-tune" test/Tuner/tl-tune.mlir --instantiate=N=4096 --target=cuda \
  --timeout=10 --warmup=1 --rep=3 --no-cache > "$out/planted.txt" 2>&1
cat "$out/planted.txt"
echo "== compile timeout (a ptxas that never ends for config 1)"
mkdir -p /tmp/fakecuda/bin
printf '#!/bin/sh\ncase "$*" in *"/1/kernel.ptx"*) exec sleep 120;; esac\nexec %s/bin/ptxas "$@"\n' "$CUDA_HOME" > /tmp/fakecuda/bin/ptxas
chmod +x /tmp/fakecuda/bin/ptxas
( time CUDA_HOME=/tmp/fakecuda "$bin/tl-tune" test/Tuner/tl-tune.mlir --instantiate=N=4096 --target=cuda \
  --timeout=10 --warmup=1 --rep=3 --no-cache --compile-timeout=5 --constraint='mode == 0' ) > "$out/compile-timeout.txt" 2>&1
cat "$out/compile-timeout.txt"
echo "== triton"
TRITON_CACHE_DIR=$(mktemp -d) python3 bench/cuda/triton_autotune.py 4096 > "$out/triton.txt" 2>&1
cat "$out/triton.txt" | tail -3
echo "== compile throughput"
for j in 1 16; do
  rm -rf /tmp/cj
  "$bin/tl-compile" examples/matmul.mlir $shape -j "$j" -o /tmp/cj 2>/dev/null | tail -1
done
