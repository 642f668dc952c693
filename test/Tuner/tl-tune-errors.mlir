// Bad input to tl-tune: a clear error naming the input and the fix, exit 1
// or 2, never a crash.
// RUN: not tl-tune %S/does-not-exist.mlir 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: not tl-tune %s --instantiate=M=64 2>&1 | FileCheck %s --check-prefix=NOVALUE
// RUN: not tl-tune %s --instantiate=M=64,N=64,K=64 --target=metal 2>&1 | FileCheck %s --check-prefix=TARGET
// RUN: not tl-tune %examples/matmul.mlir --instantiate=M=64,N=64,K=64 --constraint='block_M == 64 && block_N == 64 && block_K == 32 && num_stages == 2 && threads == 128' --target=hip 2>&1 | FileCheck %s --check-prefix=HIP
// RUN: not tl-tune %s --instantiate=M=64,N=64,K=64 --target=hip 2>&1 | FileCheck %s --check-prefix=WAVE
// RUN: not tl-tune %s --instantiate=M=64,N=64,K=64 --supply-type=gaussian 2>&1 | FileCheck %s --check-prefix=SUPPLY
// RUN: not tl-tune %s --instantiate=M=64,N=64,K=64 --target=host --no-cache --warmup=0 --rep=1 --out-idx=7 2>&1 | FileCheck %s --check-prefix=OUTIDX
// RUN: not tl-tune %s --instantiate=M=64,N=64,K=64 --target=host --no-cache --warmup=0 --rep=1 --input=%S/none.npy 2>&1 | FileCheck %s --check-prefix=NPY
// RUN: not tl-tune --load %S/no-such-result 2>&1 | FileCheck %s --check-prefix=LOAD
// RUN: not tl-tune 2>&1 | FileCheck %s --check-prefix=NOINPUT
// RUN: not tl-tune %s --instantiate=M=64,N=64,K=64 --prune-ratio=0.5 2>&1 | FileCheck %s --check-prefix=PRUNE
// --target auto takes either GPU's --mma (checked again once the device is
// known); the host ignores it.
// RUN: not tl-tune %s --instantiate=M=64,N=64,K=64 --mma=tensor 2>&1 | FileCheck %s --check-prefix=MMA
// RUN: %if !cuda-gpu %{ tl-tune %examples/matmul.mlir --instantiate=M=64,N=64,K=64 --constraint='block_M == 64 && block_N == 64 && block_K == 32 && num_stages == 2 && threads == 128' --target=auto --mma=mfma --no-cache --warmup=0 --rep=1 2>&1 | FileCheck %s --check-prefix=MFMA %}

// MISSING: tl-tune: {{.*}}does-not-exist.mlir: error: could not open input file
// NOVALUE: tl-tune: {{.*}}tl-tune-errors.mlir:{{[0-9]+}}:1: error: config 0 {block = 16}: parameter 'N' has no value: give it when instantiating (e.g. N=1024) or declare a default
// TARGET: tl-tune: --target must be auto, cuda, hip or host, not 'metal'
// HIP: tl-tune: --target hip: compiled 1 of 1 configs for gfx942 to HSACO in {{[0-9.]+}} s; nothing was timed or checked: {{.+}}; `tl-compile --target hip --chip gfx942 -o DIR` keeps the code objects
// WAVE: config 0 {block = 16} dropped: launches 16 threads per block, not a multiple of the 64-thread wavefront of gfx942
// SUPPLY: tl-tune: --supply-type 'gaussian' is not one of auto, integer, uniform, normal, randn, zero, one
// OUTIDX: tl-tune: --out-idx 7 does not name a tensor argument (the kernel has 3 arguments)
// NPY: tl-tune: cannot read {{.*}}none.npy
// LOAD: tl-tune: --load {{.*}}no-such-result: cannot read {{.*}}kernel.json
// NOINPUT: tl-tune: give a kernel file (tl-tune kernel.mlir ...) or --load DIR
// PRUNE: tl-tune: --prune-ratio must be 0 (off) or >= 1
// MMA: tl-tune: --mma must be auto, wgmma, mma.sync, mfma or simt, not 'tensor'
// MFMA: best: {"block_K":32,"block_M":64,"block_N":64,"num_stages":2,"threads":128}

tl.func @add(%A: memref<?x?xf32> {tl.shape = ["M", "K"]},
             %B: memref<?x?xf32> {tl.shape = ["K", "N"]},
             %C: memref<?x?xf32> {tl.shape = ["M", "N"]})
    attributes {params = [#tl.param<"M" : index>, #tl.param<"N" : index>,
                          #tl.param<"K" : index>,
                          #tl.param<"block" : index = 16 in [16]>],
                configs = #tl.product<{block = [16]}>} {
  %c0 = arith.constant 0 : index
  %m = tl.param "M" : index
  %b = tl.param "block" : index
  %g = tl.ceildiv %m, %b : index
  tl.kernel (%bx) in (%g) threads %b {
    %f = tl.alloc_fragment(%b, %b) : memref<?x?xf32, #tl.memory<fragment>>
    %row = arith.muli %bx, %b : index
    tl.copy %A[%row, %c0] to %f : memref<?x?xf32>, memref<?x?xf32, #tl.memory<fragment>>
    tl.copy %f to %C[%row, %c0] : memref<?x?xf32, #tl.memory<fragment>>, memref<?x?xf32>
  }
  tl.return
}
