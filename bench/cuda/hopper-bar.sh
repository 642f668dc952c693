#!/usr/bin/env bash
# #11's bar on a GPU node from the relocatable bundle (carried in .bundle/;
# tl-compile builds the CUBINs there, so nothing is built here) and the
# runtime archive beside it (.bundle/tilemlir-runtime.tar.xz: the Python
# package the checks launch kernels through; the bundle has none, and the
# C API archive would take the carry past 64 MiB). Both from `ninja -C
# build tl-bundle` (build/tilemlir-{bundle,runtime}.tar.xz).
# Steps, in the order given (each only while the call has time left):
#  tune:  tl-tune end to end (cold, warm, planted faults);
#  bar:   the timed configs at TL_BAR_SHAPES, A.B and A.B^T, f16 and bf16,
#         beside cuBLAS and Triton (TL_ROUNDS interleaved rounds), and
#         clusters of 4 (not in the spaces) and 128x192 tiles at
#         3000x5000x1000;
#  sweep: both Hopper spaces (every kept config) at TL_SWEEP_SHAPES;
#  rs:    wgmma with A in registers (attention's P V,
#         test/Conversion/TLToGPU/Inputs/attention_pv_rs{,_loop}.mlir: one
#         block of keys, and 300 keys in a loop on 64 or 128 rows, one or
#         two warpgroups), f16 and bf16, M = 1000 and 64, checked, then the
#         first under memcheck;
#  sanitize: compute-sanitizer (memcheck, racecheck, synccheck) on the
#         kernels no sanitizer has run: 128x192 tiles and the 128x128
#         one-warpgroup 3-stage persistent kernels (cleared accumulators
#         pinned), in clusters of 1 and 2, at 200x400x100 (two block rows,
#         edges, rows not 16-byte aligned).
# TL_BUDGET: the seconds the steps may take (a step starts only with time
# left). Logs in $OUT (one archive: a call returns few files), summary last.
# Together they take more than one call's 10 minutes (the sweep checks
# about 600 kernels, the bar 12 groups): two calls on one warm machine,
#   TL_ROUNDS=5 bash bench/cuda/hopper-bar.sh bar     (carry .bundle)
#   bash bench/cuda/hopper-bar.sh rs tune sweep sanitize
set -uo pipefail
here=$(dirname "$0")
source "$here/bundle-env.sh"
s=$out/summary.txt; : > $s; t0=$(date +%s)
if ! python3 -c "import tilemlir._capi" 2>> $s; then
  echo "hopper-bar.sh: no tilemlir Python package: put build/tilemlir-runtime.tar.xz in .bundle" | tee -a $s >&2
  exit 1
