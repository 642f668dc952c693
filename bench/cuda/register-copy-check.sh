#!/usr/bin/env bash
# On a GPU node, from the relocatable bundle (carried in .bundle/): the
# copies into shared memory that go through registers, 16 bytes a thread
# (AMD's path, taken on NVIDIA with the kernel attribute
# tl.async_copy = false), checked on the GPU: tl-tune validates every config
# of the guide's spaces (A.B and A.B^T) against the host reference (the
# template built for the CPU: a device reference would share the copy path
# under test), with wgmma (swizzle-atom tiles) and with mma.sync
# (XOR-swizzled tiles), at shapes whose tiles fit and whose edge tiles take
# the element path. Logs under $OUT; one line per run last.
set -uo pipefail
source "$(dirname "$0")/bundle-env.sh"
export TILELANG_CACHE_DIR=/tmp/tl-cache-regcopy
for example in matmul matmul_nt; do
  sed -e '0,/    attributes {/s//    attributes {tl.async_copy = false,/' \
    "examples/$example.mlir" > "/tmp/$example-regs.mlir"
  grep -q "tl.async_copy = false" "/tmp/$example-regs.mlir" || echo "sed missed $example"
  for shape in ${TL_REGS_SHAPES:-1000x1000x1000 2048x2048x512 100x72x40 97x75x33}; do
    IFS=x read -r m n k <<< "$shape"
    for mma in auto mma.sync; do
      log="$out/regs-$example-$shape-$mma.txt"
      "$bin/tl-tune" "/tmp/$example-regs.mlir" --instantiate=M=$m,N=$n,K=$k \
        --target=cuda --mma=$mma --reference=${TL_REGS_REFERENCE:-host} \
        --no-cache --warmup=2 --rep=10 > "$log" 2>&1
      echo "$example $shape $mma exit $?: $(grep -cE ' ok ' "$log") ok," \
        "$(grep -oE '(host|device) reference' "$log"),"  \
        "$(grep -cE 'check_failed|error|crashed|timeout' "$log") failed;" \
        "$(grep -E '^best' "$log")"
    done
  done
done > "$out/regs-summary.txt"
cat "$out/regs-summary.txt"
