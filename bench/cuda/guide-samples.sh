#!/usr/bin/env bash
# On a GPU node, from the bundle (carry .bundle/ with the tools and .device/
# with tilemlir-capi.tar.xz): the guide's seven samples with the guide's
# CUDA tensors (python/tests/test_guide.py, its "cuda" case), then the host
# case for comparison; the log under $OUT.
set -uo pipefail
source bench/cuda/bundle-env.sh
python3 -c "import pytest" 2>/dev/null || pip install -q pytest 2>&1 | tail -1
python3 -c "import torch, pytest; print('torch', torch.__version__, 'pytest', pytest.__version__)"
TILEMLIR_BUILD=/tmp/b/tilemlir python3 -m pytest -q -p no:cacheprovider -rs -s \
  python/tests/test_guide.py > "$out/guide-samples.log" 2>&1
echo "pytest exit $?"
tail -5 "$out/guide-samples.log"
