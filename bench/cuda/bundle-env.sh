# Sourced by the GPU-node scripts: unpacks the relocatable bundle carried in
# .bundle/ (and the C API + Python package archive beside it, carried in
# .bundle/ or, in a later call on the same warm machine, in .device/) and
# sets `bin` (its tools), `out` ($OUT, where logs go), CUDA_HOME (for ptxas)
# and PYTHONPATH (the bundle's tilemlir package).
out=${OUT:-/tmp/tl-out}
mkdir -p "$out" /tmp/b
for archive in .bundle/tilemlir-bundle.tar.xz .bundle/tilemlir-capi.tar.xz \
               .device/tilemlir-capi.tar.xz; do
  if [ -f "$archive" ]; then
    tar -xJf "$archive" -C /tmp/b
  fi
done
bin=/tmp/b/tilemlir/bin
export CUDA_HOME=${CUDA_HOME:-/usr/local/cuda}
export PYTHONPATH=/tmp/b/tilemlir/python${PYTHONPATH:+:$PYTHONPATH}
# The C API library links the bundle's libLLVM: without the bundle (carried
# now or unpacked by an earlier call on this machine) no kernel launches
# through it. Said first, loudly.
if ! ls /tmp/b/tilemlir/lib/libLLVM.so* > /dev/null 2>&1; then
  echo "bundle-env.sh: WARNING: no tools bundle in /tmp/b (libLLVM missing): the C API library cannot load; carry .bundle in this call or an earlier one on the same machine" >&2
fi
