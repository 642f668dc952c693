#!/usr/bin/env bash
# Sets up, builds and runs every test (lit IR tests, the C API test and
# GoogleTest units); installs the build into a temporary prefix and builds
# and runs examples/embedding against it (scripts/test-install.sh); installs
# the Python package into a fresh virtual environment and runs its pytest
# suite (scripts/test-python.sh); then the same tests under ASan + UBSan
# and each libFuzzer target for TL_FUZZ_SECONDS (default 30;
# scripts/sanitize.sh). TL_SANITIZE=0 skips that last part.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"
# No test may hang the run: lit stops any test after 20 minutes.
export LIT_OPTS="${LIT_OPTS:---timeout=1200}"
"$root/scripts/build.sh" check-tl
"$root/scripts/build.sh" TileMLIRCAPI # what is installed and not tested above
"$root/scripts/test-install.sh"
"$root/scripts/test-python.sh"
if [ "${TL_SANITIZE:-1}" != 0 ]; then
  "$root/scripts/sanitize.sh" "${TL_FUZZ_SECONDS:-30}"
fi
