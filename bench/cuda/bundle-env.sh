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
