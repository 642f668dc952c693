#!/usr/bin/env bash
# On a GPU node (nothing built there): thread-block clusters (tl.cluster,
# issue #11). The correctness sweep of every group in .device/matmul-check
# (bench/cuda/build-matmul-check.sh with TL_CHECK_EXAMPLES="matmul_sm90
# matmul_nt_sm90": A.B and A.B^T, f16 and bf16, square and odd shapes,
# guard regions), every config timed against cuBLAS at the shapes in
# TL_CHECK_TIMED; then the best tiles with and without clusters in
# interleaved rounds beside cuBLAS (ab_matmul.py), the names of the kernels
# cuBLAS runs, Triton's autotune, and compute-sanitizer over TL_SANITIZE.
# Every other directory .device/<variant>/ (the same groups built with
# other flags) is checked too, and its kernels join the rounds.
# Kernels launch through TileMLIR's runtime (.device/tilemlir-capi.tar.xz).
# Logs under $OUT; short tables last.
set -uo pipefail
here=$(dirname "$0")
# shellcheck source=bench/cuda/bundle-env.sh
source "$here/bundle-env.sh"
# Everything is written under /tmp/cc; $OUT gets one summary file (every
# log and table concatenated) and the results, so that they all come back.
final=$out
out=/tmp/cc
rm -rf "$out" && mkdir -p "$out"
nvidia-smi -L
TL_CHECK_TIMED=${TL_CHECK_TIMED:-"4096x4096x4096 8192x8192x8192 3000x5000x1000"} \
  python3 "$here/check_matmul.py" .device/matmul-check "$out" > "$out/check.txt" 2>&1
variants=()
for vdir in .device/*/; do
  variant=$(basename "$vdir")
  [ "$variant" = matmul-check ] && continue
  variants+=("$variant")
  mkdir -p "$out/$variant"
  TL_CHECK_TIMED=${TL_CHECK_TIMED:-"4096x4096x4096 8192x8192x8192 3000x5000x1000"} \
    python3 "$here/check_matmul.py" "$vdir" "$out/$variant" > "$out/$variant/check.txt" 2>&1
done
# The tiles of the best configs so far, each alone and in clusters of 2.
configs=${TL_AB_CONFIGS:-"block_M128_block_N256_block_K64_num_stages3_threads256_group_m8,block_M128_block_N256_block_K64_num_stages4_threads256_group_m8,block_M256_block_N128_block_K64_num_stages3_threads256_group_m8"}
ab=()
ab_shapes=${TL_AB_SHAPES:-"4096x4096x4096 8192x8192x8192"}
for shape in $ab_shapes; do
  for group in sm90-f16 sm90-bf16 sm90-nt-f16 sm90-nt-bf16; do
    g=${group}_$shape
    [ -d ".device/matmul-check/$g" ] || continue
    mkdir -p "/tmp/ab-$g"
    more=()
    for variant in "${variants[@]}"; do
      [ -d ".device/$variant/$g" ] && more+=("$variant=.device/$variant/$g")
    done
    python3 "$here/ab_matmul.py" "/tmp/ab-$g" "tl=.device/matmul-check/$g" "${more[@]}" \
      --configs "$configs" --rounds 7 > "$out/ab-$g.txt" 2>&1
    ab+=("$out/ab-$g.txt")
  done
done
python3 "$here/cluster_occupancy.py" .device/matmul-check/sm90-f16_4096x4096x4096 \
  > "$out/occupancy.txt" 2>&1
python3 - > "$out/cublas-kernels.txt" 2>&1 <<'PY'
import torch
from torch.profiler import profile, ProfilerActivity
for n in (4096, 8192):
    for dt in (torch.float16, torch.bfloat16):
        a = torch.randn(n, n, device="cuda", dtype=dt)
        b = torch.randn(n, n, device="cuda", dtype=dt)
        for bk, layout in ((b, "A.B"), (b.t(), "A.B^T")):
            torch.matmul(a, bk)
            torch.cuda.synchronize()
            with profile(activities=[ProfilerActivity.CUDA]) as p:
                torch.matmul(a, bk)
                torch.cuda.synchronize()
            names = {e.key for e in p.key_averages() if e.device_time_total > 0}
            print(n, dt, layout, sorted(names))
PY
if [ "${TRITON:-1}" = 1 ]; then
  TRITON_CACHE_DIR=$(mktemp -d) python3 "$here/triton_autotune.py" 4096 > "$out/triton.txt" 2>&1
fi
sanitizer=$CUDA_HOME/bin/compute-sanitizer
for group in ${TL_SANITIZE:-}; do
  timeout 150 "$sanitizer" --tool memcheck --error-exitcode 9 \
    python3 "$here/check_matmul.py" --group ".device/matmul-check/$group" 0 \
    > "$out/sanitize-$group.txt" 2>&1
  echo "compute-sanitizer memcheck $group: rc=$? ($(grep -c '^=========' "$out/sanitize-$group.txt") report lines)" >> "$out/sanitize.txt"
done
grep -E 'threads256_group_m8|threads128_group_m8' "$out/occupancy.txt" | sed 's/^matmul_sm90_//' | head -8
cut -c1-120 "$out/cublas-kernels.txt" | grep -v Warn
[ -f "$out/triton.txt" ] && tail -3 "$out/triton.txt"
[ -f "$out/sanitize.txt" ] && cat "$out/sanitize.txt"
# The correctness table (timings: $OUT/check.txt), then the rounds.
for f in "$out/check.txt" "$out"/*/check.txt; do
  echo "== $f"
  sed -n '1,/top configs/p' "$f" | grep -v 'top configs' | grep -v '^$'
done
for f in "${ab[@]}"; do
  echo "== $(basename "$f" .txt)"
  head -"${TL_AB_LINES:-8}" "$f" | cut -c1-150
done
for f in "$out"/*.txt "$out"/*/check.txt; do
  echo "===== $f"
  cat "$f"
done > "$final/cluster-check-all.txt"
cp "$out/results.jsonl" "$final/" 2>/dev/null
