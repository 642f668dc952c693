// Where the disk cache lives and what its hit path trusts.
//
// A relative --cache-dir or TILELANG_CACHE_DIR caches (under the working
// directory), an empty TILELANG_CACHE_DIR is the default ($HOME), no run
// directory is left behind, and an entry that matches its manifest but
// holds no sound result is rebuilt instead of crashing the hit path.
//
// RUN: rm -rf %t && mkdir -p %t/home && cd %t
// RUN: tl-tune %s --target=host --instantiate=N=64 --warmup=1 --rep=2 --cache-dir=rel | FileCheck %s --check-prefix=STORE
// RUN: tl-tune %s --target=host --instantiate=N=64 --warmup=1 --rep=2 --cache-dir=rel | FileCheck %s --check-prefix=HIT
// RUN: ls %t/rel/tmp | count 0
// RUN: env TILELANG_CACHE_DIR=rel tl-tune %s --target=host --instantiate=N=64 --warmup=1 --rep=2 | FileCheck %s --check-prefix=HIT
// RUN: env TILELANG_CACHE_DIR= HOME=%t/home tl-tune %s --target=host --instantiate=N=64 --warmup=1 --rep=2 | FileCheck %s --check-prefix=HOME
// RUN: %python %S/Inputs/rewrite_entry.py %t/rel best.txt 99
// RUN: tl-tune %s --target=host --instantiate=N=64 --warmup=1 --rep=2 --cache-dir=rel 2>&1 | FileCheck %s --check-prefix=BEST
// RUN: %python %S/Inputs/rewrite_entry.py %t/rel candidates.jsonl ""
// RUN: tl-tune %s --target=host --instantiate=N=64 --warmup=1 --rep=2 --cache-dir=rel 2>&1 | FileCheck %s --check-prefix=EMPTY
// RUN: %python %S/Inputs/rewrite_entry.py %t/rel candidates.jsonl "garbage"
// RUN: tl-tune %s --target=host --instantiate=N=64 --warmup=1 --rep=2 --cache-dir=rel 2>&1 | FileCheck %s --check-prefix=GARBAGE
// RUN: %python %S/Inputs/rewrite_entry.py %t/rel kernel.json "{}"
// RUN: tl-tune %s --target=host --instantiate=N=64 --warmup=1 --rep=2 --cache-dir=rel 2>&1 | FileCheck %s --check-prefix=KERNEL
// RUN: tl-tune %s --target=host --instantiate=N=64 --warmup=1 --rep=2 --cache-dir=rel | FileCheck %s --check-prefix=HIT

// STORE-NOT: from the disk cache
// STORE: cached: {{.*}}/rel/autotuner/{{[0-9a-f]+$}}
// HIT: from the disk cache
// HIT: best: {"block":{{32|64}}}
// HOME: cached: {{.*}}/home/.tilelang/cache/autotuner/{{[0-9a-f]+$}}
// BEST: was damaged (best.txt does not name a passing candidate); it was removed and is rebuilt
// BEST: cached:
// EMPTY: was damaged (candidates.jsonl holds no candidate)
// EMPTY: cached:
// GARBAGE: was damaged (candidates.jsonl line 1 is not JSON)
// GARBAGE: cached:
// KERNEL: was damaged (kernel metadata: {{.*}})
// KERNEL: cached:

tl.func @scale(%X: memref<?xf32> {tl.shape = ["N"]}, %Y: memref<?xf32> {tl.shape = ["N"]})
    attributes {params = [#tl.param<"N" : index>,
                          #tl.param<"block" : index = 32 in [32, 64]>],
                configs = #tl.product<{block = [32, 64]}>} {
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
      memref.store %w, %f[%i] : memref<?xf32, #tl.memory<fragment>>
    }
    tl.copy %f to %Y[%row] : memref<?xf32, #tl.memory<fragment>>, memref<?xf32>
  }
  tl.return
}
