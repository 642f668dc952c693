#!/usr/bin/env bash
# Sets up, builds and runs every test (lit IR tests and GoogleTest units).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"
"$root/scripts/build.sh" check-tl
