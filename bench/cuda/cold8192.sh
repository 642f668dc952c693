#!/usr/bin/env bash
# On a GPU node, from the bundle (carried in .bundle/): five cold tunings of
# the example at 8192^3, one line each (time, best, when the reference was
# ready, the three fastest candidates); the --json outputs under $OUT.
set -uo pipefail
source bench/cuda/bundle-env.sh
nvidia-smi --query-gpu=clocks.sm,clocks.max.sm,temperature.gpu,power.draw --format=csv,noheader
for i in 1 2 3 4 5; do
  rm -rf /tmp/c8-$i
  TILELANG_CACHE_DIR=/tmp/c8-$i "$bin/tl-tune" examples/matmul.mlir --instantiate=M=8192,N=8192,K=8192 --target=cuda --json > "$out/cold8192-$i.json" 2>/dev/null
  python3 - "$out/cold8192-$i.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
b = r["candidates"][r["best"]]
ok = sorted((c["median_ms"], c["status"], json.dumps(c["config"], sort_keys=True)) for c in r["candidates"] if c["status"] in ("ok", "pruned"))
print(f"tuning {r['tuning_seconds']:.3f} s, best {json.dumps(b['config'], sort_keys=True)} {b['median_ms']:.4f} ms; ref ready {r['reference_seconds']:.2f} s; 3 fastest: " + "; ".join(f"{m:.4f} {s} {c}" for m, s, c in ok[:3]))
PY
done
