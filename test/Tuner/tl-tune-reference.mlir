// --reference: what candidates are checked against without --ref files.
// On the host, auto is the host reference; none checks nothing
// (the planted wrong answer passes); device needs a GPU target; a bad name
// is refused.
//
// RUN: rm -rf %t && mkdir -p %t && cd %t
// RUN: tl-tune %s --target=host --no-cache --instantiate=N=4096 --warmup=1 --rep=3 | FileCheck %s --check-prefix=AUTO
// RUN: tl-tune %s --target=host --no-cache --instantiate=N=4096 --warmup=1 --rep=3 --reference=host | FileCheck %s --check-prefix=AUTO
// RUN: tl-tune %s --target=host --no-cache --instantiate=N=4096 --warmup=1 --rep=3 --reference=none | FileCheck %s --check-prefix=NONE --implicit-check-not='reference built'
// RUN: not tl-tune %s --target=host --no-cache --instantiate=N=4096 --reference=device 2>&1 | FileCheck %s --check-prefix=DEVICE
// RUN: not tl-tune %s --target=host --no-cache --instantiate=N=4096 --reference=gpu 2>&1 | FileCheck %s --check-prefix=BAD

// AUTO-DAG: {"mode":0} ok
// AUTO-DAG: {"mode":3} check_failed
// AUTO: first run after {{[0-9.]+}} s; host reference built after {{[0-9.]+}} s, ready after
// NONE-DAG: {"mode":0} ok
// NONE-DAG: {"mode":3} ok
// DEVICE: tl-tune: --reference device needs a GPU target; this tuning runs on the host (use --reference host or auto)
// BAD: tl-tune: --reference must be auto, device, host or none, not 'gpu'

tl.func @scale(%X: memref<?xf32> {tl.shape = ["N"]}, %Y: memref<?xf32> {tl.shape = ["N"]})
    attributes {params = [#tl.param<"N" : index>,
                          #tl.param<"block" : index = 256 in [256]>,
                          #tl.param<"mode" : index = 0 in [0, 3]>],
                configs = #tl.product<{mode = [0, 3]}>} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %far = arith.constant 2000000000 : index
  %forever = arith.constant 2147483647 : index
  %c3 = arith.constant 3 : index
  %two_f = arith.constant 2.0 : f32
  %three_f = arith.constant 3.0 : f32
  %n = tl.param "N" : index
  %b = tl.param "block" : index
  %mode = tl.param "mode" : index
  %is_fault = arith.cmpi eq, %mode, %c1 : index
  %is_hang = arith.cmpi eq, %mode, %c2 : index
  %is_wrong = arith.cmpi eq, %mode, %c3 : index
  %two = arith.select %is_wrong, %three_f, %two_f : f32
  %offset = arith.select %is_fault, %far, %c0 : index
  %trips = arith.select %is_hang, %forever, %c1 : index
  %g = tl.ceildiv %n, %b : index
  tl.kernel (%bx) in (%g) threads %b {
    %f = tl.alloc_fragment(%b) : memref<?xf32, #tl.memory<fragment>>
    %row = arith.muli %bx, %b : index
    tl.pipelined %k = %c0 to %trips num_stages %c1 {
      tl.copy %X[%row] to %f : memref<?xf32>, memref<?xf32, #tl.memory<fragment>>
    }
    tl.parallel (%i) in (%b) {
      %v = memref.load %f[%i] : memref<?xf32, #tl.memory<fragment>>
      %w = arith.mulf %v, %two : f32
      memref.store %w, %f[%i] : memref<?xf32, #tl.memory<fragment>>
      // Unchecked: N is a multiple of the block, except for the planted
      // fault's offset.
      %at = arith.addi %row, %offset : index
      %j = arith.addi %at, %i : index
      memref.store %w, %Y[%j] : memref<?xf32>
    }
  }
  tl.return
}
