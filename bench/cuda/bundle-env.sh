# Sourced by the GPU-node scripts: unpacks the relocatable bundle carried in
# .bundle/ (and the C API + Python package archive beside it, carried in
# .bundle/ or, in a later call on the same warm machine, in .device/; or
# the runtime archive beside it, which has the Python package too and fits
# in one carry with the bundle), or only the runtime archive (libTileMLIRRuntime + the Python package, enough
# to launch kernels built here: .device/tilemlir-runtime.tar.xz), and
# sets `bin` (its tools), `out` ($OUT, where logs go), CUDA_HOME (for ptxas)
# and PYTHONPATH (the bundle's tilemlir package).
out=${OUT:-/tmp/tl-out}
mkdir -p "$out" /tmp/b
for archive in .bundle/tilemlir-bundle.tar.xz .bundle/tilemlir-capi.tar.xz \
               .bundle/tilemlir-runtime.tar.xz .device/tilemlir-capi.tar.xz \
               .device/tilemlir-runtime.tar.xz; do
  if [ -f "$archive" ]; then
    tar -xJf "$archive" -C /tmp/b
  fi
done
bin=/tmp/b/tilemlir/bin
export CUDA_HOME=${CUDA_HOME:-/usr/local/cuda}
export PYTHONPATH=/tmp/b/tilemlir/python${PYTHONPATH:+:$PYTHONPATH}
# The C API library links the bundle's libLLVM: without the bundle (carried
# now or unpacked by an earlier call on this machine) kernels launch only
# through the runtime library, and nothing tunes. Said first, loudly.
if ! ls /tmp/b/tilemlir/lib/libLLVM.so* > /dev/null 2>&1; then
  if [ -f /tmp/b/tilemlir/lib/libTileMLIRRuntime.so ]; then
    echo "bundle-env.sh: no tools bundle in /tmp/b: kernels launch through libTileMLIRRuntime; tl-tune and the C API's tuner need .bundle" >&2
  else
    echo "bundle-env.sh: WARNING: neither the tools bundle (libLLVM) nor the runtime archive in /tmp/b: no kernel can launch; carry .bundle or .device/tilemlir-runtime.tar.xz" >&2
  fi
fi
