#!/usr/bin/env bash
# Compile throughput: configs per second for the example's 32 configs at 1
# job and at every core, for the CUDA (sm_90a) and host targets.
#   bench/compile-throughput.sh [tl-compile]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tlc=${1:-$root/build/bin/tl-compile}
cores=$(nproc)
for target in cuda host; do
  for jobs in 1 "$cores"; do
    out=$(mktemp -d)
    line=$("$tlc" "$root/examples/matmul.mlir" --target=$target \
      --instantiate=M=4096,N=4096,K=4096 -j "$jobs" -o "$out" 2>/dev/null | tail -1)
    secs=$(echo "$line" | sed -E 's/.* in ([0-9.]+) s.*/\1/')
    echo "$target jobs=$jobs: $line -> $(python3 -c "print(f'{32/$secs:.1f}')") configs/s"
    rm -rf "$out"
  done
done
