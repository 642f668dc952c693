#!/usr/bin/env bash
# On a GPU node (nothing built there): the correctness sweep of every config
# in .device/matmul-check (bench/cuda/build-matmul-check.sh: A.B and A.B^T,
# f16 and bf16, square and odd shapes, guard regions), timed against cuBLAS
# at the large shapes; an interleaved same-run A/B of the default lowering
# against .device/mmasync (the same kernels built with --mma=mma.sync); and
# Triton's autotuned matmul. Logs under $OUT; short tables last.
set -uo pipefail
out=${OUT:-/tmp/tl-out}
mkdir -p "$out"
here=$(dirname "$0")
nvidia-smi -L
TL_CHECK_TIMED=${TL_CHECK_TIMED:-"4096x4096x4096 8192x8192x8192 3000x5000x1000"} \
  python3 "$here/check_matmul.py" .device/matmul-check "$out" > "$out/check.txt" 2>&1
for group in f16 bf16 nt-f16 nt-bf16; do
  mkdir -p "$out/ab-$group"
  [ -d .device/mmasync/${group}_4096x4096x4096 ] || continue
  python3 "$here/ab_matmul.py" "$out/ab-$group" \
    "default=.device/matmul-check/${group}_4096x4096x4096" \
    "mma.sync=.device/mmasync/${group}_4096x4096x4096" --rounds 5 \
    > "$out/ab-$group.txt" 2>&1
done
TRITON_CACHE_DIR=$(mktemp -d) python3 "$here/triton_autotune.py" 4096 > "$out/triton.txt" 2>&1
cat "$out/check.txt"
for group in f16 bf16 nt-f16 nt-bf16; do
  echo "== A/B $group 4096^3"
  head -7 "$out/ab-$group.txt"
  grep cuBLAS "$out/ab-$group.txt"
done
tail -3 "$out/triton.txt"
