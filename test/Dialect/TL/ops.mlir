// RUN: tl-opt %s | tl-opt | FileCheck %s
// RUN: tl-opt %s --mlir-print-op-generic | tl-opt | FileCheck %s

// Every op and attribute of the dialect, printed, parsed back and printed
// again.

// CHECK-LABEL: tl.func @gemm_template
// CHECK-SAME: %[[A:.*]]: memref<?x?xf16> {tl.shape = ["M", "K"]}
// CHECK-SAME: %[[B:.*]]: memref<?x64xbf16> {tl.shape = ["K", 64]}
// CHECK-SAME: configs = #tl.product<{block_K = [32, 64], block_M = [64, 128]}>
// CHECK-SAME: params = [#tl.param<"M" : index>, #tl.param<"K" : index>, #tl.param<"block_M" : index = 128 in [64, 128]>, #tl.param<"block_K" : index = 32 in [32, 64]>, #tl.param<"num_stages" : i32 = 2>]
tl.func @gemm_template(%A: memref<?x?xf16> {tl.shape = ["M", "K"]},
                       %B: memref<?x64xbf16> {tl.shape = ["K", 64]})
    attributes {params = [#tl.param<"M" : index>, #tl.param<"K" : index>,
                          #tl.param<"block_M" : index = 128 in [64, 128]>,
                          #tl.param<"block_K" : index = 32 in [32, 64]>,
                          #tl.param<"num_stages" : i32 = 2>],
                configs = #tl.product<{block_M = [64, 128], block_K = [32, 64]}>} {
  // CHECK: %[[M:.*]] = tl.param "M" : index
  // CHECK: %[[BM:.*]] = tl.param "block_M" : index
  // CHECK: %[[S:.*]] = tl.param "num_stages" : i32
  // CHECK: %[[G:.*]] = tl.ceildiv %[[M]], %[[BM]] : index
  %M = tl.param "M" : index
  %bm = tl.param "block_M" : index
  %s = tl.param "num_stages" : i32
  %g = tl.ceildiv %M, %bm : index
  tl.return
}

// CHECK-LABEL: tl.func @explicit_space
// CHECK-SAME: configs = #tl.configs<[{block = 64 : i64}, {block = 128 : i64}]>
tl.func @explicit_space()
    attributes {params = [#tl.param<"block" : index = 64>],
                configs = #tl.configs<[{block = 64}, {block = 128}]>} {
  tl.return
}

// CHECK-LABEL: tl.func @specialized
// CHECK-SAME: attributes {config = {block = 64 : i64}}
tl.func @specialized() attributes {config = {block = 64}} {
  tl.return
}

// CHECK-LABEL: tl.func @tiles
// CHECK-SAME: (%[[X:.*]]: memref<256x128xf16>, %[[Y:.*]]: memref<256x128xf32>, %[[ALPHA:.*]]: f32)
tl.func @tiles(%X: memref<256x128xf16>, %Y: memref<256x128xf32>, %alpha: f32) {
  %c0 = arith.constant 0 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %c128 = arith.constant 128 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant 0.0 : f32
  // CHECK: tl.kernel (%[[BX:.*]], %[[BY:.*]], %[[BZ:.*]]) in (%{{.*}}, %{{.*}}, %{{.*}}) threads %{{.*}} {
  tl.kernel (%bx, %by, %bz) in (%c2, %c2, %c2) threads %c128 {
    // CHECK: %[[S:.*]] = tl.alloc_shared() : memref<64x64xf16, #tl.memory<shared>>
    // CHECK: %[[D:.*]] = tl.alloc_shared(%{{.*}}) : memref<?x64xf16, #tl.memory<shared>>
    // CHECK: %[[F:.*]] = tl.alloc_fragment() : memref<64x64xf32, #tl.memory<fragment>>
    // CHECK: %[[R:.*]] = tl.alloc_fragment() : memref<64xf32, #tl.memory<fragment>>
    %s = tl.alloc_shared() : memref<64x64xf16, #tl.memory<shared>>
    %d = tl.alloc_shared(%c64) : memref<?x64xf16, #tl.memory<shared>>
    %f = tl.alloc_fragment() : memref<64x64xf32, #tl.memory<fragment>>
    %r = tl.alloc_fragment() : memref<64xf32, #tl.memory<fragment>>
    // CHECK: tl.clear %[[F]] : memref<64x64xf32, #tl.memory<fragment>>
    // CHECK: tl.fill %[[R]], %{{.*}} : memref<64xf32, #tl.memory<fragment>>, f32
    tl.clear %f : memref<64x64xf32, #tl.memory<fragment>>
    tl.fill %r, %zero : memref<64xf32, #tl.memory<fragment>>, f32
    // CHECK: tl.pipelined %[[K:.*]] = %{{.*}} to %{{.*}} num_stages %{{.*}} {
    tl.pipelined %k = %c0 to %c2 num_stages %c2 {
      // CHECK: tl.copy %[[X]][%[[BX]], %[[K]]] to %[[S]] : memref<256x128xf16>, memref<64x64xf16, #tl.memory<shared>>
      tl.copy %X[%bx, %k] to %s : memref<256x128xf16>, memref<64x64xf16, #tl.memory<shared>>
      // CHECK: tl.gemm %[[S]], %[[S]], %[[F]] {transpose_b} :
      tl.gemm %s, %s, %f {transpose_b} : memref<64x64xf16, #tl.memory<shared>>, memref<64x64xf16, #tl.memory<shared>>, memref<64x64xf32, #tl.memory<fragment>>
      // CHECK: tl.gemm %[[S]], %[[S]], %[[F]] {clear_accum, transpose_a} :
      tl.gemm %s, %s, %f {transpose_a, clear_accum} : memref<64x64xf16, #tl.memory<shared>>, memref<64x64xf16, #tl.memory<shared>>, memref<64x64xf32, #tl.memory<fragment>>
    }
    // CHECK: tl.parallel (%[[I:.*]], %[[J:.*]]) in (%{{.*}}, %{{.*}}) {
    // CHECK:   memref.load %[[F]][%[[I]], %[[J]]]
    tl.parallel (%i, %j) in (%c64, %c64) {
      %v = memref.load %f[%i, %j] : memref<64x64xf32, #tl.memory<fragment>>
      %w = arith.mulf %v, %alpha : f32
      memref.store %w, %f[%i, %j] : memref<64x64xf32, #tl.memory<fragment>>
    }
    // CHECK: tl.reduce max %[[F]], %[[R]] dim 1 : memref<64x64xf32, #tl.memory<fragment>>, memref<64xf32, #tl.memory<fragment>>
    // CHECK: tl.reduce sum %[[F]], %[[R]] dim 0 {accumulate}
    // CHECK: tl.reduce min
    // CHECK: tl.reduce abssum
    // CHECK: tl.reduce absmax
    tl.reduce max %f, %r dim 1 : memref<64x64xf32, #tl.memory<fragment>>, memref<64xf32, #tl.memory<fragment>>
    tl.reduce sum %f, %r dim 0 {accumulate} : memref<64x64xf32, #tl.memory<fragment>>, memref<64xf32, #tl.memory<fragment>>
    tl.reduce min %f, %r dim 1 : memref<64x64xf32, #tl.memory<fragment>>, memref<64xf32, #tl.memory<fragment>>
    tl.reduce abssum %f, %r dim 1 : memref<64x64xf32, #tl.memory<fragment>>, memref<64xf32, #tl.memory<fragment>>
    tl.reduce absmax %f, %r dim 1 : memref<64x64xf32, #tl.memory<fragment>>, memref<64xf32, #tl.memory<fragment>>
    // CHECK: tl.copy %[[F]] to %[[Y]][%[[BX]], %[[BY]]] : memref<64x64xf32, #tl.memory<fragment>>, memref<256x128xf32>
    // CHECK: tl.copy %[[F]] to %[[S]] : memref<64x64xf32, #tl.memory<fragment>>, memref<64x64xf16, #tl.memory<shared>>
    // CHECK: tl.copy %[[X]][%[[BX]], %[[BY]]] to %[[R]] : memref<256x128xf16>, memref<64xf32, #tl.memory<fragment>>
    tl.copy %f to %Y[%bx, %by] : memref<64x64xf32, #tl.memory<fragment>>, memref<256x128xf32>
    tl.copy %f to %s : memref<64x64xf32, #tl.memory<fragment>>, memref<64x64xf16, #tl.memory<shared>>
    tl.copy %X[%bx, %by] to %r : memref<256x128xf16>, memref<64xf32, #tl.memory<fragment>>
  }
  // CHECK: tl.kernel (%{{.*}}) in (%{{.*}}) threads
  tl.kernel (%b) in (%c4) threads %c64 {
  }
  tl.return
}

// CHECK-LABEL: tl.func @global_space
// CHECK-SAME: memref<16xf32, #tl.memory<global>>
tl.func @global_space(%x: memref<16xf32, #tl.memory<global>>) {
  tl.return
}

// CHECK-LABEL: tl.func @swizzled
tl.func @swizzled() {
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %c128 = arith.constant 128 : index
  tl.kernel (%bx, %by) in (%c4, %c4) threads %c128 {
    // CHECK: tl.use_swizzle %{{.*}}
    tl.use_swizzle %c8
    // CHECK: tl.cluster %{{.*}}
    tl.cluster %c2
    // CHECK: tl.persistent %{{.*}}
    tl.persistent %c1
  }
  tl.return
}
