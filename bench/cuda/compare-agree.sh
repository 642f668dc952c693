#!/usr/bin/env bash
# On a GPU node, from the bundle: the output check on the device (the
# default) and on the host (TL_WORKER_HOST_COMPARE=1) must agree, record for
# record (status, mismatched elements, largest errors), over f16 and bf16
# GEMMs at an odd shape and the planted wrong candidates of
# test/Tuner/tl-tune.mlir. Prints one line per case and "agree" or the
# differences.
set -uo pipefail
source "$(dirname "$0")/bundle-env.sh"
work=$(mktemp -d)
sed "s/xf16/xbf16/g" examples/matmul_nt.mlir > "$work/matmul_nt_bf16.mlir"
cases=(
  "examples/matmul.mlir --instantiate=M=1000,N=1000,K=1000"
  "$work/matmul_nt_bf16.mlir --instantiate=M=1000,N=1000,K=1000"
  "test/Tuner/tl-tune.mlir --instantiate=N=4096 --timeout=10"
)
for c in "${cases[@]}"; do
  name=$(basename "${c%% *}" .mlir)
  # shellcheck disable=SC2086 # the case's flags, split
  "$bin/tl-tune" $c --target=cuda --no-cache --warmup=1 --rep=3 --json \
    > "$work/$name-device.json" 2> "$work/$name-device.err"
  # shellcheck disable=SC2086
  TL_WORKER_HOST_COMPARE=1 "$bin/tl-tune" $c --target=cuda --no-cache \
    --warmup=1 --rep=3 --json > "$work/$name-host.json" 2> "$work/$name-host.err"
  python3 - "$work/$name-device.json" "$work/$name-host.json" "$name" <<'PY'
import json, sys
dev, host = (json.load(open(p))["candidates"] for p in sys.argv[1:3])
keys = ("status", "mismatched", "max_abs_error", "max_rel_error", "checked_elements")
rows = lambda cs: {c["kernel"]: tuple(c.get(k) for k in keys) for c in cs}
d, h = rows(dev), rows(host)
diff = [k for k in d if d[k] != h.get(k)]
failed = sum(c["status"] == "check_failed" for c in dev)
print(f"{sys.argv[3]}: {len(d)} candidates, {failed} check_failed,",
      "agree" if not diff and d.keys() == h.keys() else f"DIFFER: {[(k, d[k], h.get(k)) for k in diff]}")
PY
done
