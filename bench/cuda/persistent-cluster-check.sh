#!/usr/bin/env bash
# On a GPU node (nothing built there): persistent kernels in clusters of 2
# (tl.persistent 1 with tl.cluster 2, multicast B), which tl-expand-configs
# holds back from the spaces until this passes (rule `persistent` in
# lib/Dialect/TL/Transforms/ResourceModel.cpp). Needs, built here with the
# rule lifted (or from specialized modules), build-matmul-check.sh groups:
#   .device/diag/pclsmall  cluster_m == 2 && persistent == 1, every config,
#                          at 1000x1000x1000 2048x2048x512 700x300x100
#   .device/diag/pcl       the timed configs at 3000x5000x1000, 4096^3, ...
#   .device/diag/sub       the same configs with cluster_m == 1
# and .device/tilemlir-runtime.tar.xz (the runtime launches whole clusters).
#  1. the correctness sweep of pclsmall (guards, edge tiles, A.B^T);
#  2. interleaved rounds of pcl beside sub and cuBLAS (TL_ROUND_GROUPS).
# Logs in $OUT; the short table last.
set -uo pipefail
source "$(dirname "$0")/bundle-env.sh"
s=$out/summary.txt
: > "$s"
t0=$(date +%s)
mkdir -p /tmp/c-pcl
TL_CHECK_TIMED=none TL_GROUP_TIMEOUT=30 timeout "${TL_CHECK_TIMEOUT:-110}" \
  python3 "$(dirname "$0")/check_matmul.py" .device/diag/pclsmall /tmp/c-pcl > "$out/check-pclsmall.txt" 2>&1
echo "== check pclsmall exit $? ($(( $(date +%s) - t0 )) s)" >> "$s"
sed -n '/^group/,$p' "$out/check-pclsmall.txt" | grep -v '^$' | head -14 >> "$s"
for g in ${TL_ROUND_GROUPS:-sm90-f16_3000x5000x1000 sm90-f16_4096x4096x4096}; do
  mkdir -p "/tmp/r-$g"
  timeout 40 python3 "$(dirname "$0")/ab_matmul.py" "/tmp/r-$g" sub=".device/diag/sub/$g" \
    pcl=".device/diag/pcl/$g" --configs num_stages4 --rounds 3 > "$out/rounds-$g.txt" 2>&1
  echo "== rounds $g exit $? ($(( $(date +%s) - t0 )) s)" >> "$s"
  grep -E "median|cuBLAS|  sub |  pcl " "$out/rounds-$g.txt" |
    sed 's/matmul_sm90_block_\|matmul_nt_sm90_block_//' | cut -c1-125 >> "$s"
done
cat "$s"
