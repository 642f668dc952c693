// RUN: tl-opt %s --split-input-file --tl-convert-to-host | FileCheck %s
// RUN: tl-opt %s --split-input-file --tl-lower-to-host=cpu=x86-64-v3 | FileCheck %s --check-prefix=LLVM
// RUN: tl-opt %s --split-input-file --tl-convert-to-host=fma=false | FileCheck %s --check-prefix=NOFMA
// RUN: tl-opt %s --split-input-file --tl-lower-to-host | FileCheck %s --check-prefix=BASELINE

// The launch becomes a loop over a block range, x fastest; tiles become
// buffers hoisted to the entry and freed at the return; the copy has a fast
// path and a checked edge path; the gemm is a register-blocked vector FMA
// micro-kernel (4 rows x 2 vectors of 8 f32 lanes) accumulating in f32.

// CHECK-LABEL: func.func @gemm
// CHECK-SAME: (%[[A:.*]]: memref<64x32xf16>, %[[B:.*]]: memref<32x64xf16>, %[[C:.*]]: memref<64x64xf32>, %[[BEGIN:.*]]: index, %[[END:.*]]: index)
// CHECK-SAME: attributes {tl.entry, tl.grid = array<i64: 2, 2>}
// CHECK-DAG: %[[SA:.*]] = memref.alloc() {alignment = 64 : i64} : memref<64x32xf16>
// CHECK-DAG: %[[SB:.*]] = memref.alloc() {alignment = 64 : i64} : memref<32x64xf16>
// CHECK-DAG: %[[F:.*]] = memref.alloc() {alignment = 64 : i64} : memref<64x64xf32>
// CHECK: scf.for %[[BLOCK:.*]] = %[[BEGIN]] to %[[END]]
// CHECK:   %[[BX:.*]] = arith.remui %[[BLOCK]], %[[C2:.*]] : index
// CHECK:   %[[BY:.*]] = arith.divui %[[BLOCK]], %[[C2]] : index
// CHECK:   %[[FITS:.*]] = arith.cmpi ule
// CHECK:   scf.if %[[FITS]] {
// CHECK:     memref.load %[[A]]
// CHECK:   } else {
// CHECK:     arith.cmpi ult
// CHECK:     scf.if %{{.*}} -> (f16) {
// CHECK:       memref.load %[[A]]
// CHECK:     } else {
// CHECK:       scf.yield %{{.*}} : f16
// CHECK:   scf.for %{{.*}} = %{{.*}} to %{{.*}} step %[[C4:.*]] {
// CHECK:     scf.for %{{.*}} = %{{.*}} to %{{.*}} step %[[C16:.*]] {
// CHECK-COUNT-8: vector.load %[[F]]
// CHECK:       scf.for {{.*}} iter_args({{.*}}) -> (vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>)
// CHECK:         vector.load %[[SB]]{{.*}} : memref<32x64xf16>, vector<8xf16>
// CHECK:         arith.extf %{{.*}} : vector<8xf16> to vector<8xf32>
// CHECK:         vector.broadcast %{{.*}} : f32 to vector<8xf32>
// CHECK:         math.fma
// CHECK-COUNT-8: vector.store %{{.*}}, %[[F]]
// Writing the fragment out: fast path and checked edge path.
// CHECK:   scf.if
// CHECK:     memref.store %{{.*}}, %[[C]]
// CHECK:   } else {
// CHECK:     scf.if %{{.*}} {
// CHECK:       memref.store %{{.*}}, %[[C]]
// CHECK: memref.dealloc
// CHECK: return

// LLVM-LABEL: llvm.func @gemm(%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: i64, %{{.*}}: i64)
// LLVM: llvm.intr.fma
// Without FMA (the baseline x86-64 and v2) a multiply and an add.
// NOFMA-LABEL: func.func @gemm
// NOFMA-NOT: math.fma
// NOFMA: arith.mulf
// NOFMA-NEXT: arith.addf
// BASELINE-LABEL: llvm.func @gemm(
// BASELINE-NOT: llvm.intr.fma
// BASELINE: llvm.fmul
// LLVM: llvm.func @gemm_packed(%[[ARGS:.*]]: !llvm.ptr, %[[B:.*]]: i64, %[[E:.*]]: i64)
// LLVM: llvm.getelementptr %[[ARGS]][0]
// LLVM: llvm.getelementptr %[[ARGS]][2]
// LLVM: llvm.call @gemm(%{{.*}}, %{{.*}}, %{{.*}}, %[[B]], %[[E]])
tl.func @gemm(%A: memref<64x32xf16>, %B: memref<32x64xf16>, %C: memref<64x64xf32>) {
  %c0 = arith.constant 0 : index
  %c2 = arith.constant 2 : index
  %c128 = arith.constant 128 : index
  tl.kernel (%bx, %by) in (%c2, %c2) threads %c128 {
    %a = tl.alloc_shared() : memref<64x32xf16, #tl.memory<shared>>
    %b = tl.alloc_shared() : memref<32x64xf16, #tl.memory<shared>>
    %c = tl.alloc_fragment() : memref<64x64xf32, #tl.memory<fragment>>
    tl.copy %A[%bx, %c0] to %a : memref<64x32xf16>, memref<64x32xf16, #tl.memory<shared>>
    tl.gemm %a, %b, %c : memref<64x32xf16, #tl.memory<shared>>, memref<32x64xf16, #tl.memory<shared>>, memref<64x64xf32, #tl.memory<fragment>>
    tl.copy %c to %C[%by, %c0] : memref<64x64xf32, #tl.memory<fragment>>, memref<64x64xf32>
  }
  tl.return
}

