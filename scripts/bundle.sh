#!/usr/bin/env bash
# Packs tl-opt, tl-tune, tl-compile, tl-worker, ld.lld and their non-glibc shared
# libraries into one relocatable archive (rpath $ORIGIN/../lib) that runs on
# a GPU node with only the NVIDIA driver and CUDA's ptxas; and, beside it,
# tilemlir-capi.tar.xz: the C API library and the Python package, which
# unpack into the same tilemlir/ (PYTHONPATH=tilemlir/python); and
# tilemlir-runtime.tar.xz: libTileMLIRRuntime (compiled kernels loaded and
# launched, tl-c/Runtime.h; no LLVM) with the Python package, all a node
# needs to run kernels built elsewhere (under 1 MB).
#
#   scripts/bundle.sh [OUT.tar.xz]      (default: build/tilemlir-bundle.tar.xz)
#
# The bundle (about 58 MiB) and the runtime archive fit together in a
# device call's 64 MiB carry; the C API archive (about 7 MiB) does not.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${TL_BUILD_DIR:-$root/build}
out=${1:-$build/tilemlir-bundle.tar.xz}
"$root/scripts/build.sh" tl-opt tl-tune tl-compile tl-worker TileMLIRCAPI TileMLIRRuntime >/dev/null
stage=$build/bundle/tilemlir
rm -rf "$stage" && mkdir -p "$stage/bin" "$stage/lib"
cp "$build/bin/tl-opt" "$build/bin/tl-tune" "$build/bin/tl-compile" "$build/bin/tl-worker" "$stage/bin/"
lld=$(readlink -f /usr/lib/llvm-22/bin/lld)
cp "$lld" "$stage/bin/lld" && ln -sf lld "$stage/bin/ld.lld"
# Every shared library the tools need, except the C runtime the node has.
for exe in "$stage"/bin/tl-* "$stage/bin/lld"; do
  ldd "$exe" | awk '/=> \//{print $3}'
done | sort -u | while read -r lib; do
  case "$(basename "$lib")" in
    libc.so*|libm.so*|libdl.so*|libpthread.so*|librt.so*|ld-linux*|libgcc_s.so*|libstdc++.so*) ;;
    *) cp -L "$lib" "$stage/lib/" ;;
  esac
done
for f in "$stage"/bin/tl-* "$stage/bin/lld"; do
  strip --strip-unneeded "$f"
  patchelf --set-rpath '$ORIGIN/../lib' "$f"
done
for f in "$stage"/lib/*.so*; do
  patchelf --set-rpath '$ORIGIN' "$f"
done
cat > "$stage/README" <<'TXT'
TileMLIR bundle: bin/tl-tune, bin/tl-opt, bin/tl-compile, bin/tl-worker (rpath ../lib).
Needs the NVIDIA driver (libcuda.so.1) for --target cuda and CUDA's ptxas
(CUDA_HOME, default /usr/local/cuda) to make CUBINs.
TXT
tar -C "$build/bundle" -cf - tilemlir | xz -T0 -6 > "$out"
ls -la "$out"

# The C API and the Python package: their own archive, so that the tools'
# stays small; it needs the tools' lib/ and bin/ (libLLVM, tl-worker, ld.lld).
capi=$build/bundle-capi/tilemlir
rm -rf "$capi" && mkdir -p "$capi/lib" "$capi/python"
cp "$build/lib/libTileMLIRCAPI.so" "$capi/lib/"
strip --strip-unneeded "$capi/lib/libTileMLIRCAPI.so"
patchelf --set-rpath '$ORIGIN' "$capi/lib/libTileMLIRCAPI.so"
(cd "$root/python" && tar --exclude=__pycache__ -cf - tilemlir) | tar -C "$capi/python" -xf -
capi_out=$(dirname "$out")/tilemlir-capi.tar.xz
tar -C "$build/bundle-capi" -cf - tilemlir | xz -T0 -6 > "$capi_out"
ls -la "$capi_out"

# Kernels only: the runtime library and the Python package.
rt=$build/bundle-runtime/tilemlir
rm -rf "$rt" && mkdir -p "$rt/lib" "$rt/python"
cp "$build/lib/libTileMLIRRuntime.so" "$rt/lib/"
strip --strip-unneeded "$rt/lib/libTileMLIRRuntime.so"
(cd "$root/python" && tar --exclude=__pycache__ -cf - tilemlir) | tar -C "$rt/python" -xf -
rt_out=$(dirname "$out")/tilemlir-runtime.tar.xz
tar -C "$build/bundle-runtime" -cf - tilemlir | xz -T0 -6 > "$rt_out"
ls -la "$rt_out"
