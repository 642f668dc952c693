#!/usr/bin/env bash
# On a GPU node, from the relocatable bundle (carried in .bundle/): the
# tuner after workers became one per device (#16) and devices a kind and an
# ordinal (#14). tl-tune tunes the Hopper A.B space at 4096^3 cold and warm
# with the default devices (every GPU of device 0's model), then again with
# --devices 0 and the cache off, and with CUDA_VISIBLE_DEVICES=0; a list
# naming a GPU that is not there is refused; the planted faulting, hanging
# and wrong candidates each fail alone. Logs under $OUT; short lines last.
set -uo pipefail
source "$(dirname "$0")/bundle-env.sh"
export TILELANG_CACHE_DIR=/tmp/tl-cache-devices
rm -rf "$TILELANG_CACHE_DIR"
nvidia-smi -L > "$out/gpus.txt"
shape="--instantiate=M=4096,N=4096,K=4096"
tune() { # name, then tl-tune's arguments
  local name=$1; shift
  ( time "$bin/tl-tune" examples/matmul_sm90.mlir $shape --target=cuda "$@" ) \
    > "$out/tune-$name.txt" 2>&1
  echo "exit $?" >> "$out/tune-$name.txt"
}
tune cold
tune warm
tune devices0 --devices 0 --no-cache
CUDA_VISIBLE_DEVICES=0 tune visible0 --no-cache
tune devices01 --devices 0,1
"$bin/tl-tune" test/Tuner/tl-tune.mlir --instantiate=N=4096 --target=cuda \
  --timeout=10 --warmup=1 --rep=3 --no-cache > "$out/planted.txt" 2>&1
# Which device each record's samples came from (autotuner.log).
python3 - "$out/records.txt" <<'PY'
import json, sys, collections
seen = collections.Counter()
for line in open("autotuner.log"):
    r = json.loads(line)
    seen[(r["status"], r.get("device"))] += 1
open(sys.argv[1], "w").write(repr(dict(seen)) + "\n")
PY
cat "$out/gpus.txt"
for f in "$out"/tune-*.txt; do
  echo "== $(basename "$f" .txt)"
  grep -E "^best|^real|^tuning took|from the disk cache|^exit|error|left out" "$f"
done
echo "== records (status, device): $(cat "$out/records.txt")"
echo "== planted"
tail -12 "$out/planted.txt"
