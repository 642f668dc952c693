#!/usr/bin/env bash
# Sets up, builds and runs every test (lit IR tests and GoogleTest units),
# then the same tests under ASan + UBSan and each libFuzzer target for
# TL_FUZZ_SECONDS (default 30; scripts/sanitize.sh). TL_SANITIZE=0 skips
# the second part.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"
# No test may hang the run: lit stops any test after 20 minutes.
export LIT_OPTS="${LIT_OPTS:---timeout=1200}"
"$root/scripts/build.sh" check-tl
if [ "${TL_SANITIZE:-1}" != 0 ]; then
  "$root/scripts/sanitize.sh" "${TL_FUZZ_SECONDS:-30}"
fi
