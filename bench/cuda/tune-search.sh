#!/usr/bin/env bash
# On a GPU node, from the relocatable bundle (carried in .bundle/ or
# unpacked by an earlier call on the same machine): the measurements of
# #15, in parts (one call each on one warm machine; results are kept in
# /tmp/tl-search there and copied to $OUT):
#   PART=exhaustive: the example at 4096^3 over every value of its knobs'
#     ranges (2000 configs, 1514 kept on sm_90a), tuned exhaustively;
#   PART=budget: the same space with --budget BUDGET (default 60s) and
#     --seed 1 by each STRATEGIES (default: model random halving
#     model-again, the last the model once more with the same seed);
#   PART=reference: the example at 8192^3, cold, twice (the reference on the
#     device, auto), once without a reference, and Triton's autotune in the
#     same run.
# The summary last.
set -uo pipefail
source "$(dirname "$0")/bundle-env.sh"
here=$(dirname "$0")
part=${PART:-exhaustive}
keep=/tmp/tl-search
mkdir -p "$keep"
space=$keep/space2000.json
python3 -c "
import itertools, json, sys
v = itertools.product([16, 32, 64, 128, 256], [16, 32, 64, 128, 256],
                      [16, 32, 64, 128], [1, 2, 3, 4, 5], [64, 128, 256, 512])
json.dump([dict(block_M=m, block_N=n, block_K=k, num_stages=s, threads=t)
           for m, n, k, s, t in v], open(sys.argv[1], 'w'))" "$space"

# tune NAME ARGS...: a cold tuning in a cache of its own.
tune() {
  local name=$1
  shift
  rm -rf "/tmp/tl-cache-$name"
  ( time TILELANG_CACHE_DIR="/tmp/tl-cache-$name" "$bin/tl-tune" \
      examples/matmul.mlir --target=cuda --json "$@" ) \
    > "$keep/$name.json" 2> "$keep/$name.err"
}

s4=--instantiate=M=4096,N=4096,K=4096
case "$part" in
exhaustive)
  tune exhaustive $s4 --configs="$space"
  ;;
budget)
  budget=${BUDGET:-60s}
  for strategy in ${STRATEGIES:-model random halving model-again}; do
    tune "$strategy-$budget" $s4 --configs="$space" \
      --strategy="${strategy%-again}" --budget="$budget" --seed=1
  done
  ;;
reference)
  s8=--instantiate=M=8192,N=8192,K=8192
  tune cold8192-a $s8
  tune cold8192-b $s8
  tune cold8192-none $s8 --reference=none
  TRITON_CACHE_DIR=$(mktemp -d) python3 "$here/triton_autotune.py" 8192 \
    > "$keep/triton8192.txt" 2>&1
  ;;
esac
cp "$keep"/*.err "$keep"/*.txt "$out"/ 2>/dev/null
for f in "$keep"/*.err; do
  grep -H -E "^real|error" "$f" | head -3
done
[ -f "$keep/triton8192.txt" ] && tail -3 "$keep/triton8192.txt"
summarize=()
names="exhaustive $(cd "$keep" && ls *-[0-9]*s.json 2>/dev/null |
  sed 's/\.json$//' | tr '\n' ' ')"
[ "$part" = reference ] && names="cold8192-a cold8192-b cold8192-none"
for name in $names; do
  [ -f "$keep/$name.json" ] && summarize+=("$keep/$name.json")
done
python3 "$here/search_summary.py" "${summarize[@]}"