fi
nvidia-smi -L >> $s
export TL_COMPILE=$bin/tl-compile
left() { echo $(( ${TL_BUDGET:-560} - ($(date +%s) - t0) )); }
tune() {
  timeout 150 bash $here/tune-sm90.sh > $out/tune.txt 2>&1
  echo "== tune-sm90 exit $? ($(( $(date +%s) - t0 )) s)" >> $s
  cat $out/tune.txt >> $s
}
# build NAME SHAPES CONSTRAINT [EXAMPLES_DIR]: both Hopper spaces' CUBINs
# (those CONSTRAINT keeps) at SHAPES into /tmp/NAME, with the bundle's
# tl-compile; the log in $out/build-NAME.txt.
build() {
  TL_EXAMPLES_DIR=${4:-} TL_CHECK_EXAMPLES="matmul_sm90 matmul_nt_sm90" TL_CHECK_SHAPES="$2" \
    TL_COMPILE_FLAGS="${3:+--constraint=$3}" bash $here/build-matmul-check.sh /tmp/$1 > $out/build-$1.txt 2>&1
  echo "== build $1 exit $? ($(( $(date +%s) - t0 )) s)" >> $s
}
sweep() {
  build sweep "${TL_SWEEP_SHAPES:-1000x1000x1000 97x75x33}" ""
  tail -3 $out/build-sweep.txt >> $s
  mkdir -p /tmp/c-sweep
  TL_CHECK_TIMED=none TL_GROUP_TIMEOUT=60 timeout $(left) python3 $here/check_matmul.py /tmp/sweep /tmp/c-sweep > $out/check-sweep.txt 2>&1
  echo "== check sweep exit $? ($(( $(date +%s) - t0 )) s)" >> $s
  sed -n '/^group/,$p' $out/check-sweep.txt | grep -v '^$' | head -10 >> $s
  cp /tmp/c-sweep/results.jsonl $out/ 2>/dev/null
}
rs() {
  local dirs=() in=test/Conversion/TLToGPU/Inputs
  for dtype in f16 bf16; do
    sed "s/xf16/x$dtype/g" $in/attention_pv_rs.mlir > /tmp/pv_rs_$dtype.mlir
    sed "s/xf16/x$dtype/g" $in/attention_pv_rs_loop.mlir > /tmp/pv_rs_loop_$dtype.mlir
    for m in 1000 64; do
      $bin/tl-compile /tmp/pv_rs_$dtype.mlir --chip=sm_90a --instantiate=M=$m -o /tmp/rs-$dtype-$m >> $out/build-rs.txt 2>&1
      $bin/tl-compile /tmp/pv_rs_loop_$dtype.mlir --chip=sm_90a --instantiate=M=$m,N=300 -o /tmp/rsl-$dtype-$m >> $out/build-rs.txt 2>&1
      dirs+=(/tmp/rs-$dtype-$m /tmp/rsl-$dtype-$m)
    done
  done
  timeout 90 python3 $here/check_pv_rs.py "${dirs[@]}" > $out/check-rs.txt 2>&1
  echo "== check rs exit $? ($(( $(date +%s) - t0 )) s)" >> $s
  cat $out/check-rs.txt >> $s
  timeout 90 $CUDA_HOME/bin/compute-sanitizer --tool memcheck --error-exitcode 9 \
    python3 $here/check_pv_rs.py /tmp/rs-f16-1000 > $out/san-rs.txt 2>&1
  echo "== compute-sanitizer memcheck rs exit $? ($(( $(date +%s) - t0 )) s)" >> $s
  grep '^=========' $out/san-rs.txt | head -4 >> $s
}
sanitize() {
  build san 200x400x100 'group_m==8&&(block_N==192||(block_N==128&&threads==128&&num_stages==3&&persistent==1))'
  for spec in memcheck:sm90-f16_200x400x100 racecheck:sm90-nt-bf16_200x400x100 synccheck:sm90-bf16_200x400x100; do
    [ "$(left)" -gt 60 ] || break
    tool=${spec%%:*}; g=${spec#*:}
    timeout $(( $(left) - 20 )) $CUDA_HOME/bin/compute-sanitizer --tool $tool --error-exitcode 9 \
      python3 $here/check_matmul.py --group /tmp/san/$g 0 > $out/san-$tool-$g.txt 2>&1
    rc=$?
    echo "== compute-sanitizer $tool $g ($(ls -d /tmp/san/$g/*/ | wc -l) kernels) exit $rc ($(( $(date +%s) - t0 )) s)" >> $s
    grep '^=========' $out/san-$tool-$g.txt | head -4 >> $s
  done
}
bar() {
  build bar "${TL_BAR_SHAPES:-4096x4096x4096 8192x8192x8192 3000x5000x1000}" \
    'group_m==8&&persistent==1&&num_stages>=3&&block_M*block_N==32768&&threads==256'
  # Clusters of 4 at the odd shape (B multicast to 4 blocks; not in the spaces).
  mkdir -p /tmp/ex4
  for e in matmul_sm90 matmul_nt_sm90; do sed 's/cluster_m = \[1, 2\]/cluster_m = [4]/' $here/../../examples/$e.mlir > /tmp/ex4/$e.mlir; done
  build bar4 3000x5000x1000 'persistent==1&&num_stages>=3&&threads==256&&block_M*block_N==32768' /tmp/ex4
  # 128x192 tiles at the odd shape (their tile count fills the last wave).
  build bar192 3000x5000x1000 'block_N==192&&group_m==8&&persistent==1&&num_stages>=3&&threads==256'
  for g in $(cd /tmp/bar && ls -d sm90-f16_* sm90-bf16_* sm90-nt-f16_* sm90-nt-bf16_*); do
    [ "$(left)" -gt 60 ] || break
    mkdir -p /tmp/bar-$g
    more=(); [ -f /tmp/bar4/$g/index.json ] && more+=(c4=/tmp/bar4/$g)
    [ -f /tmp/bar192/$g/index.json ] && more+=(n192=/tmp/bar192/$g)
    # Triton's autotune compiles its 8 configs in the group's first
    # process of a dtype and layout: up to 90 s, never past the budget.
    t=$(left); [ $t -gt 100 ] && t=100
    timeout $(( t - 10 )) python3 $here/ab_matmul.py /tmp/bar-$g tl=/tmp/bar/$g "${more[@]}" --configs block_K64 --rounds ${TL_ROUNDS:-5} --triton > $out/bar-$g.txt 2>&1
    echo "== bar $g exit $? ($(( $(date +%s) - t0 )) s)" >> $s
    grep -v " 0 mismatched" /tmp/bar-$g/ab.log >> $s
    # The fastest row of each variant (rows come fastest first).
    grep -E "cuBLAS|Triton|  tl |  c4 |  n192 " $out/bar-$g.txt | awk '!seen[$1]++' | sed 's/matmul_sm90_block_\|matmul_nt_sm90_block_\|_group_m8//' | cut -c1-140 >> $s
    cp /tmp/bar-$g/ab.jsonl $out/ab-$g.jsonl 2>/dev/null
  done
}
for step in "$@"; do
  [ "$(left)" -gt 30 ] && "$step"
done
cd $out && tar czf logs.tgz --remove-files $(ls | grep -v summary.txt)
cat $s
