#!/usr/bin/env bash
# On a GPU node (nothing built there): where the Hopper GEMM's time goes.
# Needs .device/diag/tl (build-matmul-check.sh of matmul_sm90.mlir) and
# .device/diag/nostore (the same kernels without the epilogue's stores: the
# example with its last tl.copy removed, so the difference is the epilogue),
# and .device/tilemlir-runtime.tar.xz (kernels launch through
# libTileMLIRRuntime; no tools bundle needed).
#  1. ncu at 4096^3 f16 on the kernels of TL_PROFILE_CONFIGS and cuBLAS:
#     duration, SM clock, tensor-pipe activity, memory, warp stalls;
#  2. interleaved rounds (TL_AB_CONFIGS) of both builds beside cuBLAS at
#     each shape of TL_AB_SHAPES.
# Logs in $OUT; the short table last.
set -uo pipefail
here=$(dirname "$0")
# shellcheck source=bench/cuda/bundle-env.sh
source "$here/bundle-env.sh"
log=$out/profile-sm90.txt
: > "$log"
nvidia-smi -L | tee -a "$log"
g=sm90-f16_4096x4096x4096
profile_configs=${TL_PROFILE_CONFIGS:?comma-separated substrings of the kernel names to profile}
kernels='regex:matmul_sm90|nvjet|gemm|xmma'
ncu=$(command -v ncu || ls /usr/local/cuda/bin/ncu /opt/nvidia/nsight-compute/*/ncu 2>/dev/null | head -1)
if [ -n "$ncu" ]; then
  # Which tensor-pipe metrics this ncu knows (a name it does not know fails
  # the whole run, so they are asked for only when listed).
  "$ncu" --query-metrics 2>/dev/null | grep -iE "gmma|tensor_op" > "$out/ncu-metrics.txt"
  metrics=sm__cycles_elapsed.avg.per_second
  for m in sm__pipe_tensor_op_gmma_cycles_active sm__inst_executed_pipe_tensor_op_gmma \
           sm__pipe_tensor_op_hmma_cycles_active; do
    grep -q "^$m " "$out/ncu-metrics.txt" && metrics+=",$m.avg.pct_of_peak_sustained_active"
  done
  for build in tl nostore; do
    timeout 240 "$ncu" --clock-control none -k "$kernels" \
      --section SpeedOfLight --section ComputeWorkloadAnalysis \
      --section MemoryWorkloadAnalysis --section WarpStateStats \
      --section SchedulerStats --section LaunchStats --section Occupancy \
      --metrics "$metrics" --print-details all \
      python3 "$here/profile_matmul.py" ".device/diag/$build/$g" --configs "$profile_configs" \
      > "$out/ncu-$build.txt" 2>&1
    echo "ncu $build: exit $?" >> "$log"
  done
else
  echo "no ncu on this machine" >> "$log"
fi
for shape in ${TL_AB_SHAPES:-4096x4096x4096 3000x5000x1000 8192x8192x8192}; do
  g=sm90-f16_$shape
  mkdir -p "/tmp/ab-$g"
  { echo "== rounds $g"
    python3 "$here/ab_matmul.py" "/tmp/ab-$g" "tl=.device/diag/tl/$g" \
      "nostore=.device/diag/nostore/$g" --unchecked nostore \
      --configs "${TL_AB_CONFIGS:?comma-separated substrings of the kernel names to time}" \
      --rounds "${TL_AB_ROUNDS:-3}" 2>&1 | cut -c1-150
  } >> "$log"
done
# The profiles' headline numbers, one block per kernel.
for build in tl nostore; do
  [ -f "$out/ncu-$build.txt" ] || continue
  echo "== ncu $build (full report in ncu-$build.txt)" >> "$log"
  grep -E "^  [a-z_0-9]+.*\(|Duration|SM Frequency|Compute \(SM\) Throughput|Memory Throughput|L2 Hit Rate|DRAM Throughput|Issue Slots Busy|Warp Cycles Per Issued|gmma|hmma|Registers Per|Stall|stall" \
    "$out/ncu-$build.txt" | cut -c1-140 | head -150 >> "$log"
done
cat "$log"
