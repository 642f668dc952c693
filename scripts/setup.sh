#!/usr/bin/env bash
# Installs what a fresh Debian 12 machine lacks to build and test TileMLIR.
# Safe to re-run: it installs only the packages that are missing.
set -euo pipefail

packages=(
  cmake ninja-build ccache g++ python3
  llvm-22-dev libmlir-22-dev mlir-22-tools llvm-22-tools lld-22
  nlohmann-json3-dev libgtest-dev libopenblas-dev patchelf xz-utils
  clang-22 libclang-rt-22-dev python3-psutil
  python3-numpy python3-pytest python3-venv python3-setuptools
  python3-matplotlib libeigen3-dev python3-torch
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
else
  echo "setup: all packages present"
fi

# lit ships with llvm-22-tools; FileCheck with llvm-22-tools as well.
for tool in /usr/lib/llvm-22/bin/lit /usr/lib/llvm-22/bin/FileCheck; do
  [ -x "$tool" ] || { echo "setup: $tool is missing after install" >&2; exit 1; }
done
