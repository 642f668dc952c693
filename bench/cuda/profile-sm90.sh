#!/usr/bin/env bash
# On a GPU node (nothing built there): where the Hopper GEMM's time goes,
# and what a change of the lowering gains. Needs build-matmul-check.sh
# builds of matmul_sm90.mlir under .device/diag/<variant> (say tl: the
# baseline; new: the change; nostore: the baseline without the epilogue's
# stores, the example with its last tl.copy removed, so that the difference
# is the epilogue) and .device/tilemlir-runtime.tar.xz (kernels launch
# through libTileMLIRRuntime; no tools bundle needed).
#  1. the correctness sweep of the builds in TL_CHECK_BUILDS (guards);
#  2. interleaved rounds (TL_AB_CONFIGS) of every variant in TL_AB_VARIANTS
#     beside cuBLAS at each shape of TL_AB_SHAPES (f16, A.B);
#  3. (alone with TL_PROFILE_ONLY=1) ncu at each shape of TL_PROFILE_SHAPES (default 4096^3; f16) on the
#     kernels of TL_PROFILE (variant:substring pairs) and cuBLAS: duration, SM clock, tensor-pipe activity, memory,
#     warp stalls.
# Logs in $OUT; the short table last.
set -uo pipefail
here=$(dirname "$0")
# shellcheck source=bench/cuda/bundle-env.sh
source "$here/bundle-env.sh"
log=$out/profile-sm90.txt
: > "$log"
nvidia-smi -L | tee -a "$log"
# A kernel that hangs costs its group only (each step under a timeout).
rounds() {
  local g=sm90-f16_$1 variants=()
  mkdir -p "/tmp/ab-$g"
  for v in ${TL_AB_VARIANTS:-tl new nostore}; do
    [ -d ".device/diag/$v/$g" ] && variants+=("$v=.device/diag/$v/$g")
  done
  { echo "== rounds $g"
    timeout "${TL_GROUP_TIMEOUT:-120}" python3 "$here/ab_matmul.py" "/tmp/ab-$g" "${variants[@]}" \
      --unchecked nostore \
      --configs "${TL_AB_CONFIGS:?comma-separated substrings of the kernel names to time}" \
      --rounds "${TL_AB_ROUNDS:-3}" 2>&1 | cut -c1-150
    echo "(exit ${PIPESTATUS[0]})"
  } >> "$log"
}
shapes=(${TL_AB_SHAPES:-4096x4096x4096 3000x5000x1000 8192x8192x8192})
# TL_PROFILE_ONLY=1: step 3 alone.
if [ -z "${TL_PROFILE_ONLY:-}" ]; then
  rounds "${shapes[0]}"
  for build in ${TL_CHECK_BUILDS:-new}; do
    mkdir -p "/tmp/check-$build"
    { echo "== correctness $build"
      TL_CHECK_TIMED=none TL_GROUP_TIMEOUT=${TL_CHECK_TIMEOUT:-45} \
        python3 "$here/check_matmul.py" ".device/diag/$build" "/tmp/check-$build" 2>&1 |
        sed -n '1,/top configs/p' | grep -v 'top configs' | grep -v '^$'
    } >> "$log"
  done
  for shape in "${shapes[@]:1}"; do
    rounds "$shape"
  done
fi
ncu=$(command -v ncu || ls /usr/local/cuda/bin/ncu /opt/nvidia/nsight-compute/*/ncu 2>/dev/null | head -1)
if [ -n "$ncu" ] && [ -n "${TL_PROFILE:-}" ]; then
  # Which tensor-pipe metrics this ncu knows (a name it does not know fails
  # the whole run, so they are asked for only when listed).
  "$ncu" --query-metrics 2>/dev/null | grep -iE "gmma|tensor_op" > "$out/ncu-metrics.txt"
  metrics=sm__cycles_elapsed.avg.per_second
  for m in sm__pipe_tensor_op_gmma_cycles_active sm__inst_executed_pipe_tensor_op_gmma \
           sm__pipe_tensor_op_hmma_cycles_active; do
    grep -q "^$m " "$out/ncu-metrics.txt" && metrics+=",$m.avg.pct_of_peak_sustained_active"
  done
  for shape in ${TL_PROFILE_SHAPES:-4096x4096x4096}; do
    g=sm90-f16_$shape
    n=0
    for pair in $TL_PROFILE; do
      build=${pair%%:*} n=$((n + 1))
      report=$out/ncu-$shape-$n-$build.txt
      timeout "${TL_NCU_TIMEOUT:-90}" "$ncu" --clock-control none -k 'regex:^(matmul_sm90|nvjet|sm90_xmma_gemm_(f16|bf16))' \
        --section SpeedOfLight --section ComputeWorkloadAnalysis \
        --section MemoryWorkloadAnalysis --section WarpStateStats \
        --section SchedulerStats --section LaunchStats --section Occupancy \
        --metrics "$metrics" --print-details all \
        python3 "$here/profile_matmul.py" ".device/diag/$build/$g" --configs "${pair#*:}" \
        --launches 1 > "$report" 2>&1
      echo "ncu $pair $shape: exit $?" >> "$log"
      echo "== ncu $build $shape (full report in ${report##*/})" >> "$log"
      grep -E "^  [a-zA-Z_0-9]+.*\(|Duration|SM Frequency|Compute \(SM\) Throughput|Memory Throughput|L2 Cache Throughput|L1/TEX Cache Throughput|L2 Hit Rate|DRAM Throughput|Registers Per|Issue Slots Busy|Warp Cycles Per Issued|gmma|hmma|Stall|stall" \
        "$report" | cut -c1-140 | head -120 >> "$log"
    done
  done
else
  echo "no ncu run (ncu: ${ncu:-none})" >> "$log"
fi
cat "$log"
