// RUN: tl-opt %s -split-input-file -verify-diagnostics

// Every error the tl verifiers report, one case per split.

// expected-error @below {{a tl parameter needs a non-empty name}}
tl.func @f() attributes {params = [#tl.param<"" : index>]} { tl.return }

// -----

// expected-error @below {{parameter 'x' has type 'f32'; parameters are signless integers or index}}
tl.func @f() attributes {params = [#tl.param<"x" : f32>]} { tl.return }

// -----

// expected-error @below {{parameter 'x' lists the allowed value 64 twice}}
tl.func @f() attributes {params = [#tl.param<"x" : index in [64, 64]>]} { tl.return }

// -----

// expected-error @below {{default 96 of parameter 'block_M' is not one of its allowed values [64, 128]; change the default or add it to the allowed values}}
tl.func @f() attributes {params = [#tl.param<"block_M" : index = 96 in [64, 128]>]} { tl.return }

// -----

// expected-error @below {{#tl.product entry 'x' must be a list of integers}}
tl.func @f() attributes {params = [#tl.param<"x" : index>], configs = #tl.product<{x = 3}>} { tl.return }

// -----

// expected-error @below {{#tl.product entry 'x' must be a list of integers}}
tl.func @f() attributes {params = [#tl.param<"x" : index>], configs = #tl.product<{x = ["a"]}>} { tl.return }

// -----

// expected-error @below {{#tl.product entry 'x' lists no values}}
tl.func @f() attributes {params = [#tl.param<"x" : index>], configs = #tl.product<{x = []}>} { tl.return }

// -----

// expected-error @below {{#tl.configs entry 1 must be a dictionary of parameter values}}
tl.func @f() attributes {params = [#tl.param<"x" : index>], configs = #tl.configs<[{x = 1}, 2]>} { tl.return }

// -----

// expected-error @below {{#tl.configs entry 0 sets 'x' to a non-integer value}}
tl.func @f() attributes {params = [#tl.param<"x" : index>], configs = #tl.configs<[{x = "big"}]>} { tl.return }

// -----

// expected-error @below {{kernels return nothing; write results to a global tensor argument instead}}
tl.func @f() -> index { tl.return }

// -----

// expected-error @below {{declares parameter 'x' twice}}
tl.func @f() attributes {params = [#tl.param<"x" : index>, #tl.param<"x" : index>]} { tl.return }

// -----

// expected-error @below {{argument 0 has type 'vector<4xf32>'; kernel arguments are global tensors (memref) or integer/float scalars}}
tl.func @f(%v: vector<4xf32>) { tl.return }

// -----

// expected-error @below {{argument 0 is in shared memory; kernel arguments are global tensors}}
tl.func @f(%s: memref<4xf32, #tl.memory<shared>>) { tl.return }

// -----

// expected-error @below {{argument 0 has memory space 3 : i64, which tl does not know; give global tensors no memory space or #tl.memory<global>}}
tl.func @f(%s: memref<4xf32, 3>) { tl.return }

// -----

// expected-error @below {{argument 0: 'tl.shape' must list one entry per dimension (2)}}
tl.func @f(%a: memref<?x?xf32> {tl.shape = ["M"]}) attributes {params = [#tl.param<"M" : index>]} { tl.return }

// -----

// expected-error @below {{argument 0 dimension 1 is sized by 'N', which is not a declared parameter (declared: M)}}
tl.func @f(%a: memref<?x?xf32> {tl.shape = ["M", "N"]}) attributes {params = [#tl.param<"M" : index>]} { tl.return }

// -----

// expected-error @below {{argument 0 dimension 0 is sized by parameter 'M' but its type fixes it to 8; write '?' in the type}}
tl.func @f(%a: memref<8xf32> {tl.shape = ["M"]}) attributes {params = [#tl.param<"M" : index>]} { tl.return }

// -----

// expected-error @below {{argument 0 dimension 0: 'tl.shape' says 16 but the type says [8]}}
tl.func @f(%a: memref<8xf32> {tl.shape = [16]}) { tl.return }

// -----

// expected-error @below {{argument 0: 'tl.shape' entries are parameter names or integers}}
tl.func @f(%a: memref<8xf32> {tl.shape = [1.0]}) { tl.return }

// -----

// expected-error @below {{has a config space but declares no parameters}}
tl.func @f() attributes {configs = #tl.product<{x = [1]}>} { tl.return }

// -----

// expected-error @below {{config names unknown parameter 'block_X'; the template's parameters are block_M, threads}}
tl.func @f() attributes {params = [#tl.param<"block_M" : index>, #tl.param<"threads" : index>],
                         configs = #tl.product<{block_M = [64], block_X = [1]}>} { tl.return }

// -----

// expected-error @below {{config sets 'block_M' to 96, which is not one of its allowed values [64, 128]}}
tl.func @f() attributes {params = [#tl.param<"block_M" : index in [64, 128]>],
                         configs = #tl.configs<[{block_M = 64}, {block_M = 96}]>} { tl.return }

// -----

// expected-error @below {{is both a template (it declares parameters) and a specialized kernel (it carries a config)}}
tl.func @f() attributes {params = [#tl.param<"x" : index>], config = {x = 1}} { tl.return }

// -----

// expected-error @below {{needs a body}}
tl.func @f()

// -----

func.func @f() {
  // expected-error @below {{must be nested in a tl.func template}}
  %x = tl.param "x" : index
  return
}

// -----

tl.func @f() attributes {params = [#tl.param<"M" : index>]} {
  // expected-error @below {{parameter 'block_M' is used but not declared; declared parameters: M; add #tl.param<"block_M" : index> to the template's params}}
  %x = tl.param "block_M" : index
  tl.return
}

// -----

tl.func @f() attributes {params = [#tl.param<"M" : index>]} {
  // expected-error @below {{reads parameter 'M' as 'i32' but it is declared 'index'}}
  %x = tl.param "M" : i32
  tl.return
}

// -----

tl.func @f(%n: index) {
  %c0 = arith.constant 0 : index
  // expected-error @below {{divisor is 0; tl.ceildiv needs a positive divisor}}
  %x = tl.ceildiv %n, %c0 : index
  tl.return
}

// -----

tl.func @f() {
  %c1 = arith.constant 1 : index
  // expected-error @below {{launches a 0-D grid; grids have 1 to 3 dimensions}}
  tl.kernel () in () threads %c1 {
  }
  tl.return
}

// -----

tl.func @f() {
  %c1 = arith.constant 1 : index
  // expected-error @below {{launches a 4-D grid; grids have 1 to 3 dimensions}}
  tl.kernel (%a, %b, %c, %d) in (%c1, %c1, %c1, %c1) threads %c1 {
  }
  tl.return
}

// -----

tl.func @f() {
  %c1 = arith.constant 1 : index
  // expected-error @below {{expected as many indices (2) as extents (1)}}
  tl.kernel (%a, %b) in (%c1) threads %c1 {
  }
  tl.return
}

// -----

tl.func @f() {
  %c1 = arith.constant 1 : index
  tl.kernel (%a) in (%c1) threads %c1 {
    // expected-error @below {{is nested in another tl.kernel; a kernel launches from the host only}}
    tl.kernel (%b) in (%c1) threads %c1 {
    }
  }
  tl.return
}

// -----

tl.func @f() {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  // expected-error @below {{launches 0 threads per block; it needs at least one}}
  tl.kernel (%a) in (%c1) threads %c0 {
  }
  tl.return
}

// -----

tl.func @f() {
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  tl.kernel (%bx) in (%c1) threads %c64 {
    // expected-error @below {{needs at least one extent}}
    tl.parallel () in () {
    }
  }
  tl.return
}

// -----

tl.func @f() {
  %c1 = arith.constant 1 : index
  // expected-error @below {{must be nested in a tl.kernel}}
  tl.parallel (%i) in (%c1) {
  }
  tl.return
}

// -----

tl.func @f() {
  %c1 = arith.constant 1 : index
  // expected-error @below {{must be nested in a tl.kernel}}
  tl.pipelined %k = %c1 to %c1 num_stages %c1 {
  }
  tl.return
}

// -----

tl.func @f() {
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  tl.kernel (%bx) in (%c1) threads %c64 {
    %c0 = arith.constant 0 : index
    // expected-error @below {{has num_stages = 0; a pipeline needs at least 1 stage}}
    tl.pipelined %k = %c0 to %c1 num_stages %c0 {
    }
  }
  tl.return
}

// -----

tl.func @f() {
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  tl.kernel (%bx) in (%c1) threads %c64 {
    // expected-error @below {{allocates in fragment memory; its result type needs #tl.memory<shared>}}
    %s = tl.alloc_shared() : memref<64xf32, #tl.memory<fragment>>
  }
  tl.return
}

// -----

tl.func @f() {
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  tl.kernel (%bx) in (%c1) threads %c64 {
    // expected-error @below {{allocates in global memory; its result type needs #tl.memory<fragment>}}
    %s = tl.alloc_fragment() : memref<64xf32>
  }
  tl.return
}

// -----

tl.func @f() {
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  tl.kernel (%bx) in (%c1) threads %c64 {
    // expected-error @below {{has 1 size operands for 2 dynamic dimensions of 'memref<?x?xf32, #tl.memory<shared>>'}}
    %s = tl.alloc_shared(%c64) : memref<?x?xf32, #tl.memory<shared>>
  }
  tl.return
}

// -----

tl.func @f() {
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  tl.kernel (%bx) in (%c1) threads %c64 {
    // expected-error @below {{allocates with a layout; tiles are allocated with the identity layout}}
    %s = tl.alloc_shared() : memref<64xf32, strided<[2]>, #tl.memory<shared>>
  }
  tl.return
}

// -----

tl.func @f() {
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  tl.kernel (%bx) in (%c1) threads %c64 {
    // expected-error @below {{allocates a tile with a dimension of size 0; tile sizes are positive}}
    %s = tl.alloc_shared() : memref<0xf32, #tl.memory<shared>>
  }
  tl.return
}

// -----

tl.func @f() {
  // expected-error @below {{must be nested in a tl.kernel (tiles belong to a block)}}
  %s = tl.alloc_shared() : memref<64xf32, #tl.memory<shared>>
  tl.return
}

// -----

tl.func @f() {
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  tl.kernel (%bx) in (%c1) threads %c64 {
    %g = memref.alloca() : memref<64x64xf16, 3>
    %s = tl.alloc_shared() : memref<64x64xf16, #tl.memory<shared>>
    // expected-error @below {{copies between buffers whose memory space is not a #tl.memory}}
    tl.copy %g to %s : memref<64x64xf16, 3>, memref<64x64xf16, #tl.memory<shared>>
  }
  tl.return
}

// -----

tl.func @f(%a: memref<64xf16>, %b: memref<64xf16>) {
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  tl.kernel (%bx) in (%c1) threads %c64 {
    // expected-error @below {{copies global to global; stage the tile through shared or fragment memory}}
    tl.copy %a to %b : memref<64xf16>, memref<64xf16>
  }
  tl.return
}

// -----

tl.func @f() {
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  tl.kernel (%bx) in (%c1) threads %c64 {
    %s = tl.alloc_shared() : memref<64x64xf16, #tl.memory<shared>>
    %t = tl.alloc_shared() : memref<128x128xf16, #tl.memory<shared>>
    // expected-error @below {{indexes both sides; index the larger buffer and give the tile whole}}
    tl.copy %s[%bx, %bx] to %t[%bx, %bx] : memref<64x64xf16, #tl.memory<shared>>, memref<128x128xf16, #tl.memory<shared>>
  }
  tl.return
}

// -----

tl.func @f(%a: memref<128x128xi32>) {
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  tl.kernel (%bx) in (%c1) threads %c64 {
    %s = tl.alloc_shared() : memref<64x64xf16, #tl.memory<shared>>
    // expected-error @below {{copies 'i32' to 'f16'; element types must match or both be floats (or both integers)}}
    tl.copy %a[%bx, %bx] to %s : memref<128x128xi32>, memref<64x64xf16, #tl.memory<shared>>
  }
  tl.return
}

// -----

tl.func @f() {
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  tl.kernel (%bx) in (%c1) threads %c64 {
    %s = tl.alloc_shared() : memref<64x64xf16, #tl.memory<shared>>
    %f = tl.alloc_fragment() : memref<64x32xf32, #tl.memory<fragment>>
    // expected-error @below {{copies a [64x32] tile into a [64x64] tile; whole-tile copies need equal shapes}}
    tl.copy %f to %s : memref<64x32xf32, #tl.memory<fragment>>, memref<64x64xf16, #tl.memory<shared>>
  }
  tl.return
}

// -----

tl.func @f(%a: memref<128x128xf16>) {
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  tl.kernel (%bx) in (%c1) threads %c64 {
    %s = tl.alloc_shared() : memref<64x64xf16, #tl.memory<shared>>
    // expected-error @below {{indexes a rank-2 buffer with 1 offsets}}
    tl.copy %a[%bx] to %s : memref<128x128xf16>, memref<64x64xf16, #tl.memory<shared>>
  }
  tl.return
}

// -----

tl.func @f(%a: memref<128x128xf16>) {
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  tl.kernel (%bx) in (%c1) threads %c64 {
    %s = tl.alloc_shared() : memref<4x64x64xf16, #tl.memory<shared>>
    // expected-error @below {{copies a rank-3 tile at an offset into a rank-2 buffer; the tile's rank cannot exceed it}}
    tl.copy %a[%bx, %bx] to %s : memref<128x128xf16>, memref<4x64x64xf16, #tl.memory<shared>>
  }
  tl.return
}

// -----

tl.func @f(%a: memref<64x64xf16>) {
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  tl.kernel (%bx) in (%c1) threads %c64 {
    %s = tl.alloc_shared() : memref<128x128xf16, #tl.memory<shared>>
    // expected-error @below {{uses a global tensor as the tile; the tile side must be shared or fragment memory}}
    tl.copy %s[%bx, %bx] to %a : memref<128x128xf16, #tl.memory<shared>>, memref<64x64xf16>
  }
  tl.return
}

// -----

tl.func @f(%a: memref<64x64xf16>) {
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  tl.kernel (%bx) in (%c1) threads %c64 {
    %s = tl.alloc_shared() : memref<64x64xf16, #tl.memory<shared>>
    %f = tl.alloc_fragment() : memref<64x64xf32, #tl.memory<fragment>>
    // expected-error @below {{operand A is in global memory; it must be in shared or fragment memory; copy it into a tl.alloc_shared tile first}}
    tl.gemm %a, %s, %f : memref<64x64xf16>, memref<64x64xf16, #tl.memory<shared>>, memref<64x64xf32, #tl.memory<fragment>>
  }
  tl.return
}

// -----

tl.func @f() {
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  tl.kernel (%bx) in (%c1) threads %c64 {
    %s = tl.alloc_shared() : memref<64x64xf16, #tl.memory<shared>>
    %c = tl.alloc_shared() : memref<64x64xf32, #tl.memory<shared>>
    // expected-error @below {{accumulator C is in shared memory; it must be in fragment memory; allocate it with tl.alloc_fragment}}
    tl.gemm %s, %s, %c : memref<64x64xf16, #tl.memory<shared>>, memref<64x64xf16, #tl.memory<shared>>, memref<64x64xf32, #tl.memory<shared>>
  }
  tl.return
}

// -----

tl.func @f() {
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  tl.kernel (%bx) in (%c1) threads %c64 {
    %s = tl.alloc_shared() : memref<64xf16, #tl.memory<shared>>
    %f = tl.alloc_fragment() : memref<64x64xf32, #tl.memory<fragment>>
    // expected-error @below {{multiplies rank-2 tiles only; got ranks 1, 1, 2}}
    tl.gemm %s, %s, %f : memref<64xf16, #tl.memory<shared>>, memref<64xf16, #tl.memory<shared>>, memref<64x64xf32, #tl.memory<fragment>>
  }
  tl.return
}

// -----

tl.func @f() {
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  tl.kernel (%bx) in (%c1) threads %c64 {
    %s = tl.alloc_shared() : memref<64x64xf16, #tl.memory<shared>>
    %b = tl.alloc_shared() : memref<64x64xbf16, #tl.memory<shared>>
    %f = tl.alloc_fragment() : memref<64x64xf32, #tl.memory<fragment>>
    // expected-error @below {{multiplies 'f16' by 'bf16'; A and B need the same element type}}
    tl.gemm %s, %b, %f : memref<64x64xf16, #tl.memory<shared>>, memref<64x64xbf16, #tl.memory<shared>>, memref<64x64xf32, #tl.memory<fragment>>
  }
  tl.return
}

// -----

tl.func @f() {
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  tl.kernel (%bx) in (%c1) threads %c64 {
    %s = tl.alloc_shared() : memref<64x64xbf16, #tl.memory<shared>>
    %f = tl.alloc_fragment() : memref<64x64xf16, #tl.memory<fragment>>
    // expected-error @below {{cannot accumulate 'bf16' products into 'f16'; supported: f16 -> f16|f32, bf16|f8 -> f32, f32 -> f32, f64 -> f64, i8 -> i32}}
    tl.gemm %s, %s, %f : memref<64x64xbf16, #tl.memory<shared>>, memref<64x64xbf16, #tl.memory<shared>>, memref<64x64xf16, #tl.memory<fragment>>
  }
  tl.return
}

// -----

tl.func @f() {
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  tl.kernel (%bx) in (%c1) threads %c64 {
    %a = tl.alloc_shared() : memref<64x32xf16, #tl.memory<shared>>
    %b = tl.alloc_shared() : memref<64x64xf16, #tl.memory<shared>>
    %f = tl.alloc_fragment() : memref<64x64xf32, #tl.memory<fragment>>
    // expected-error @below {{has mismatched shapes: A [64x32], B [64x64], C [64x64]; need A: MxK, B: KxN, C: MxN}}
    tl.gemm %a, %b, %f : memref<64x32xf16, #tl.memory<shared>>, memref<64x64xf16, #tl.memory<shared>>, memref<64x64xf32, #tl.memory<fragment>>
  }
  tl.return
}

// -----

tl.func @f() {
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  tl.kernel (%bx) in (%c1) threads %c64 {
    %a = tl.alloc_shared() : memref<64x32xf16, #tl.memory<shared>>
    %b = tl.alloc_shared() : memref<32x64xf16, #tl.memory<shared>>
    %f = tl.alloc_fragment() : memref<64x64xf32, #tl.memory<fragment>>
    // expected-error @below {{has mismatched shapes: A [64x32] (transposed), B [32x64], C [64x64]}}
    tl.gemm %a, %b, %f {transpose_a} : memref<64x32xf16, #tl.memory<shared>>, memref<32x64xf16, #tl.memory<shared>>, memref<64x64xf32, #tl.memory<fragment>>
  }
  tl.return
}

// -----

tl.func @f(%a: memref<64xf32>) {
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  tl.kernel (%bx) in (%c1) threads %c64 {
    // expected-error @below {{the tile is in global memory; it must be in shared or fragment memory; write a global tensor with tl.copy from a tile}}
    tl.clear %a : memref<64xf32>
  }
  tl.return
}

// -----

tl.func @f(%a: memref<64xf32>) {
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  tl.kernel (%bx) in (%c1) threads %c64 {
    %z = arith.constant 0.0 : f32
    // expected-error @below {{the tile is in global memory; it must be in shared or fragment memory}}
    tl.fill %a, %z : memref<64xf32>, f32
  }
  tl.return
}

// -----

tl.func @f() {
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  tl.kernel (%bx) in (%c1) threads %c64 {
    %f = tl.alloc_fragment() : memref<64xf32, #tl.memory<fragment>>
    %z = arith.constant 0.0 : f16
    // expected-error @below {{fills a tile of 'f32' with a value of type 'f16'}}
    tl.fill %f, %z : memref<64xf32, #tl.memory<fragment>>, f16
  }
  tl.return
}

// -----

tl.func @f(%a: memref<64x64xf32>) {
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  tl.kernel (%bx) in (%c1) threads %c64 {
    %r = tl.alloc_fragment() : memref<64xf32, #tl.memory<fragment>>
    // expected-error @below {{the source is in global memory; it must be in shared or fragment memory; reduce a shared or fragment tile}}
    tl.reduce sum %a, %r dim 1 : memref<64x64xf32>, memref<64xf32, #tl.memory<fragment>>
  }
  tl.return
}

// -----

tl.func @f() {
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  tl.kernel (%bx) in (%c1) threads %c64 {
    %f = tl.alloc_fragment() : memref<64x64xf32, #tl.memory<fragment>>
    %r = tl.alloc_fragment() : memref<64xf32, #tl.memory<fragment>>
    // expected-error @below {{reduces dimension 2 of a rank-2 tile}}
    tl.reduce sum %f, %r dim 2 : memref<64x64xf32, #tl.memory<fragment>>, memref<64xf32, #tl.memory<fragment>>
  }
  tl.return
}

// -----

tl.func @f() {
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  tl.kernel (%bx) in (%c1) threads %c64 {
    %f = tl.alloc_fragment() : memref<64x64xf32, #tl.memory<fragment>>
    %r = tl.alloc_fragment() : memref<64xf16, #tl.memory<fragment>>
    // expected-error @below {{reduces 'f32' into 'f16'; element types must match}}
    tl.reduce max %f, %r dim 1 : memref<64x64xf32, #tl.memory<fragment>>, memref<64xf16, #tl.memory<fragment>>
  }
  tl.return
}

// -----

tl.func @f() {
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  tl.kernel (%bx) in (%c1) threads %c64 {
    %f = tl.alloc_fragment() : memref<64x32xf32, #tl.memory<fragment>>
    %r = tl.alloc_fragment() : memref<32xf32, #tl.memory<fragment>>
    // expected-error @below {{reduces a [64x32] tile along dimension 1 into a [32] tile; expected [64]}}
    tl.reduce max %f, %r dim 1 : memref<64x32xf32, #tl.memory<fragment>>, memref<32xf32, #tl.memory<fragment>>
  }
  tl.return
}

// -----

// A value an i8 cannot hold would silently wrap (1000 -> -24).
// expected-error @below {{default 1000 of parameter 'x' does not fit its type 'i8' (-128 to 127); widen the type or change the default}}
tl.func @f() attributes {params = [#tl.param<"x" : i8 = 1000>]} { tl.return }

// -----

// expected-error @below {{parameter 'x' allows 300, which does not fit its type 'i8' (-128 to 127)}}
tl.func @f() attributes {params = [#tl.param<"x" : i8 in [1, 300]>]} { tl.return }

// -----

tl.func @negative_grid() {
  %c32 = arith.constant 32 : index
  %m1 = arith.constant -1 : index
  // expected-error @below {{'tl.kernel' op launches -1 blocks in grid dimension 0; every dimension needs at least one}}
  tl.kernel (%bx) in (%m1) threads %c32 {
  }
  tl.return
}

// -----

tl.func @f() {
  %c1 = arith.constant 1 : index
  tl.kernel (%a) in (%c1) threads %c1 {
    // expected-error @below {{renumbers the blocks of a 2-D grid; this kernel's grid has 1 dimensions}}
    tl.use_swizzle %c1
  }
  tl.return
}

// -----

tl.func @f() {
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  tl.kernel (%a, %b) in (%c1, %c1) threads %c1 {
    tl.use_swizzle %c8
    // expected-error @below {{is the second in its kernel; a kernel has one block order}}
    tl.use_swizzle %c8
  }
  tl.return
}

// -----

tl.func @f() {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  tl.kernel (%a, %b) in (%c1, %c1) threads %c1 {
    // expected-error @below {{groups 0 rows; the panel needs at least one (1: the launch order)}}
    tl.use_swizzle %c0
  }
  tl.return
}

// -----

tl.func @f() {
  %c8 = arith.constant 8 : index
  // expected-error @below {{expects parent op 'tl.kernel'}}
  tl.use_swizzle %c8
  tl.return
}

// -----

tl.func @f() {
  %c1 = arith.constant 1 : index
  tl.kernel (%a) in (%c1) threads %c1 {
    // expected-error @below {{clusters the block rows of a 2-D grid; this kernel's grid has 1 dimensions}}
    tl.cluster %c1
  }
  tl.return
}

// -----

tl.func @f() {
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  tl.kernel (%a, %b) in (%c1, %c2) threads %c1 {
    tl.cluster %c2
    // expected-error @below {{is the second in its kernel; a kernel has one cluster shape}}
    tl.cluster %c2
  }
  tl.return
}

// -----

tl.func @f() {
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  tl.kernel (%a, %b) in (%c1, %c3) threads %c1 {
    // expected-error @below {{clusters 3 block rows; use 1, 2, 4 or 8 (1: no clusters)}}
    tl.cluster %c3
  }
  tl.return
}

// -----

tl.func @f() {
  %c1 = arith.constant 1 : index
  tl.kernel (%a) in (%c1) threads %c1 {
    tl.persistent %c1
    // expected-error @below {{is the second in its kernel; a kernel is persistent once}}
    tl.persistent %c1
  }
  tl.return
}

// -----

tl.func @f() {
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  tl.kernel (%a) in (%c1) threads %c1 {
    // expected-error @below {{is set to 3; use 1 (persistent), 2 (persistent, two tiles at a time) or 0 (the grid as written)}}
    tl.persistent %c3
  }
  tl.return
}
