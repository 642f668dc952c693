#!/usr/bin/env bash
# On a GPU node, from the bundle (carried in .bundle/): RUNS (default 5) cold
# tunings of the example at 8192^3, one line each (time, best, when the
# worker's first run ended, when the reference was ready, the three
# fastest candidates), then one cold 4096^3 tuning and Triton's
# autotune at 8192^3 (TRITON=0 skips it); the --json outputs under $OUT.
set -uo pipefail
source bench/cuda/bundle-env.sh
nvidia-smi --query-gpu=clocks.sm,clocks.max.sm,temperature.gpu,power.draw,power.limit --format=csv,noheader
# The clocks, power and the reasons the driver gives for lower clocks, every
# 50 ms of the tunings (the reasons are a bit mask; 0x4 = power cap,
# 0x20/0x40 = thermal slowdown).
nvidia-smi --query-gpu=timestamp,clocks.sm,power.draw,temperature.gpu,clocks_event_reasons.active --format=csv,noheader -lms 50 > "$out/clocks.csv" 2>&1 &
logger=$!
summary() {
  python3 - "$1" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
b = r["candidates"][r["best"]]
ok = sorted((c["median_ms"], c["status"], json.dumps(c["config"], sort_keys=True)) for c in r["candidates"] if c["status"] in ("ok", "pruned"))
print(f"tuning {r['tuning_seconds']:.3f} s, best {json.dumps(b['config'], sort_keys=True)} {b['median_ms']:.4f} ms; "
      f"first run {r.get('first_run_seconds', 0):.2f} s, ref ready {r['reference_seconds']:.2f} s; 3 fastest: "
      + "; ".join(f"{m:.4f} {s} {c}" for m, s, c in ok[:3]))
PY
}
for i in $(seq 1 "${RUNS:-5}"); do
  rm -rf /tmp/c8-$i
  TILELANG_CACHE_DIR=/tmp/c8-$i "$bin/tl-tune" examples/matmul.mlir --instantiate=M=8192,N=8192,K=8192 --target=cuda --json > "$out/cold8192-$i.json" 2>"$out/cold8192-$i.err"
  summary "$out/cold8192-$i.json"
done
rm -rf /tmp/c4
TILELANG_CACHE_DIR=/tmp/c4 "$bin/tl-tune" examples/matmul.mlir --instantiate=M=4096,N=4096,K=4096 --target=cuda --json > "$out/cold4096.json" 2>"$out/cold4096.err"
echo -n "4096^3: "; summary "$out/cold4096.json"
kill $logger
python3 - "$out/clocks.csv" <<'PY'
import collections, sys
rows = [l.split(", ") for l in open(sys.argv[1]) if l.count(",") == 4]
clk = [int(r[1].split()[0]) for r in rows if r[1].split()[0].isdigit()]
pw = [float(r[2].split()[0]) for r in rows if r[2].split()[0].replace(".", "").isdigit()]
reasons = collections.Counter(r[4].strip() for r in rows)
print(f"during the tunings: {len(rows)} samples, SM clock {min(clk)}-{max(clk)} MHz, power up to {max(pw):.0f} W, reasons {dict(reasons)}")
PY
if [ "${TRITON:-1}" != 0 ]; then
  echo -n "Triton autotune 8192^3: "
  TRITON_CACHE_DIR=$(mktemp -d) python3 bench/cuda/triton_autotune.py 8192 2>&1 | tail -2 | tr '\n' ' '; echo
fi
