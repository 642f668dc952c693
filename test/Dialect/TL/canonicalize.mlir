// RUN: tl-opt %s --canonicalize --split-input-file | FileCheck %s

// Constant sizes fold into tile types; the cast they leave folds into the
// tl ops that use the tile.
// CHECK-LABEL: tl.func @fold_alloc_sizes
tl.func @fold_alloc_sizes(%A: memref<256x256xf16>, %n: index) {
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %c32 = arith.constant 32 : index
  tl.kernel (%bx) in (%c1) threads %c64 {
    // CHECK: %[[S:.*]] = tl.alloc_shared() : memref<64x32xf16, #tl.memory<shared>>
    // CHECK: %[[P:.*]] = tl.alloc_shared(%{{.*}}) : memref<64x?xf16, #tl.memory<shared>>
    // CHECK: %[[F:.*]] = tl.alloc_fragment() : memref<64x64xf32, #tl.memory<fragment>>
    // CHECK-NOT: memref.cast
    // CHECK: tl.copy %{{.*}}[%{{.*}}, %{{.*}}] to %[[S]] : memref<256x256xf16>, memref<64x32xf16, #tl.memory<shared>>
    // CHECK: tl.copy %{{.*}}[%{{.*}}, %{{.*}}] to %[[P]] : memref<256x256xf16>, memref<64x?xf16, #tl.memory<shared>>
    // CHECK: tl.clear %[[F]] : memref<64x64xf32, #tl.memory<fragment>>
    %s = tl.alloc_shared(%c64, %c32) : memref<?x?xf16, #tl.memory<shared>>
    %p = tl.alloc_shared(%c64, %n) : memref<?x?xf16, #tl.memory<shared>>
    %f = tl.alloc_fragment(%c64, %c64) : memref<?x?xf32, #tl.memory<fragment>>
    tl.copy %A[%bx, %bx] to %s : memref<256x256xf16>, memref<?x?xf16, #tl.memory<shared>>
    tl.copy %A[%bx, %bx] to %p : memref<256x256xf16>, memref<?x?xf16, #tl.memory<shared>>
    tl.clear %f : memref<?x?xf32, #tl.memory<fragment>>
    tl.copy %f to %A[%bx, %bx] : memref<?x?xf32, #tl.memory<fragment>>, memref<256x256xf16>
  }
  tl.return
}

// -----

// CHECK-LABEL: tl.func @fold_ceildiv
tl.func @fold_ceildiv(%n: index) {
  %c1 = arith.constant 1 : index
  %c100 = arith.constant 100 : index
  %c32 = arith.constant 32 : index
  %c64 = arith.constant 64 : index
  // CHECK-DAG: %[[C4:.*]] = arith.constant 4 : index
  // CHECK-DAG: %[[C2:.*]] = arith.constant 2 : index
  // CHECK: tl.kernel (%{{.*}}, %{{.*}}, %{{.*}}) in (%[[C4]], %[[C2]], %[[N:.*]]) threads
  // 100 / 32 rounds up to 4; 64 / 32 is exactly 2; n / 1 is n.
  %a = tl.ceildiv %c100, %c32 : index
  %b = tl.ceildiv %c64, %c32 : index
  %c = tl.ceildiv %n, %c1 : index
  tl.kernel (%x, %y, %z) in (%a, %b, %c) threads %c32 {
    %f = tl.alloc_fragment() : memref<4xf32, #tl.memory<fragment>>
    tl.clear %f : memref<4xf32, #tl.memory<fragment>>
  }
  tl.return
}

// -----

// A tl.kernel whose body has no effect is removed.
// CHECK-LABEL: tl.func @dead_kernel
// CHECK-NOT: tl.kernel
tl.func @dead_kernel() {
  %c1 = arith.constant 1 : index
  tl.kernel (%x) in (%c1) threads %c1 {
  }
  tl.return
}

// -----

// ceildiv folds without overflowing near INT64_MAX (l + r - 1 would wrap).
// CHECK-LABEL: tl.func @ceildiv_near_max
// CHECK-DAG: arith.constant 4611686018427387904 : index
// CHECK-DAG: arith.constant 9223372036854775807 : index
tl.func @ceildiv_near_max(%X: memref<2xindex>) {
  %max = arith.constant 9223372036854775807 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c0 = arith.constant 0 : index
  %half = tl.ceildiv %max, %c2 : index
  %same = tl.ceildiv %max, %c1 : index
  tl.kernel (%bx) in (%c1) threads %c1 {
    memref.store %half, %X[%c0] : memref<2xindex>
    memref.store %same, %X[%c1] : memref<2xindex>
  }
  tl.return
}