// -----

// Transposed B: a vectorized dot product per element of C.
// CHECK-LABEL: func.func @gemm_bt
// CHECK: scf.for {{.*}} iter_args({{.*}}) -> (vector<8xf32>)
// CHECK:   math.fma {{.*}} : vector<8xf32>
// CHECK: vector.reduction <add>
tl.func @gemm_bt(%C: memref<16x16xf32>) {
  %c1 = arith.constant 1 : index
  tl.kernel (%bx) in (%c1) threads %c1 {
    %a = tl.alloc_shared() : memref<16x32xf32, #tl.memory<shared>>
    %c = tl.alloc_fragment() : memref<16x16xf32, #tl.memory<fragment>>
    tl.gemm %a, %a, %c {transpose_b} : memref<16x32xf32, #tl.memory<shared>>, memref<16x32xf32, #tl.memory<shared>>, memref<16x16xf32, #tl.memory<fragment>>
    tl.copy %c to %C[%bx, %bx] : memref<16x16xf32, #tl.memory<fragment>>, memref<16x16xf32>
  }
  tl.return
}

// -----

// Reduce, parallel, pipelined and fill become plain loops; 3-D grids
// delinearize x, then y, then z.
// CHECK-LABEL: func.func @loops
// CHECK: arith.constant 0xFF800000 : f32
// CHECK: scf.for %[[L:.*]] = %{{.*}} to %{{.*}} step
// CHECK:   arith.remui %[[L]], %[[GX:.*]] :
// CHECK:   %[[R1:.*]] = arith.divui %[[L]], %[[GX]] :
// CHECK:   arith.remui %[[R1]], %[[GY:.*]] :
// CHECK:   arith.divui %[[R1]], %[[GY]] :
// CHECK:   arith.maximumf
// CHECK:   arith.mulf
// CHECK-NOT: tl.
tl.func @loops(%X: memref<8x16xf32>, %Y: memref<8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %c8 = arith.constant 8 : index
  %one = arith.constant 1.0 : f32
  tl.kernel (%x, %y, %z) in (%c2, %c3, %c2) threads %c8 {
    %f = tl.alloc_fragment() : memref<8x16xf32, #tl.memory<fragment>>
    %r = tl.alloc_fragment() : memref<8xf32, #tl.memory<fragment>>
    tl.fill %r, %one : memref<8xf32, #tl.memory<fragment>>, f32
    tl.pipelined %k = %c0 to %c2 num_stages %c2 {
      tl.copy %X[%y, %z] to %f : memref<8x16xf32>, memref<8x16xf32, #tl.memory<fragment>>
    }
    tl.reduce max %f, %r dim 1 : memref<8x16xf32, #tl.memory<fragment>>, memref<8xf32, #tl.memory<fragment>>
    tl.parallel (%i) in (%c8) {
      %v = memref.load %r[%i] : memref<8xf32, #tl.memory<fragment>>
      %w = arith.mulf %v, %v : f32
      memref.store %w, %r[%i] : memref<8xf32, #tl.memory<fragment>>
    }
    tl.copy %r to %Y[%x] : memref<8xf32, #tl.memory<fragment>>, memref<8xf32>
  }
  tl.return
}

// -----

// The block order is the GPU's business: tl.use_swizzle is dropped.
// CHECK-LABEL: func.func @swizzled
// CHECK-NOT: tl.use_swizzle
// CHECK: return
tl.func @swizzled(%A: memref<64x64xf32>) {
  %c2 = arith.constant 2 : index
  %c8 = arith.constant 8 : index
  %c32 = arith.constant 32 : index
  tl.kernel (%bx, %by) in (%c2, %c2) threads %c32 {
    tl.use_swizzle %c8
    %f = tl.alloc_fragment() : memref<32x32xf32, #tl.memory<fragment>>
    tl.clear %f : memref<32x32xf32, #tl.memory<fragment>>
    %row = arith.muli %by, %c32 : index
    %col = arith.muli %bx, %c32 : index
    tl.copy %f to %A[%row, %col] : memref<32x32xf32, #tl.memory<fragment>>, memref<64x64xf32>
  }
  tl.return
}
