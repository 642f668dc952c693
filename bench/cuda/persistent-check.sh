#!/usr/bin/env bash
# On a GPU node (nothing built there): persistent kernels (tl.persistent,
# issue #11), most important first so that a short call still brings back
# the numbers. Needs .device/matmul-check (build-matmul-check.sh of the
# Hopper examples: every config, persistent or not, launched whole or
# persistent with stores from registers: the build before the TMA-store
# epilogue), .device/tmastore (the persistent configs with the TMA-store
# epilogue) and .device/tilemlir-capi.tar.xz, and the tools bundle (its
# libLLVM, which the C API library links) carried in .bundle/ by an earlier
# call on the same machine: .bundle and .device do not fit one call's carry.
#  1. interleaved rounds at 4096^3 (A.B, A.B^T, f16, bf16): the tiles of
#     TL_AB_CONFIGS in every variant beside cuBLAS (each kernel's output is
#     checked first);
#  2. the correctness sweep of every kernel of the builds in TL_CHECK_BUILDS
#     (default both; guard regions);
#  3. the rounds at the other shapes of TL_AB_SHAPES.
# Everything is appended to $OUT/persistent-check.txt as it finishes.
set -uo pipefail
here=$(dirname "$0")
# shellcheck source=bench/cuda/bundle-env.sh
source "$here/bundle-env.sh"
log=$out/persistent-check.txt
: > "$log"
nvidia-smi -L | tee -a "$log"
configs=${TL_AB_CONFIGS:?comma-separated substrings of the kernel names to time}
rounds() {
  for group in sm90-f16 sm90-bf16 sm90-nt-f16 sm90-nt-bf16; do
    g=${group}_$1
    [ -d ".device/matmul-check/$g" ] || continue
    more=()
    [ -d ".device/tmastore/$g" ] && more+=("tmastore=.device/tmastore/$g")
    mkdir -p "/tmp/ab-$g"
    { echo "== rounds $g"
      python3 "$here/ab_matmul.py" "/tmp/ab-$g" "tl=.device/matmul-check/$g" "${more[@]}" \
        --configs "$configs" --rounds "${TL_AB_ROUNDS:-5}" 2>&1 | cut -c1-150
    } >> "$log"
  done
}
rounds 4096x4096x4096
for build in ${TL_CHECK_BUILDS:-tmastore matmul-check}; do
  mkdir -p "/tmp/check-$build"
  { echo "== correctness $build"
    TL_CHECK_TIMED=none python3 "$here/check_matmul.py" ".device/$build" "/tmp/check-$build" 2>&1 |
      sed -n '1,/top configs/p' | grep -v 'top configs' | grep -v '^$'
  } >> "$log"
done
for shape in ${TL_AB_SHAPES:-8192x8192x8192 3000x5000x1000}; do
  rounds "$shape"
done
cat "$log"
