#!/usr/bin/env bash
# On a GPU node (nothing built there): the correctness sweep of every group
# in .device/matmul-check (bench/cuda/build-matmul-check.sh: A.B, A.B^T and
# the Hopper space, f16 and bf16, square and odd shapes, guard regions),
# timed against cuBLAS at the shapes in TL_CHECK_TIMED; then, for every
# other directory .device/<variant>/ holding a group of the same name (the
# same kernels from another compiler or other flags), an interleaved A/B of
# the two in the same rounds as cuBLAS; then Triton's autotuned matmul, and
# compute-sanitizer over the groups in TL_SANITIZE. Kernels launch through
# TileMLIR's runtime: the C API archive (.device/tilemlir-capi.tar.xz) is
# unpacked by bundle-env.sh. Logs under $OUT; short tables last.
set -uo pipefail
here=$(dirname "$0")
# shellcheck source=bench/cuda/bundle-env.sh
source "$here/bundle-env.sh"
nvidia-smi -L
TL_CHECK_TIMED=${TL_CHECK_TIMED:-"4096x4096x4096 8192x8192x8192 3000x5000x1000"} \
  python3 "$here/check_matmul.py" .device/matmul-check "$out" > "$out/check.txt" 2>&1
ab=()
for vdir in .device/*/; do
  variant=$(basename "$vdir")
  [ "$variant" = matmul-check ] && continue
  for gdir in "$vdir"*/; do
    group=$(basename "$gdir")
    [ -d ".device/matmul-check/$group" ] || continue
    mkdir -p "$out/ab-$variant-$group"
    python3 "$here/ab_matmul.py" "$out/ab-$variant-$group" \
      "default=.device/matmul-check/$group" "$variant=$gdir" --rounds 5 \
      > "$out/ab-$variant-$group.txt" 2>&1
    ab+=("$out/ab-$variant-$group.txt")
  done
done
TRITON_CACHE_DIR=$(mktemp -d) python3 "$here/triton_autotune.py" 4096 > "$out/triton.txt" 2>&1
sanitizer=$CUDA_HOME/bin/compute-sanitizer
for group in ${TL_SANITIZE:-}; do
  timeout 120 "$sanitizer" --tool memcheck --error-exitcode 9 \
    python3 "$here/check_matmul.py" --group ".device/matmul-check/$group" 0 \
    > "$out/sanitize-$group.txt" 2>&1
  echo "compute-sanitizer memcheck $group: rc=$? ($(grep -c '^=========' "$out/sanitize-$group.txt") report lines)" >> "$out/sanitize.txt"
done
cat "$out/check.txt"
for f in "${ab[@]}"; do
  echo "== A/B $(basename "$f" .txt)"
  head -9 "$f"
done
tail -3 "$out/triton.txt"
[ -f "$out/sanitize.txt" ] && cat "$out/sanitize.txt"
