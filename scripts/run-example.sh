#!/usr/bin/env bash
# The main job: set up, build, then parse and verify the guide's GEMM template
# and expand its config space for an H100 (sm_90a) at M=N=K=4096, printing
# the count and the expansion report.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${TL_BUILD_DIR:-$root/build}
"$root/scripts/setup.sh"
"$root/scripts/build.sh" tl-opt

tl_opt="$build/bin/tl-opt"
"$tl_opt" "$root/examples/matmul.mlir" > /dev/null
echo "examples/matmul.mlir: parsed and verified"
report=$(mktemp)
trap 'rm -f "$report"' EXIT
"$tl_opt" "$root/examples/matmul.mlir" \
  --tl-expand-configs="instantiate=M=4096,N=4096,K=4096 target=sm_90a report=$report" \
  -o /dev/null
python3 - "$report" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
for t in report["templates"]:
    print(f"{t['template']} on {report['target']}: {t['space']} configs, "
          f"{t['kept']} kept, {t['dropped']} dropped")
    print(f"{'#':>3}  {'kernel':<60} {'smem KiB':>8} {'regs':>5}  status")
    for c in t["configs"]:
        r = c.get("resources", {})
        print(f"{c['index']:>3}  {c['kernel']:<60} "
              f"{r.get('shared_memory_bytes', 0) / 1024:>8.0f} "
              f"{r.get('registers_per_thread', 0):>5}  {c['status']}")
PY
