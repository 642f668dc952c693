#!/usr/bin/env bash
# On a GPU node (nothing built there): persistent kernels in clusters of 2
# (tl.persistent 1 with tl.cluster 2, multicast B), the check that let them
# into the Hopper spaces (docs/performance.md, "persistent kernels in
# clusters"). Needs build-matmul-check.sh groups:
#   .device/diag/pclsmall  cluster_m == 2 && persistent == 1, every config,
#                          at 1000x1000x1000 2048x2048x512 700x300x100
#   .device/diag/pcl       the timed configs at 3000x5000x1000 and 4096^3
#   .device/diag/sub       the same configs with cluster_m == 1
# and .device/tilemlir-runtime.tar.xz (the runtime launches whole clusters).
# profile-sm90.sh does the work: the correctness sweep of pclsmall (guards,
# edge tiles, A.B^T), interleaved rounds of pcl beside sub and cuBLAS
# (every timed kernel's output checked first). Logs in $OUT.
TL_AB_VARIANTS="sub pcl" TL_CHECK_BUILDS=pclsmall TL_AB_CONFIGS=num_stages4 \
  TL_AB_SHAPES="${TL_AB_SHAPES:-3000x5000x1000 4096x4096x4096}" \
  exec bash "$(dirname "$0")/profile-sm90.sh"
