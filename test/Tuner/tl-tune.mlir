// tl-tune on the host target: a planted faulting config, a planted hanging
// config and a planted wrong answer each fail alone while the rest are
// tuned; a second run
// answers from the disk cache; changing a profile option misses; the cache
// can be turned off; --json reports the same.
//
// RUN: rm -rf %t && mkdir -p %t && cd %t
// RUN: env TILELANG_CACHE_DIR=%t/cache tl-tune %s --instantiate=N=4096 --warmup=1 --rep=3 --timeout=3 | FileCheck %s --check-prefix=FIRST --implicit-check-not='from the disk cache'
// RUN: env TILELANG_CACHE_DIR=%t/cache tl-tune %s --instantiate=N=4096 --warmup=1 --rep=3 --timeout=3 | FileCheck %s --check-prefix=SECOND
// RUN: env TILELANG_CACHE_DIR=%t/cache tl-tune %s --instantiate=N=4096 --warmup=1 --rep=4 --timeout=3 --constraint='mode == 0' | FileCheck %s --check-prefix=MISS
// RUN: env TILELANG_CACHE_DIR=%t/cache TILELANG_AUTO_TUNING_DISABLE_CACHE=1 tl-tune %s --instantiate=N=4096 --warmup=1 --rep=3 --timeout=3 --constraint='mode == 0' | FileCheck %s --check-prefix=NOCACHE
// RUN: env TILELANG_CACHE_DIR=%t/cache tl-tune %s --instantiate=N=4096 --warmup=1 --rep=3 --timeout=3 --constraint='mode == 0' --json | FileCheck %s --check-prefix=JSON
// RUN: FileCheck %s --check-prefix=LOG < %t/autotuner.log
// RUN: ls %t/cache/autotuner/*/ | FileCheck %s --check-prefix=FILES

// FIRST: tl-tune: {{.*}}tl-tune.mlir on {{.*}} (host)
// FIRST-DAG: {"block":256,"mode":0} ok
// FIRST-DAG: {"block":512,"mode":0} ok
// FIRST-DAG: {"block":256,"mode":1} crashed
// FIRST-DAG: the worker died with signal Segmentation fault
// FIRST-DAG: {"block":256,"mode":2} timeout
// FIRST-DAG: ran past --timeout 3
// FIRST-DAG: {"block":512,"mode":3} check_failed
// FIRST-DAG: output 1: {{[0-9]+}} of 4096 elements off
// FIRST: best: {"block":{{256|512}},"mode":0}
// FIRST: cached: {{.*}}/cache/autotuner/{{[0-9a-f]+}}

// SECOND: from the disk cache
// SECOND-DAG: {"block":256,"mode":1} crashed
// SECOND-DAG: {"block":256,"mode":2} timeout
// SECOND: best: {"block":{{256|512}},"mode":0}

// MISS-NOT: from the disk cache
// MISS: best: {"block":{{256|512}},"mode":0}

// NOCACHE-NOT: from the disk cache
// NOCACHE: best:
// NOCACHE-NOT: cached:

// JSON: "best":
// JSON: "candidates": [
// JSON: "status": "ok"
// JSON: "devices": [
// JSON-NEXT: 0
// JSON: "from_cache": false
// JSON: "target": "host"

// LOG: "status":"crashed"
// LOG: "status":"timeout"

// FILES-DAG: best_config.json
// FILES-DAG: latency.json
// FILES-DAG: kernel.so
// FILES-DAG: kernel.json
// FILES-DAG: kernel.mlir
// FILES-DAG: candidates.jsonl
// FILES-DAG: manifest.json

// y = 2 * x, with a mode that plants a wrong answer (3 * x), a fault (a
// store far outside y) or a
// hang (a pipelined loop of 2^31 - 1 iterations). Both offsets fit the
// 32-bit indices of GPU kernels.
tl.func @scale(%X: memref<?xf32> {tl.shape = ["N"]}, %Y: memref<?xf32> {tl.shape = ["N"]})
    attributes {params = [#tl.param<"N" : index>,
                          #tl.param<"block" : index = 256 in [256, 512]>,
                          #tl.param<"mode" : index = 0 in [0, 1, 2, 3]>],
                configs = #tl.configs<[{block = 256, mode = 0}, {block = 512, mode = 0},
                                       {block = 256, mode = 1}, {block = 256, mode = 2},
                                       {block = 512, mode = 3}]>} {
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
