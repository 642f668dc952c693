// Errors of tl-expand-configs, one case per split, each naming the input,
// the place and the fix.
// RUN: tl-opt %s -split-input-file -verify-diagnostics --tl-expand-configs="target=sm_90a"

// The guide's "No configurations to tune".
// expected-error @below {{No configurations to tune: the config space of 'empty' is empty; give a non-empty configs attribute or configs-file}}
tl.func @empty() attributes {params = [#tl.param<"x" : index = 1>],
                             configs = #tl.configs<[]>} {
  tl.return
}

// -----

// Every config dropped: a remark per config, then an error listing why.
// expected-remark @below {{config 0 {threads = 2048} dropped: launches 2048 threads per block; sm_90a allows 1024}}
// expected-remark @below {{config 1 {threads = 1056} dropped: launches 1056 threads per block; sm_90a allows 1024}}
// expected-error @below {{every config of 'wide' was dropped for sm_90a (threads: 2); see the remarks above for each config, widen the space or pick another target}}
tl.func @wide(%x: memref<64xf32>)
    attributes {params = [#tl.param<"threads" : index>],
                configs = #tl.product<{threads = [2048, 1056]}>} {
  %c1 = arith.constant 1 : index
  %t = tl.param "threads" : index
  tl.kernel (%b) in (%c1) threads %t {
    %f = tl.alloc_fragment() : memref<64xf32, #tl.memory<fragment>>
    tl.clear %f : memref<64xf32, #tl.memory<fragment>>
    tl.copy %f to %x[%b] : memref<64xf32, #tl.memory<fragment>>, memref<64xf32>
  }
  tl.return
}

// -----

// expected-error @below {{config 0 {block = 64}: parameter 'N' has no value: give it when instantiating (e.g. N=1024) or declare a default}}
tl.func @missing(%x: memref<?xf32> {tl.shape = ["N"]})
    attributes {params = [#tl.param<"N" : index>, #tl.param<"block" : index>],
                configs = #tl.product<{block = [64]}>} {
  tl.return
}

// -----

// expected-error @below {{config 0 {block = 64}: parameter 'block' is both set by the instantiation and tuned by the config space; drop it from one of them}}
tl.func @twice() attributes {params = [#tl.param<"block" : index>],
                             configs = #tl.product<{block = [64]}>,
                             tl.instantiate = {block = 32}} {
  tl.return
}

// -----

// expected-error @below {{config 0 {}: parameter 'block' = 48 is not one of its allowed values [32, 64]}}
tl.func @disallowed() attributes {params = [#tl.param<"block" : index in [32, 64]>],
                                  tl.instantiate = {block = 48}} {
  tl.return
}

// -----

// expected-error @below {{the instantiation names unknown parameter 'Q'; the template's parameters are block}}
tl.func @unknown_instance() attributes {params = [#tl.param<"block" : index = 1>],
                                        tl.instantiate = {Q = 48}} {
  tl.return
}

// -----

// expected-error @below {{constraint 'blok * 2 < 64' reads 'blok', which is not a parameter of 'typo'; its parameters are block}}
tl.func @typo() attributes {params = [#tl.param<"block" : index = 1>],
                            tl.constraints = ["blok * 2 < 64"]} {
  tl.return
}

// -----

// expected-error @below {{constraint 'block <' column 8: expected a value at the end}}
tl.func @syntax() attributes {params = [#tl.param<"block" : index = 1>],
                              tl.constraints = ["block <"]} {
  tl.return
}

// -----

// A thread count that comes from a kernel argument cannot be made static.
// expected-error @below {{config 0 {}: does not specialize to a static kernel: the thread count of a tl.kernel is not a constant}}
tl.func @dynamic(%x: memref<64xf32>, %t: index)
    attributes {params = [#tl.param<"x" : index = 1>]} {
  %c1 = arith.constant 1 : index
  tl.kernel (%b) in (%c1) threads %t {
    %f = tl.alloc_fragment() : memref<64xf32, #tl.memory<fragment>>
    tl.clear %f : memref<64xf32, #tl.memory<fragment>>
    tl.copy %f to %x[%b] : memref<64xf32, #tl.memory<fragment>>, memref<64xf32>
  }
  tl.return
}

// -----

// A space of 20^8 configs is refused before it is enumerated.
// expected-error @below {{the config space of 'huge' has 25600000000 configs, more than max-configs=100000 allows; narrow the space (fewer values per parameter) or raise the bound (tl-expand-configs max-configs=N, tl-tune --max-configs N)}}
tl.func @huge() attributes {
    params = [#tl.param<"a" : index>, #tl.param<"b" : index>, #tl.param<"c" : index>, #tl.param<"d" : index>,
              #tl.param<"e" : index>, #tl.param<"f" : index>, #tl.param<"g" : index>, #tl.param<"h" : index>],
    configs = #tl.product<{a = [1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20],
                           b = [1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20],
                           c = [1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20],
                           d = [1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20],
                           e = [1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20],
                           f = [1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20],
                           g = [1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20],
                           h = [1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20]}>} {
  tl.return
}

// -----

// A negative count reaching tl.ceildiv is named, not reported as "the
// grid size is not a constant".
// expected-error @below {{config 0 {n = -5}: does not specialize to a static kernel: tl.ceildiv divides -5: sizes and counts must not be negative (check the parameters)}}
tl.func @negative_count(%X: memref<64xf32>)
    attributes {params = [#tl.param<"n" : index>], configs = #tl.configs<[{n = -5}]>} {
  %c32 = arith.constant 32 : index
  %n = tl.param "n" : index
  %g = tl.ceildiv %n, %c32 : index
  tl.kernel (%bx) in (%g) threads %c32 {
    %c0 = arith.constant 0 : index
    %z = arith.constant 0.0 : f32
    memref.store %z, %X[%c0] : memref<64xf32>
  }
  tl.return
}

// -----

// A grid computed to zero blocks.
// expected-error @below {{config 0 {n = 0}: does not specialize to a static kernel: the grid of a tl.kernel has 0 blocks in dimension 0; every dimension needs at least one (check the parameters)}}
tl.func @empty_grid(%X: memref<64xf32>)
    attributes {params = [#tl.param<"n" : index>], configs = #tl.configs<[{n = 0}]>} {
  %c32 = arith.constant 32 : index
  %n = tl.param "n" : index
  %g = tl.ceildiv %n, %c32 : index
  tl.kernel (%bx) in (%g) threads %c32 {
    %c0 = arith.constant 0 : index
    %z = arith.constant 0.0 : f32
    memref.store %z, %X[%c0] : memref<64xf32>
  }
  tl.return
}

// -----

// A config value the parameter's type cannot hold.
// expected-error @below {{config 0 {x = 200}: parameter 'x' = 200 does not fit its type i8}}
tl.func @narrow() attributes {params = [#tl.param<"x" : i8>], configs = #tl.configs<[{x = 200}]>} {
  tl.return
}

// -----

// A tile sized by a parameter that is not positive.
// expected-error @below {{config 0 {b = 0}: does not specialize to a static kernel: a tile of type memref<?xf32, #tl.memory<fragment>> is sized 0; tile sizes must be positive (check the parameters)}}
tl.func @empty_tile(%X: memref<64xf32>)
    attributes {params = [#tl.param<"b" : index>], configs = #tl.configs<[{b = 0}]>} {
  %c1 = arith.constant 1 : index
  %c32 = arith.constant 32 : index
  %c0 = arith.constant 0 : index
  %b = tl.param "b" : index
  tl.kernel (%bx) in (%c1) threads %c32 {
    %f = tl.alloc_fragment(%b) : memref<?xf32, #tl.memory<fragment>>
    tl.copy %X[%c0] to %f : memref<64xf32>, memref<?xf32, #tl.memory<fragment>>
    tl.copy %f to %X[%c0] : memref<?xf32, #tl.memory<fragment>>, memref<64xf32>
  }
  tl.return
}

// -----

// A tile too large to count is over every limit, not a wrapped size.
// expected-remark @below {{config 0 {b = 4611686018427387904} dropped}}
// expected-error @below {{every config of 'giant_tile' was dropped for sm_90a}}
tl.func @giant_tile(%X: memref<64xf32>)
    attributes {params = [#tl.param<"b" : index>], configs = #tl.configs<[{b = 4611686018427387904}]>} {
  %c1 = arith.constant 1 : index
  %c32 = arith.constant 32 : index
  %c0 = arith.constant 0 : index
  %b = tl.param "b" : index
  tl.kernel (%bx) in (%c1) threads %c32 {
    %s = tl.alloc_shared(%b) : memref<?xf32, #tl.memory<shared>>
    tl.copy %X[%c0] to %s : memref<64xf32>, memref<?xf32, #tl.memory<shared>>
    tl.copy %s to %X[%c0] : memref<?xf32, #tl.memory<shared>>, memref<64xf32>
  }
  tl.return
}
