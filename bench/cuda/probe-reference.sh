#!/usr/bin/env bash
# On a GPU node, from the bundle (carry .bundle/): two cold tunings of the
# example at 4096^3 (their last line says when the host reference was
# ready), then the host reference alone (the template's defaults on the
# host target, all cores) to time it.
set -u
source "$(dirname "$0")/bundle-env.sh"
export TILELANG_CACHE_DIR=/tmp/tl-cache
shape="--instantiate=M=4096,N=4096,K=4096"
for i in 1 2; do "$bin/tl-tune" examples/matmul.mlir $shape --target=cuda --no-cache 2>&1 | tail -2; done
echo '[{"block_M":128,"block_N":128,"block_K":32,"num_stages":3,"threads":128}]' > /tmp/def.json
"$bin/tl-tune" examples/matmul.mlir $shape --target=host --configs=/tmp/def.json --skip-check --warmup=0 --rep=2 --no-cache 2>&1 | tail -4
nproc
