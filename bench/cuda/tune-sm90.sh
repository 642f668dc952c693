#!/usr/bin/env bash
# On a GPU node, from the relocatable bundle (carried in .bundle/ or
# unpacked by an earlier call on the same machine): tl-tune end to end on
# the Hopper lowering (TMA, clusters), cold and warm, for the Hopper spaces
# (A.B and A.B^T) and the guide's, then the planted faulting, hanging and wrong
# candidates. Logs under $OUT; short lines last.
set -uo pipefail
source "$(dirname "$0")/bundle-env.sh"
export TILELANG_CACHE_DIR=/tmp/tl-cache-sm90
rm -rf "$TILELANG_CACHE_DIR"
shape="--instantiate=M=4096,N=4096,K=4096"
for example in ${TL_TUNE_EXAMPLES:-matmul_sm90 matmul_nt_sm90 matmul}; do
  for run in cold warm; do
    ( time "$bin/tl-tune" "examples/$example.mlir" $shape --target=cuda ) \
      > "$out/tune-$example-$run.txt" 2>&1
  done
done
"$bin/tl-tune" test/Tuner/tl-tune.mlir --instantiate=N=4096 --target=cuda \
  --timeout=10 --warmup=1 --rep=3 --no-cache > "$out/planted.txt" 2>&1
for f in "$out"/tune-*.txt; do
  echo "== $(basename "$f" .txt)"
  grep -E "^best|^real|^tuning took|from the cache" "$f"
done
echo "== planted"
tail -12 "$out/planted.txt"
