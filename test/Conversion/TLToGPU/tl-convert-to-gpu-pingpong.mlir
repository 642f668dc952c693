// RUN: tl-opt %s --tl-convert-to-gpu | FileCheck %s

// tl.persistent 2: two groups of the 128 threads (384 with the producer,
// which loads every tile of the block in order), group g on tiles block +
// (2i + g) * blocks, the body lowered once per group with the group a
// constant. The groups take turns: group g waits on named barrier 3 + g
// before its main loop (from the block's second tile on) and arrives on
// the other's once its last wgmma group is issued, if a tile follows.
// Named barrier 1 + g would sync group g's own threads; after the main
// loop none is needed (the empty barriers order stage reuse).
// CHECK-LABEL: gpu.func @gemm_pingpong(
// CHECK-SAME: tl.launch_threads = 384 : i64, tl.persistent
// CHECK: %[[PRODUCER:.*]] = arith.cmpi uge, %[[TID:.*]], %c256
// CHECK: scf.if %[[PRODUCER]] {
// CHECK: nvvm.setmaxregister  decrease 40
// CHECK: scf.for %{{.*}} = %[[BID:.*]] to %c6 step %[[BLOCKS:[^ ]*]] {
// CHECK: } else {
// CHECK: nvvm.setmaxregister  increase 232
// CHECK: %[[FIRST:.*]] = arith.cmpi ult, %[[TID]], %c128
// CHECK: scf.if %[[FIRST]] {
// CHECK: %[[STEP0:.*]] = arith.muli %[[BLOCKS]], %c2
// CHECK: scf.for %{{.*}} = %{{.*}} to %c6 step %[[STEP0]] {
// CHECK: %[[LATER0:.*]] = arith.cmpi ne, %{{.*}}, %c0
// CHECK: scf.if %[[LATER0]] {
// CHECK: nvvm.barrier id = %c3_i32 number_of_threads = %c256_i32
// CHECK: nvvm.wgmma.wait.group.sync.aligned 1
// CHECK: nvvm.barrier.arrive id = %c4_i32 number_of_threads = %c256_i32
// CHECK: nvvm.wgmma.wait.group.sync.aligned 0
// CHECK-NOT: nvvm.barrier id = %c1_i32
// CHECK: } else {
// CHECK: %[[OFF1:.*]] = arith.muli %[[BLOCKS]], %c1
// CHECK: %[[START1:.*]] = arith.addi %[[BID]], %[[OFF1]]
// CHECK: scf.for %{{.*}} = %[[START1]] to %c6 step %{{.*}} {
// CHECK: nvvm.barrier id = %c4_i32 number_of_threads = %c256_i32
// CHECK: nvvm.barrier.arrive id = %c3_i32 number_of_threads = %c256_i32
// CHECK-NOT: nvvm.barrier id = %c2_i32
// CHECK: gpu.return
module attributes {tl.target = "sm_90a"} {
tl.func @gemm_pingpong(%A: memref<192x192xf16>, %B: memref<192x128xf16>, %C: memref<192x128xf16>) {
  %c0 = arith.constant 0 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %c64 = arith.constant 64 : index
  %c128 = arith.constant 128 : index
  tl.kernel (%bx, %by) in (%c2, %c3) threads %c128 {
    tl.persistent %c2
    %a = tl.alloc_shared() : memref<64x64xf16, #tl.memory<shared>>
    %b = tl.alloc_shared() : memref<64x64xf16, #tl.memory<shared>>
    %c = tl.alloc_fragment() : memref<64x64xf32, #tl.memory<fragment>>
    tl.clear %c : memref<64x64xf32, #tl.memory<fragment>>
    %row = arith.muli %by, %c64 : index
    %col = arith.muli %bx, %c64 : index
    tl.pipelined %ko = %c0 to %c3 num_stages %c2 {
      %k = arith.muli %ko, %c64 : index
      tl.copy %A[%row, %k] to %a : memref<192x192xf16>, memref<64x64xf16, #tl.memory<shared>>
      tl.copy %B[%k, %col] to %b : memref<192x128xf16>, memref<64x64xf16, #tl.memory<shared>>
      tl.gemm %a, %b, %c : memref<64x64xf16, #tl.memory<shared>>, memref<64x64xf16, #tl.memory<shared>>, memref<64x64xf32, #tl.memory<fragment>>
    }
    tl.copy %c to %C[%row, %col] : memref<64x64xf32, #tl.memory<fragment>>, memref<192x128xf16>
  }
  tl.return
}
}
