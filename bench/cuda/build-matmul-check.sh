#!/usr/bin/env bash
# Builds (here, no GPU needed) the CUBINs that check_matmul.py runs on a GPU
# node: every kept config of examples/matmul.mlir for sm_90a, in f16 and
# bf16, at the shapes of the check. Output: .device/matmul-check/ (git-ignored,
# carried to the device machine).
set -euo pipefail
# No globbing: TL_COMPILE_FLAGS is split into words, and a constraint may
# hold a `*`.
set -f
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$root/.device/matmul-check}
tl_compile=${TL_COMPILE:-$root/build/bin/tl-compile}
rm -rf "$out" && mkdir -p "$out"
shapes=${TL_CHECK_SHAPES:-"128x128x128 1000x1000x1000 1024x1024x1024 4096x4096x4096 100x72x40 97x75x33"}
# matmul.mlir (A.B) in groups <dtype>_<shape>, matmul_nt.mlir (A.B^T, B
# stored N x K) in groups nt-<dtype>_<shape>, matmul_sm90.mlir (A.B, the
# Hopper space) in groups sm90-<dtype>_<shape>, matmul_nt_sm90.mlir (A.B^T,
# the Hopper space) in groups sm90-nt-<dtype>_<shape>.
examples=${TL_CHECK_EXAMPLES:-"matmul matmul_nt matmul_sm90"}
# TL_EXAMPLES_DIR: where the examples are read from (a variant's copies).
examples_dir=${TL_EXAMPLES_DIR:-$root/examples}
for example in $examples; do
for dtype in f16 bf16; do
  src=$out/${example}_$dtype.mlir
  sed "s/xf16/x$dtype/g" "$examples_dir/$example.mlir" > "$src"
  prefix=""
  [ "$example" = matmul_nt ] && prefix="nt-"
  [ "$example" = matmul_sm90 ] && prefix="sm90-"
  [ "$example" = matmul_nt_sm90 ] && prefix="sm90-nt-"
  for shape in $shapes; do
    IFS=x read -r m n k <<< "$shape"
    dir=$out/${prefix}${dtype}_${shape}
    # shellcheck disable=SC2086 # TL_COMPILE_FLAGS: extra flags, split
    "$tl_compile" "$src" --target=cuda --chip=sm_90a ${TL_COMPILE_FLAGS:-} \
      --instantiate="M=$m,N=$n,K=$k" -o "$dir" 2>/dev/null | tail -1
    find "$dir" -name kernel.ptx -delete
  done
  rm -f "$src"
done
done
du -sh "$out"
