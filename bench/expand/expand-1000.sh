#!/usr/bin/env bash
# Expands a 1,000-config space of the example GEMM (block_M x block_N x
# block_K = 10 x 10 x 10 values) for sm_90a on one core and prints the wall
# time (median of 5 runs), with tl-opt --mlir-disable-threading.
#   bench/expand/expand-1000.sh [tl-opt]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
tlopt=${1:-$root/build/bin/tl-opt}
src=$(mktemp --suffix=.mlir)
trap 'rm -f "$src"' EXIT
python3 - "$root/examples/matmul.mlir" "$src" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
vals = "[16, 32, 48, 64, 80, 96, 112, 128, 144, 160]"
text = re.sub(r'#tl.param<"block_M" : index = 128 in \[[^\]]*\]>',
              f'#tl.param<"block_M" : index = 128 in {vals}>', text)
text = re.sub(r'#tl.param<"block_N" : index = 128 in \[[^\]]*\]>',
              f'#tl.param<"block_N" : index = 128 in {vals}>', text)
text = re.sub(r'#tl.param<"block_K" : index = 32 in \[[^\]]*\]>',
              f'#tl.param<"block_K" : index = 32 in {vals}>', text)
text = re.sub(r'configs = #tl.product<\{[^}]*\}>',
              f'configs = #tl.product<{{block_M = {vals}, block_N = {vals}, block_K = {vals}}}>',
              text, flags=re.S)
open(sys.argv[2], "w").write(text)
PY
times=()
for i in 1 2 3 4 5; do
  start=$(date +%s.%N)
  "$tlopt" "$src" --mlir-disable-threading \
    --tl-expand-configs="instantiate=M=4096,N=4096,K=4096 target=sm_90a" \
    -o /dev/null 2>/tmp/expand-1000.remarks
  end=$(date +%s.%N)
  times+=("$(echo "$end - $start" | bc)")
done
grep "expanded" /tmp/expand-1000.remarks | sed 's/.*remark: //'
printf '%s\n' "${times[@]}" | sort -n | sed -n 3p | xargs printf "median wall time over 5 runs: %s s (one core)\n"
