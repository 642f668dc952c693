# Sourced by the GPU-node scripts: unpacks the relocatable bundle carried in
# .bundle/ and sets `bin` (its tools), `out` ($OUT, where logs go) and
# CUDA_HOME (for ptxas).
out=${OUT:-/tmp/tl-out}
mkdir -p "$out" /tmp/b
tar -xJf .bundle/tilemlir-bundle.tar.xz -C /tmp/b
bin=/tmp/b/tilemlir/bin
export CUDA_HOME=${CUDA_HOME:-/usr/local/cuda}
