// References from .npy files (--ref, one per output) instead of the host
// build: a right one passes every candidate, a wrong one fails every
// candidate with its error figures, one of the wrong size is refused.
//
// RUN: rm -rf %t && mkdir -p %t && cd %t
// RUN: %python %S/Inputs/write_npy.py 4096 2.0 two.npy
// RUN: %python %S/Inputs/write_npy.py 4096 3.0 three.npy
// RUN: %python %S/Inputs/write_npy.py 100 2.0 short.npy
// RUN: tl-tune %s --target=host --no-cache --instantiate=N=4096 --supply-type=one --warmup=1 --rep=3 --ref=two.npy | FileCheck %s --check-prefix=RIGHT
// RUN: not tl-tune %s --target=host --no-cache --instantiate=N=4096 --supply-type=one --warmup=1 --rep=3 --ref=three.npy | FileCheck %s --check-prefix=WRONG
// RUN: not tl-tune %s --target=host --no-cache --instantiate=N=4096 --supply-type=one --warmup=1 --rep=3 --ref=short.npy 2>&1 | FileCheck %s --check-prefix=SIZE

// RIGHT-DAG: {"block":256} ok
// RIGHT-DAG: {"block":512} ok

// WRONG-DAG: {"block":256} check_failed
// WRONG-DAG: {"block":512} check_failed
// WRONG-DAG: output 1: 4096 of 4096 elements off (100.0000%), max abs error 1
// WRONG: no candidate passed

// SIZE: tl-tune: short.npy holds 100 elements; output argument 1 has 4096

tl.func @scale(%X: memref<?xf32> {tl.shape = ["N"]}, %Y: memref<?xf32> {tl.shape = ["N"]})
    attributes {params = [#tl.param<"N" : index>,
                          #tl.param<"block" : index = 256 in [256, 512]>],
                configs = #tl.configs<[{block = 256}, {block = 512}]>} {
  %two = arith.constant 2.0 : f32
  %n = tl.param "N" : index
  %b = tl.param "block" : index
  %g = tl.ceildiv %n, %b : index
  tl.kernel (%bx) in (%g) threads %b {
    %f = tl.alloc_fragment(%b) : memref<?xf32, #tl.memory<fragment>>
    %row = arith.muli %bx, %b : index
    tl.copy %X[%row] to %f : memref<?xf32>, memref<?xf32, #tl.memory<fragment>>
    tl.parallel (%i) in (%b) {
      %v = memref.load %f[%i] : memref<?xf32, #tl.memory<fragment>>
      %w = arith.mulf %v, %two : f32
      %j = arith.addi %row, %i : index
      memref.store %w, %Y[%j] : memref<?xf32>
    }
  }
  tl.return
}
