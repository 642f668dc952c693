// How tl-tune spends its time: every candidate is screened with 10 runs
// (fewer, at least 3, past 20 ms of them) and
// only those within --prune-ratio of the best screened median get the full
// --rep runs; the others are reported as pruned (with their screening
// figures) and still validated. --prune-ratio=0 gives every candidate the
// full count; --warmup-ms / --rep-ms replace the counts by time budgets; a
// config whose linker runs past --compile-timeout is stopped and fails
// alone. Host kernels run on one thread here, so that another test
// sharing the CPU slows every run alike instead of stalling a thread pool.
//
// RUN: rm -rf %t && mkdir -p %t/bin && cd %t
// RUN: tl-tune %s --target=host --host-threads=1 --no-cache --instantiate=N=65536 --warmup=1 --rep=30 --prune-ratio=20 | FileCheck %s --check-prefix=PRUNE
// RUN: FileCheck %s --check-prefix=PRUNELOG < autotuner.log
// RUN: rm autotuner.log
// RUN: tl-tune %s --target=host --host-threads=1 --no-cache --instantiate=N=65536 --warmup=1 --rep=30 --prune-ratio=0 --constraint='mode == 1' | FileCheck %s --check-prefix=ALL
// RUN: FileCheck %s --check-prefix=ALLLOG < autotuner.log
// RUN: tl-tune %s --target=host --host-threads=1 --no-cache --instantiate=N=65536 --warmup-ms=2 --rep-ms=10 --prune-ratio=0 --constraint='mode == 0' | FileCheck %s --check-prefix=BUDGET
//
// A linker that never ends for config 1 (its output is .../1/kernel.so).
// RUN: printf '#!/bin/sh\ncase "$*" in *"/1/kernel.so"*) exec sleep 60;; esac\nexec /usr/lib/llvm-22/bin/ld.lld "$@"\n' > %t/bin/ld.lld
// RUN: chmod +x %t/bin/ld.lld
// RUN: env PATH=%t/bin:%PATH% tl-tune %s --target=host --host-threads=1 --no-cache --instantiate=N=65536 --warmup=1 --rep=3 --compile-timeout=3 --constraint='mode == 0' | FileCheck %s --check-prefix=TIMEOUT

// PRUNE-DAG: {"block":256,"mode":0} ok
// PRUNE-DAG: {"block":512,"mode":0} ok
// PRUNE-DAG: {"block":256,"mode":1} pruned
// PRUNE-DAG: {"block":256,"mode":2} check_failed
// PRUNE-DAG: output 1: {{[0-9]+}} of 65536 elements off
// PRUNE: best: {"block":{{256|512}},"mode":0}

// The full count for the contenders, the screening runs for the pruned
// one, which was checked all the same: 3 of them, since 10 of its ~50 ms
// would pass the screening's 20 ms cap.
// PRUNELOG-DAG: "mismatched":0,"samples_ms":{{\[([^],]+,){29}[^],]+\]}},"status":"ok"
// PRUNELOG-DAG: "index":2,{{.*}}"message":"median {{[0-9.]+}} ms over 3 screening runs, more than --prune-ratio 20 x the best's {{[0-9.]+}} ms",{{.*}}"mismatched":0,"samples_ms":{{\[([^],]+,){2}[^],]+\]}},"status":"pruned"

// ALL: {"block":256,"mode":1} ok
// ALLLOG: "samples_ms":{{\[([^],]+,){29}[^],]+\]}},"status":"ok"

// BUDGET-DAG: {"block":256,"mode":0} ok
// BUDGET-DAG: {"block":512,"mode":0} ok
// BUDGET: best: {"block":{{256|512}},"mode":0}

// TIMEOUT-DAG: {"block":256,"mode":0} ok
// TIMEOUT-DAG: {"block":512,"mode":0} compile_timeout
// TIMEOUT-DAG: ld.lld ran past the compile deadline and was stopped
// TIMEOUT: best: {"block":256,"mode":0}

// y = 2 * x; mode 1 copies its input 20000 times over (slow, right), mode 2
// too and computes 3 * x (slow, wrong).
tl.func @scale(%X: memref<?xf32> {tl.shape = ["N"]}, %Y: memref<?xf32> {tl.shape = ["N"]})
    attributes {params = [#tl.param<"N" : index>,
                          #tl.param<"block" : index = 256 in [256, 512]>,
                          #tl.param<"mode" : index = 0 in [0, 1, 2]>],
                configs = #tl.configs<[{block = 256, mode = 0}, {block = 512, mode = 0},
                                       {block = 256, mode = 1}, {block = 256, mode = 2}]>} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c20000 = arith.constant 20000 : index
  %two_f = arith.constant 2.0 : f32
  %three_f = arith.constant 3.0 : f32
  %n = tl.param "N" : index
  %b = tl.param "block" : index
  %mode = tl.param "mode" : index
  %is_wrong = arith.cmpi eq, %mode, %c2 : index
  %is_fast = arith.cmpi eq, %mode, %c0 : index
  %two = arith.select %is_wrong, %three_f, %two_f : f32
  %trips = arith.select %is_fast, %c1, %c20000 : index
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
      %j = arith.addi %row, %i : index
      memref.store %w, %Y[%j] : memref<?xf32>
    }
  }
  tl.return
}
