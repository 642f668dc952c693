#!/usr/bin/env bash
# The Python package as a user gets it: `pip install ./python` into a fresh
# virtual environment (Debian's python3, its numpy and pytest; the build's
# C API library goes into the package), then pytest from outside the source
# tree, so that the installed package is what is tested. Needs a built
# build/ (scripts/build.sh TileMLIRCAPI tl-opt tl-tune).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${TL_BUILD_DIR:-$root/build}
work=$(mktemp -d "${TMPDIR:-/tmp}/tl-python.XXXXXX")
trap 'rm -rf "$work"' EXIT

/usr/bin/python3 -m venv --system-site-packages "$work/venv"
TILEMLIR_BUILD="$build" "$work/venv/bin/pip" install -q --no-build-isolation --no-deps \
  "$root/python" 2>&1 | grep -v "^\s*$" || true
"$work/venv/bin/python" -c "import tilemlir, sys; print('tilemlir', tilemlir.__version__, 'from', tilemlir.__file__)"
cd "$work"
TILEMLIR_BUILD="$build" "$work/venv/bin/python" -m pytest -q -p no:cacheprovider "$root/python/tests"
