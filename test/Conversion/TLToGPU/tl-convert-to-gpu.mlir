// RUN: tl-opt %s --split-input-file --tl-convert-to-gpu | FileCheck %s
// RUN: tl-opt %s --split-input-file --tl-convert-to-gpu=wgmma-in-flight=false | FileCheck %s --check-prefix=NOFLIGHT
// RUN: tl-opt %s --split-input-file --tl-convert-to-gpu=tma=false | FileCheck %s --check-prefix=CPASYNC --implicit-check-not=nvvm.cp.async.bulk.tensor
// RUN: tl-opt %s --split-input-file --tl-convert-to-gpu=warp-specialize=true | FileCheck %s --check-prefix=WS

// The pipelined GEMM: shared tiles are double-buffered views of dynamic
// shared memory; the prologue prefetches one stage with cp.async (a fast
// path for interior tiles, a zero-filling checked path at the edges); the
// loop waits for its stage, refills the stage it used last iteration (so
// the loads fly while it computes), then computes with ldmatrix + mma.sync;
// the accumulator lives in a per-thread
// array in the mma layout and is written out in pairs (with bounds checks
// at the edges).

// CHECK-LABEL: gpu.module @gemm_kernels
// CHECK: gpu.func @gemm(%[[A:.*]]: memref<100x64xf16>, %[[B:.*]]: memref<64x72xf16>, %[[C:.*]]: memref<100x72xf16>) kernel
// CHECK-SAME: known_block_size = array<i32: 128, 1, 1>
// CHECK-SAME: known_grid_size = array<i32: 2, 2, 1>
// CHECK-SAME: tl.grid = array<i64: 2, 2>
// CHECK-SAME: tl.shared_memory_bytes = 16384
// CHECK: gpu.thread_id x
// CHECK: gpu.block_id x
// CHECK: gpu.block_id y
// CHECK: %[[SMEM:.*]] = gpu.dynamic_shared_memory
// CHECK-DAG: %[[VB:.*]] = memref.view %[[SMEM]][%{{.*}}][] : memref<?xi8, #gpu.address_space<workgroup>> to memref<2x32x64xf16, #gpu.address_space<workgroup>>
// CHECK-DAG: %[[VA:.*]] = memref.view %[[SMEM]][%{{.*}}][] : memref<?xi8, #gpu.address_space<workgroup>> to memref<2x64x32xf16, #gpu.address_space<workgroup>>
// CHECK: %[[ACC:.*]] = memref.alloca() : memref<32xf32>
// Prologue: one stage ahead.
// CHECK: scf.if
// CHECK:   nvgpu.device_async_copy %[[A]][{{.*}}], %[[VA]][{{.*}}], 8 {bypassL1}
// CHECK: } else {
// CHECK:   nvgpu.device_async_copy %[[A]][{{.*}}], %[[VA]][{{.*}}], 8, %{{.*}} {bypassL1}
// CHECK: nvvm.cp.async.commit.group
// Main loop.
// CHECK: scf.for
// CHECK:   nvvm.cp.async.wait.group 0
// CHECK:   gpu.barrier
// CHECK:   nvgpu.device_async_copy %[[A]]
// CHECK:   nvvm.cp.async.commit.group
// CHECK-NOT: gpu.barrier
// CHECK:   nvgpu.ldmatrix %[[VA]][{{.*}}] {numTiles = 4 : i32, transpose = false}
// CHECK:   nvgpu.ldmatrix %[[VB]][{{.*}}] {numTiles = 4 : i32, transpose = true}
// CHECK:   nvvm.mma.sync {{.*}} {layoutA = #nvvm.mma_layout<row>, layoutB = #nvvm.mma_layout<col>, shape = #nvvm.shape<m = 16, n = 8, k = 16>} : (vector<2xf16>, vector<2xf16>, f32) -> !llvm.struct<(f32, f32, f32, f32)>
// Static bounds: unrolled by the stage count (2 iterations per trip, each
// stage a constant), so the second iteration follows in the same body.
// CHECK:   nvvm.cp.async.wait.group 0
// CHECK:   gpu.barrier
// CHECK:   nvgpu.device_async_copy %[[A]]
// CHECK:   nvgpu.ldmatrix %[[VA]]
// CHECK:   nvvm.mma.sync
// CHECK: }
// Drain, then the epilogue: f32 -> f16 pairs stored as one vector for a
// tile inside C, element by element with bounds checks at the edges.
// CHECK: nvvm.cp.async.wait.group 0
// CHECK: gpu.barrier
// CHECK: scf.if
// CHECK:   memref.load %[[ACC]]
// CHECK:   arith.truncf %{{.*}} : f32 to f16
// CHECK:   vector.from_elements %{{.*}}, %{{.*}} : vector<2xf16>
// CHECK:   vector.store %{{.*}}, %[[C]][%{{.*}}, %{{.*}}] {alignment = 4 : i64} : memref<100x72xf16>, vector<2xf16>
// CHECK: } else {
// CHECK:   memref.load %[[ACC]]
// CHECK:   arith.truncf %{{.*}} : f32 to f16
// CHECK:   scf.if
// CHECK:     memref.store %{{.*}}, %[[C]]
// CHECK: gpu.return
// CHECK-NOT: tl.
tl.func @gemm(%A: memref<100x64xf16>, %B: memref<64x72xf16>, %C: memref<100x72xf16>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %c32 = arith.constant 32 : index
  %c64 = arith.constant 64 : index
  %c128 = arith.constant 128 : index
  tl.kernel (%bx, %by) in (%c2, %c2) threads %c128 {
    %a = tl.alloc_shared() : memref<64x32xf16, #tl.memory<shared>>
    %b = tl.alloc_shared() : memref<32x64xf16, #tl.memory<shared>>
    %c = tl.alloc_fragment() : memref<64x64xf32, #tl.memory<fragment>>
    tl.clear %c : memref<64x64xf32, #tl.memory<fragment>>
    %row = arith.muli %by, %c64 : index
    %col = arith.muli %bx, %c64 : index
    tl.pipelined %ko = %c0 to %c2 num_stages %c2 {
      %k = arith.muli %ko, %c32 : index
      tl.copy %A[%row, %k] to %a : memref<100x64xf16>, memref<64x32xf16, #tl.memory<shared>>
      tl.copy %B[%k, %col] to %b : memref<64x72xf16>, memref<32x64xf16, #tl.memory<shared>>
      tl.gemm %a, %b, %c : memref<64x32xf16, #tl.memory<shared>>, memref<32x64xf16, #tl.memory<shared>>, memref<64x64xf32, #tl.memory<fragment>>
    }
    tl.copy %c to %C[%row, %col] : memref<64x64xf32, #tl.memory<fragment>>, memref<100x72xf16>
  }
  tl.return
}

// -----

// bf16 operands go to mma.sync as packed i32; B transposed is loaded with
// a non-transposing ldmatrix.
// CHECK-LABEL: gpu.func @gemm_bf16_bt
// CHECK: nvgpu.ldmatrix %{{.*}} {numTiles = 4 : i32, transpose = false} : memref<32x32xbf16
// CHECK: vector.bitcast %{{.*}} : vector<2xbf16> to vector<1xi32>
// CHECK: nvvm.mma.sync {{.*}}multiplicandAPtxType = #nvvm.mma_type<bf16>{{.*}} : (i32, i32, f32)
tl.func @gemm_bf16_bt(%A: memref<32x32xbf16>, %C: memref<32x32xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  tl.kernel (%bx) in (%c1) threads %c64 {
    %a = tl.alloc_shared() : memref<32x32xbf16, #tl.memory<shared>>
    %c = tl.alloc_fragment() : memref<32x32xf32, #tl.memory<fragment>>
    tl.copy %A[%c0, %c0] to %a : memref<32x32xbf16>, memref<32x32xbf16, #tl.memory<shared>>
    tl.gemm %a, %a, %c {transpose_b, clear_accum} : memref<32x32xbf16, #tl.memory<shared>>, memref<32x32xbf16, #tl.memory<shared>>, memref<32x32xf32, #tl.memory<fragment>>
    tl.copy %c to %C[%c0, %c0] : memref<32x32xf32, #tl.memory<fragment>>, memref<32x32xf32>
  }
  tl.return
}

// -----

// f32 gemms run on SIMT FMAs over each thread's elements: one rolled loop
// over k whose body has an FMA per owned element (8 here); fragments not
// used by a tensor-core gemm are spread element e to thread e % threads;
// reduce goes through a shared scratch tile; tl.parallel iterates the
// fragment's owned elements.
// CHECK-LABEL: gpu.func @simt
// CHECK-SAME: tl.shared_memory_bytes = 8192
// CHECK: memref.alloca() : memref<8xf32>
// CHECK: memref.alloca() : memref<1xf32>
// CHECK: scf.for %{{.*}} = %{{.*}} to %{{.*}} step
// CHECK-NOT: scf.for
// CHECK-COUNT-8: math.fma
// CHECK-NOT: math.fma
// CHECK: memref.view %{{.*}} to memref<32x32xf32, #gpu.address_space<workgroup>>
// CHECK: gpu.barrier
// CHECK: arith.maximumf
// CHECK: math.exp
tl.func @simt(%A: memref<32x32xf32>, %M: memref<32xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c32 = arith.constant 32 : index
  %c128 = arith.constant 128 : index
  tl.kernel (%bx) in (%c1) threads %c128 {
    %a = tl.alloc_shared() : memref<32x32xf32, #tl.memory<shared>>
    %c = tl.alloc_fragment() : memref<32x32xf32, #tl.memory<fragment>>
    %m = tl.alloc_fragment() : memref<32xf32, #tl.memory<fragment>>
    tl.copy %A[%c0, %c0] to %a : memref<32x32xf32>, memref<32x32xf32, #tl.memory<shared>>
    tl.gemm %a, %a, %c {clear_accum} : memref<32x32xf32, #tl.memory<shared>>, memref<32x32xf32, #tl.memory<shared>>, memref<32x32xf32, #tl.memory<fragment>>
    tl.reduce max %c, %m dim 1 : memref<32x32xf32, #tl.memory<fragment>>, memref<32xf32, #tl.memory<fragment>>
    tl.parallel (%i) in (%c32) {
      %v = memref.load %m[%i] : memref<32xf32, #tl.memory<fragment>>
      %e = math.exp %v : f32
      memref.store %e, %m[%i] : memref<32xf32, #tl.memory<fragment>>
    }
    tl.copy %m to %M[%c0] : memref<32xf32, #tl.memory<fragment>>, memref<32xf32>
  }
  tl.return
}

// -----

// tl.use_swizzle 4: the launch order pid = by * gx + bx, renumbered in
// groups of 4 rows visited column by column (the last group has the rows
// that are left); the body indexes with the new pair.
// CHECK-LABEL: gpu.func @swizzled
// CHECK-DAG: %[[BX:.*]] = gpu.block_id x
// CHECK-DAG: %[[BY:.*]] = gpu.block_id y
// CHECK-DAG: %[[GX:.*]] = gpu.grid_dim x
// CHECK-DAG: %[[GY:.*]] = gpu.grid_dim y
// CHECK: %[[ROWPID:.*]] = arith.muli %[[BY]], %[[GX]]
// CHECK: %[[PID:.*]] = arith.addi %[[ROWPID]], %[[BX]]
// CHECK: %[[PER:.*]] = arith.muli %[[GX]], %[[FOUR:.*]] : index
// CHECK: %[[GROUP:.*]] = arith.divui %[[PID]], %[[PER]]
// CHECK: %[[FIRST:.*]] = arith.muli %[[GROUP]], %{{.*}}
// CHECK: %[[LEFT:.*]] = arith.subi %[[GY]], %[[FIRST]]
// CHECK: %[[ROWS:.*]] = arith.minui %[[LEFT]], %{{.*}}
// CHECK: %[[IN:.*]] = arith.remui %[[PID]], %[[PER]]
// CHECK: %[[R:.*]] = arith.remui %[[IN]], %[[ROWS]]
// CHECK: %[[NEWY:.*]] = arith.addi %[[FIRST]], %[[R]]
// CHECK: %[[NEWX:.*]] = arith.divui %[[IN]], %[[ROWS]]
// CHECK: arith.muli %[[NEWY]], %{{.*}}
// CHECK: arith.muli %[[NEWX]], %{{.*}}
// CHECK-NOT: tl.use_swizzle
tl.func @swizzled(%A: memref<256x256xf32>, %C: memref<256x256xf32>) {
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %c32 = arith.constant 32 : index
  %c128 = arith.constant 128 : index
  tl.kernel (%bx, %by) in (%c8, %c8) threads %c128 {
    tl.use_swizzle %c4
    %f = tl.alloc_fragment() : memref<32x32xf32, #tl.memory<fragment>>
    %row = arith.muli %by, %c32 : index
    %col = arith.muli %bx, %c32 : index
    tl.copy %A[%row, %col] to %f : memref<256x256xf32>, memref<32x32xf32, #tl.memory<fragment>>
    tl.copy %f to %C[%row, %col] : memref<32x32xf32, #tl.memory<fragment>>, memref<256x256xf32>
  }
  tl.return
}

// -----

// A row softmax of a tensor-core product: the row max and sum are 1-D
// fragments read at the row index of a tl.parallel over the accumulator, so
// every thread holds all of them (replicated); the reductions compute every
// element in every thread from a shared scratch tile.
// CHECK-LABEL: gpu.func @softmax
// CHECK: %[[S:.*]] = memref.alloca() : memref<32xf32>
// CHECK: %[[M:.*]] = memref.alloca() : memref<64xf32>
// CHECK: nvvm.mma.sync
// CHECK: arith.maximumf
// CHECK: memref.load %[[M]][%{{.*}}] : memref<64xf32>
// CHECK: math.exp
tl.func @softmax(%A: memref<64x64xf16>, %B: memref<64x64xf16>, %O: memref<64x64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %c128 = arith.constant 128 : index
  tl.kernel (%bx) in (%c1) threads %c128 {
    %a = tl.alloc_shared() : memref<64x64xf16, #tl.memory<shared>>
    %b = tl.alloc_shared() : memref<64x64xf16, #tl.memory<shared>>
    %s = tl.alloc_fragment() : memref<64x64xf32, #tl.memory<fragment>>
    %m = tl.alloc_fragment() : memref<64xf32, #tl.memory<fragment>>
    tl.copy %A[%c0, %c0] to %a : memref<64x64xf16>, memref<64x64xf16, #tl.memory<shared>>
    tl.copy %B[%c0, %c0] to %b : memref<64x64xf16>, memref<64x64xf16, #tl.memory<shared>>
    tl.gemm %a, %b, %s {clear_accum} : memref<64x64xf16, #tl.memory<shared>>, memref<64x64xf16, #tl.memory<shared>>, memref<64x64xf32, #tl.memory<fragment>>
    tl.reduce max %s, %m dim 1 : memref<64x64xf32, #tl.memory<fragment>>, memref<64xf32, #tl.memory<fragment>>
    tl.parallel (%i, %j) in (%c64, %c64) {
      %v = memref.load %s[%i, %j] : memref<64x64xf32, #tl.memory<fragment>>
      %mx = memref.load %m[%i] : memref<64xf32, #tl.memory<fragment>>
      %d = arith.subf %v, %mx : f32
      %e = math.exp %d : f32
      memref.store %e, %s[%i, %j] : memref<64x64xf32, #tl.memory<fragment>>
    }
    tl.copy %s to %O[%c0, %c0] : memref<64x64xf32, #tl.memory<fragment>>, memref<64x64xf32>
  }
  tl.return
}

// -----

// sm_90a (the tl.target tl-expand-configs records): the gemm runs on
// warpgroup MMA. Its operand tiles are stored as column blocks of 64
// elements (128-byte swizzle atoms): A 64x64 is one block, B 64x128 two.
// The pipelined copies are TMA loads: the kernel takes one tensor map per
// (argument, box) after its arguments, described by tl.tensor_maps; thread 0
// initializes one mbarrier a stage, and issues a stage as one expect_tx of
// its 24 KiB and one load per column block (A: one, B: two), the box's
// coordinates innermost first. Every thread waits on the stage's parity.
// The warpgroup then issues one m64n128k16 per 16 of K straight from
// shared memory, through descriptors: A K-major (leading offset unused,
// stride 8 rows = 1024 B, 128B swizzle), B N-major (leading offset = one
// 64-column block of 8192 B). The accumulators stay in registers across the
// loop: each iteration waits for the previous k-tile's group only, then
// refills the stage that group read, with no block barrier (one
// warpgroup); the loop drains the last group and pins the registers behind
// that wait. With wgmma-in-flight=false every iteration waits for its own
// group, and a barrier orders the refill after every thread's reads.
// With warp-specialize=true a producer warpgroup (threads 128-255) runs
// after the kernel's 128, its thread 128 waits for a stage's
// empty barrier (4 arrivals: one per consumer warp), then expects and
// issues the stage; the consumers wait, compute, release the previous
// stage once its group is done, and synchronize with named barrier 1.
// NOFLIGHT-LABEL: gpu.func @gemm_wgmma
// NOFLIGHT: scf.for
// NOFLIGHT: nvvm.mbarrier.try_wait.parity
// NOFLIGHT-NEXT: nvvm.fence.proxy
// NOFLIGHT-NEXT: gpu.barrier
// NOFLIGHT: nvvm.mbarrier.arrive.expect_tx
// NOFLIGHT: nvvm.wgmma.commit.group.sync.aligned
// NOFLIGHT-NEXT: nvvm.wgmma.wait.group.sync.aligned 0
// NOFLIGHT: llvm.inline_asm has_side_effects asm_dialect = att "", "=f,
// CHECK-LABEL: gpu.func @gemm_wgmma(
// CHECK-SAME: %[[A:[^:]*]]: memref<128x128xf16>, %[[B:[^:]*]]: memref<128x128xf16>, %{{[^:]*}}: memref<128x128xf16>,
// CHECK-SAME: %[[MA:[^:]*]]: !llvm.ptr {llvm.align = 64 : i64}, %[[MB:[^:]*]]: !llvm.ptr {llvm.align = 64 : i64})
// CHECK-SAME: tl.tensor_maps = [{arg = 0 : i64, box = array<i64: 64, 64>, swizzle = 128 : i64}, {arg = 1 : i64, box = array<i64: 64, 64>, swizzle = 128 : i64}]
// CHECK-DAG: memref.view {{.*}} to memref<2x1x64x64xf16, #gpu.address_space<workgroup>>
// CHECK-DAG: memref.view {{.*}} to memref<2x2x64x64xf16, #gpu.address_space<workgroup>>
// CHECK: nvvm.mbarrier.init %{{.*}}, %{{.*}} : !llvm.ptr<3>, i32
// CHECK: nvvm.mbarrier.init
// CHECK-NEXT: nvvm.fence.mbarrier.init
// CHECK: gpu.barrier
// CHECK: nvvm.mbarrier.arrive.expect_tx %[[BAR:.*]], %c24576_i32
// CHECK: nvvm.cp.async.bulk.tensor.shared.cluster.global %{{.*}}, %[[MA]], %[[BAR]], box[%{{[^,]*}}, %{{[^,]*}}] : !llvm.ptr<7>, !llvm.ptr
// CHECK: nvvm.cp.async.bulk.tensor.shared.cluster.global %{{.*}}, %[[MB]], %[[BAR]], box[
// CHECK: nvvm.cp.async.bulk.tensor.shared.cluster.global %{{.*}}, %[[MB]], %[[BAR]], box[
// CHECK: scf.for
// CHECK: nvvm.mbarrier.try_wait.parity
// CHECK-NOT: gpu.barrier
// CHECK: nvvm.wgmma.fence.aligned
// CHECK-COUNT-4: nvvm.wgmma.mma_async {{.*}}, <m = 64, n = 128, k = 16>, D[<f32>, <one>], A[<f16>, <one>, <row>], B[<f16>, <one>, <row>]
// CHECK: nvvm.wgmma.commit.group.sync.aligned
// CHECK-NEXT: nvvm.wgmma.wait.group.sync.aligned 1
// CHECK-NOT: gpu.barrier
// CHECK: nvvm.mbarrier.arrive.expect_tx
// CHECK: nvvm.wgmma.wait.group.sync.aligned 0
// CHECK: llvm.inline_asm has_side_effects asm_dialect = att "", "=f,
// CHECK-NOT: nvgpu.device_async_copy
// CHECK-NOT: nvgpu.ldmatrix
// CHECK: gpu.return
// warp-specialize=true: the producer warpgroup; the consumers need no
// barrier after their main loop (the empty barriers order stage reuse).
// WS-LABEL: gpu.func @gemm_wgmma(
// WS-SAME: %[[MA:[^:]*]]: !llvm.ptr {llvm.align = 64 : i64}, %[[MB:[^:]*]]: !llvm.ptr {llvm.align = 64 : i64})
// WS-SAME: known_block_size = array<i32: 256, 1, 1>
// WS-SAME: tl.launch_threads = 256
// WS: nvvm.mbarrier.init %{{.*}}, %c1_i32
// WS: nvvm.mbarrier.init %{{.*}}, %c1_i32
// WS: nvvm.mbarrier.init %{{.*}}, %c4_i32
// WS: nvvm.mbarrier.init %{{.*}}, %c4_i32
// WS-NEXT: nvvm.fence.mbarrier.init
// WS: gpu.barrier
// WS: %[[PRODUCER:.*]] = arith.cmpi uge, %{{.*}}, %c128
// WS: scf.if %[[PRODUCER]] {
// WS: scf.for
// WS: nvvm.mbarrier.try_wait.parity
// WS: nvvm.mbarrier.arrive.expect_tx %[[BAR:[^,]*]], %c24576_i32
// WS: nvvm.cp.async.bulk.tensor.shared.cluster.global %{{.*}}, %[[MA]], %[[BAR]]
// WS: nvvm.cp.async.bulk.tensor.shared.cluster.global %{{.*}}, %[[MB]], %[[BAR]]
// WS: nvvm.cp.async.bulk.tensor.shared.cluster.global %{{.*}}, %[[MB]], %[[BAR]]
// WS: } else {
// WS-NOT: nvvm.cp.async.bulk.tensor
// WS-NOT: gpu.barrier
// WS: scf.for
// WS: nvvm.mbarrier.try_wait.parity
// WS: nvvm.wgmma.fence.aligned
// WS-COUNT-4: nvvm.wgmma.mma_async
// WS: nvvm.wgmma.commit.group.sync.aligned
// WS-NEXT: nvvm.wgmma.wait.group.sync.aligned 1
// WS: nvvm.mbarrier.arrive %{{.*}} : !llvm.ptr<3>
// WS: nvvm.wgmma.wait.group.sync.aligned 0
// WS-NOT: nvvm.barrier id
// WS-NOT: gpu.barrier
// WS-NOT: nvvm.cp.async.bulk.tensor
// WS: gpu.return
// tma=false: cp.async from every thread, a barrier publishing each stage;
// no TMA copy anywhere (--implicit-check-not).
// CPASYNC-LABEL: gpu.func @gemm_wgmma
// CPASYNC-NOT: tl.tensor_maps
// CPASYNC: nvvm.cp.async.wait.group 0
// CPASYNC-NEXT: nvvm.fence.proxy {kind = #nvvm.proxy_kind<async.shared>, space = #nvvm.shared_space<cta>}
// CPASYNC-NEXT: gpu.barrier
// CPASYNC: nvvm.wgmma.commit.group.sync.aligned
// CPASYNC-NEXT: nvvm.wgmma.wait.group.sync.aligned 1
// CPASYNC: nvgpu.device_async_copy
// CPASYNC: nvvm.cp.async.commit.group
// CPASYNC: nvvm.wgmma.wait.group.sync.aligned 0
module attributes {tl.target = "sm_90a"} {
tl.func @gemm_wgmma(%A: memref<128x128xf16>, %B: memref<128x128xf16>, %C: memref<128x128xf16>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c64 = arith.constant 64 : index
  %c128 = arith.constant 128 : index
  tl.kernel (%bx, %by) in (%c1, %c2) threads %c128 {
    %a = tl.alloc_shared() : memref<64x64xf16, #tl.memory<shared>>
    %b = tl.alloc_shared() : memref<64x128xf16, #tl.memory<shared>>
    %c = tl.alloc_fragment() : memref<64x128xf32, #tl.memory<fragment>>
    tl.clear %c : memref<64x128xf32, #tl.memory<fragment>>
    %row = arith.muli %by, %c64 : index
    tl.pipelined %ko = %c0 to %c2 num_stages %c2 {
      %k = arith.muli %ko, %c64 : index
      tl.copy %A[%row, %k] to %a : memref<128x128xf16>, memref<64x64xf16, #tl.memory<shared>>
      tl.copy %B[%k, %c0] to %b : memref<128x128xf16>, memref<64x128xf16, #tl.memory<shared>>
      tl.gemm %a, %b, %c : memref<64x64xf16, #tl.memory<shared>>, memref<64x128xf16, #tl.memory<shared>>, memref<64x128xf32, #tl.memory<fragment>>
    }
    tl.copy %c to %C[%row, %c0] : memref<64x128xf32, #tl.memory<fragment>>, memref<128x128xf16>
  }
  tl.return
}
}

// -----

// Both operands transposed (A stored K x M, B stored N x K): A is read
// M-major, B K-major, so no layout needs a copy. Narrow tiles get narrower
// swizzle atoms: 32 columns of bf16 are 64 bytes (mode 2, stride 8 rows =
// 512 B). Two warpgroups split the 128 rows: 64 each.
// CHECK-LABEL: gpu.func @gemm_wgmma_transposed
// CHECK-DAG: memref.view {{.*}} to memref<2x32x64xbf16, #gpu.address_space<workgroup>>
// CHECK-DAG: memref.view {{.*}} to memref<1x64x32xbf16, #gpu.address_space<workgroup>>
// CHECK-COUNT-2: nvvm.wgmma.mma_async {{.*}}, <m = 64, n = 64, k = 16>, D[<f32>, <one>], A[<bf16>, <one>, <col>], B[<bf16>, <one>, <col>]
// CHECK-NOT: nvvm.wgmma.mma_async
// CHECK: nvvm.wgmma.wait.group.sync.aligned 0
module attributes {tl.target = "sm_90a"} {
tl.func @gemm_wgmma_transposed(%A: memref<32x128xbf16>, %B: memref<64x32xbf16>, %C: memref<128x64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c256 = arith.constant 256 : index
  tl.kernel (%bx) in (%c1) threads %c256 {
    %a = tl.alloc_shared() : memref<32x128xbf16, #tl.memory<shared>>
    %b = tl.alloc_shared() : memref<64x32xbf16, #tl.memory<shared>>
    %c = tl.alloc_fragment() : memref<128x64xf32, #tl.memory<fragment>>
    tl.copy %A[%c0, %c0] to %a : memref<32x128xbf16>, memref<32x128xbf16, #tl.memory<shared>>
    tl.copy %B[%c0, %c0] to %b : memref<64x32xbf16>, memref<64x32xbf16, #tl.memory<shared>>
    tl.gemm %a, %b, %c {transpose_a, transpose_b, clear_accum} : memref<32x128xbf16, #tl.memory<shared>>, memref<64x32xbf16, #tl.memory<shared>>, memref<128x64xf32, #tl.memory<fragment>>
    tl.copy %c to %C[%c0, %c0] : memref<128x64xf32, #tl.memory<fragment>>, memref<128x64xf32>
  }
  tl.return
}
}

// -----

// Attention's P V with P in registers (wgmma's RS form): S = Q K^T on
// wgmma from shared memory, P its f16 copy (the copy gives P S's layout),
// O = P V with A read from P's registers: per k step of 16 four 32-bit
// registers of two f16 each, the accumulator layout's two 8-column tiles
// (rows g and g + 8, columns 2t and 2t + 8). MLIR's nvvm op has no RS form:
// inline asm. All 16 registers are packed and pinned (an empty asm) before
// the wgmma.fence, as PTX requires of registers a wgmma reads. Its group is
// waited for before P is written again.
// CHECK-LABEL: gpu.func @attention_pv_rs
// CHECK-COUNT-4: nvvm.wgmma.mma_async {{.*}}, <m = 64, n = 64, k = 16>
// CHECK: nvvm.wgmma.wait.group.sync.aligned 0
// CHECK: arith.truncf {{.*}} : f32 to f16
// CHECK: llvm.inline_asm has_side_effects asm_dialect = att "", "=r,=r,=r,=r,=r,=r,=r,=r,=r,=r,=r,=r,=r,=r,=r,=r,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15"
// CHECK: nvvm.wgmma.fence.aligned
// CHECK-NOT: llvm.bitcast
// CHECK-COUNT-4: llvm.inline_asm has_side_effects asm_dialect = att "{\0A.reg .pred p;\0Asetp.ne.b32 p, 1, 0;\0Awgmma.mma_async.sync.aligned.m64n64k16.f32.f16.f16 {$0, {{.*}}, $31}, {$64, $65, $66, $67}, $68, p, 1, 1, 1;\0A}\0A"
// CHECK-NOT: nvvm.wgmma.mma_async
// CHECK: nvvm.wgmma.commit.group.sync.aligned
// CHECK-NEXT: nvvm.wgmma.wait.group.sync.aligned 0
module attributes {tl.target = "sm_90a"} {
tl.func @attention_pv_rs(%Q: memref<64x64xf16>, %K: memref<64x64xf16>, %V: memref<64x64xf16>, %O: memref<64x64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c128 = arith.constant 128 : index
  tl.kernel (%bx) in (%c1) threads %c128 {
    %q = tl.alloc_shared() : memref<64x64xf16, #tl.memory<shared>>
    %k = tl.alloc_shared() : memref<64x64xf16, #tl.memory<shared>>
    %v = tl.alloc_shared() : memref<64x64xf16, #tl.memory<shared>>
    %s = tl.alloc_fragment() : memref<64x64xf32, #tl.memory<fragment>>
    %p = tl.alloc_fragment() : memref<64x64xf16, #tl.memory<fragment>>
    %o = tl.alloc_fragment() : memref<64x64xf32, #tl.memory<fragment>>
    tl.copy %Q[%c0, %c0] to %q : memref<64x64xf16>, memref<64x64xf16, #tl.memory<shared>>
    tl.copy %K[%c0, %c0] to %k : memref<64x64xf16>, memref<64x64xf16, #tl.memory<shared>>
    tl.copy %V[%c0, %c0] to %v : memref<64x64xf16>, memref<64x64xf16, #tl.memory<shared>>
    tl.gemm %q, %k, %s {transpose_b, clear_accum} : memref<64x64xf16, #tl.memory<shared>>, memref<64x64xf16, #tl.memory<shared>>, memref<64x64xf32, #tl.memory<fragment>>
    tl.copy %s to %p : memref<64x64xf32, #tl.memory<fragment>>, memref<64x64xf16, #tl.memory<fragment>>
    tl.gemm %p, %v, %o {clear_accum} : memref<64x64xf16, #tl.memory<fragment>>, memref<64x64xf16, #tl.memory<shared>>, memref<64x64xf32, #tl.memory<fragment>>
    tl.copy %o to %O[%c0, %c0] : memref<64x64xf32, #tl.memory<fragment>>, memref<64x64xf32>
  }
  tl.return
}
}

// -----

// A kernel's tl.mma attribute picks the instructions: mma.sync on sm_90a.
// CHECK-LABEL: gpu.func @gemm_forced_mma_sync
// CHECK: nvgpu.ldmatrix
// CHECK: nvvm.mma.sync
// CHECK-NOT: nvvm.wgmma
// CHECK-NOT: nvvm.fence.proxy
module attributes {tl.target = "sm_90a"} {
tl.func @gemm_forced_mma_sync(%A: memref<64x64xf16>, %C: memref<64x64xf32>) attributes {tl.mma = "mma.sync"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c128 = arith.constant 128 : index
  tl.kernel (%bx) in (%c1) threads %c128 {
    %a = tl.alloc_shared() : memref<64x64xf16, #tl.memory<shared>>
    %c = tl.alloc_fragment() : memref<64x64xf32, #tl.memory<fragment>>
    tl.copy %A[%c0, %c0] to %a : memref<64x64xf16>, memref<64x64xf16, #tl.memory<shared>>
    tl.gemm %a, %a, %c {clear_accum} : memref<64x64xf16, #tl.memory<shared>>, memref<64x64xf16, #tl.memory<shared>>, memref<64x64xf32, #tl.memory<fragment>>
    tl.copy %c to %C[%c0, %c0] : memref<64x64xf32, #tl.memory<fragment>>, memref<64x64xf32>
  }
  tl.return
}
}

// -----

// An AMD chip (the tl.target here; the chip option likewise): wavefronts
// of 64 threads, the copy into LDS goes through registers (no cp.async):
// each thread's 16-byte chunk is loaded (one load where the tile is inside
// the tensor, element by element where it is not), then stored into the
// tile (the last round's chunks exist for some threads only); the bf16 gemm
// with B transposed runs amdgpu.mfma
// 16x16x16 per wavefront: 4 wavefronts over the 64x64 accumulator, 2x2
// tiles of 16x16 each (K is one step of 16), their operands four
// k-consecutive elements of a row of A and of B^T, one 8-byte LDS read.
// CHECK-LABEL: gpu.func @gemm_mfma
// CHECK-SAME: known_block_size = array<i32: 256, 1, 1>
// CHECK-NOT: nvgpu.device_async_copy
// CHECK: arith.divui %thread_id_x, %c64{{.*}} : index
// CHECK: %[[CHUNK:.*]] = scf.if %{{.*}} -> (vector<8xbf16>) {
// CHECK: vector.load %{{.*}} {alignment = 16 : i64} : memref<64x16xbf16>, vector<8xbf16>
// CHECK: } else {
// CHECK: memref.load %{{.*}} : memref<64x16xbf16>
// CHECK: vector.from_elements
// CHECK: vector.store %[[CHUNK]], %{{.*}} {alignment = 16 : i64} : memref<64x16xbf16, #gpu.address_space<workgroup>>, vector<8xbf16>
// CHECK-NEXT: }
// CHECK-NEXT: gpu.barrier
// CHECK: vector.load %{{.*}} {alignment = 8 : i64} : memref<64x16xbf16, #gpu.address_space<workgroup>>, vector<4xbf16>
// CHECK: amdgpu.mfma 16x16x16 %{{.*}} * %{{.*}} + %{{.*}} blgp = none : vector<4xbf16>, vector<4xbf16>, vector<4xf32>
// CHECK-COUNT-3: amdgpu.mfma 16x16x16
// CHECK-NOT: amdgpu.mfma
// CHECK: gpu.return
module attributes {tl.target = "gfx942"} {
tl.func @gemm_mfma(%A: memref<64x16xbf16>, %C: memref<64x64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c256 = arith.constant 256 : index
  tl.kernel (%bx) in (%c1) threads %c256 {
    %a = tl.alloc_shared() : memref<64x16xbf16, #tl.memory<shared>>
    %c = tl.alloc_fragment() : memref<64x64xf32, #tl.memory<fragment>>
    tl.copy %A[%c0, %c0] to %a : memref<64x16xbf16>, memref<64x16xbf16, #tl.memory<shared>>
    tl.gemm %a, %a, %c {transpose_b, clear_accum} : memref<64x16xbf16, #tl.memory<shared>>, memref<64x16xbf16, #tl.memory<shared>>, memref<64x64xf32, #tl.memory<fragment>>
    tl.copy %c to %C[%c0, %c0] : memref<64x64xf32, #tl.memory<fragment>>, memref<64x64xf32>
  }
  tl.return
}
}

// -----

// Clusters of 2 block rows (tl.cluster): the kernel says its cluster shape
// (tl.cluster, for kernel.json), a block's rank is its row modulo 2, and
// B, whose offsets do not depend on the row, is loaded in halves: box
// 32x64 instead of 64x64, rows 32 * rank of each column block, into every
// block of the cluster (multicast mask 0b11), while each block loads its
// own A whole. The stage still expects all 24 KiB. A second mbarrier a
// stage counts the blocks that released it (2 arrivals): before a refill,
// thread 0 arrives on it in both blocks of the cluster (mapa) and waits for
// the other's arrival. Cluster barriers order the mbarriers'
// initialization before any load, and the end of the loop before any
// block leaves.
// CHECK-LABEL: gpu.func @gemm_cluster
// CHECK-SAME: tl.cluster = array<i64: 1, 2>
// CHECK-SAME: tl.tensor_maps = [{arg = 0 : i64, box = array<i64: 64, 64>, swizzle = 128 : i64}, {arg = 1 : i64, box = array<i64: 32, 64>, swizzle = 128 : i64}]
// CHECK: %[[BY:.*]] = gpu.block_id  y
// CHECK: %[[RANK:.*]] = arith.remui %[[BY]], %c2
// CHECK: nvvm.mbarrier.init %{{.*}}, %c1_i32
// CHECK: nvvm.mbarrier.init %{{.*}}, %c1_i32
// CHECK: nvvm.mbarrier.init %{{.*}}, %c2_i32
// CHECK: nvvm.mbarrier.init %{{.*}}, %c2_i32
// CHECK-NEXT: nvvm.fence.mbarrier.init
// CHECK-NEXT: }
// CHECK-NEXT: nvvm.cluster.arrive {aligned}
// CHECK-NEXT: nvvm.cluster.wait {aligned}
// CHECK: nvvm.mbarrier.arrive.expect_tx %{{.*}}, %c24576_i32
// CHECK: nvvm.cp.async.bulk.tensor.shared.cluster.global %{{.*}}, %{{.*}}, %{{.*}}, box[%{{[^,]*}}, %{{[^]]*}}] :
// CHECK: %[[FIRST:.*]] = arith.muli %[[RANK]], %c32
// CHECK: nvvm.cp.async.bulk.tensor.shared.cluster.global {{.*}} multicast_mask = %c3_i16
// CHECK: nvvm.cp.async.bulk.tensor.shared.cluster.global {{.*}} multicast_mask = %c3_i16
// CHECK: scf.for
// CHECK: nvvm.wgmma.wait.group.sync.aligned 1
// CHECK-NOT: gpu.barrier
// CHECK-NOT: nvvm.cluster
// CHECK: %[[MINE:.*]] = nvvm.mapa %[[RELEASE:.*]], %c0_i32 : !llvm.ptr<3> -> !llvm.ptr<7>
// CHECK-NEXT: nvvm.mbarrier.arrive %[[MINE]] : !llvm.ptr<7>
// CHECK: %[[THEIRS:.*]] = nvvm.mapa %[[RELEASE]], %c1_i32
// CHECK-NEXT: nvvm.mbarrier.arrive %[[THEIRS]] : !llvm.ptr<7>
// CHECK: nvvm.mbarrier.try_wait.parity %[[RELEASE]]
// CHECK: nvvm.mbarrier.arrive.expect_tx
// CHECK: nvvm.wgmma.wait.group.sync.aligned 0
// CHECK: gpu.barrier
// CHECK-NEXT: nvvm.cluster.arrive {aligned}
// CHECK-NEXT: nvvm.cluster.wait {aligned}
// With warp-specialize=true the producer issues the same loads once a
// stage's empty barrier has all 8 releases (4 consumer warps in each of
// the 2 blocks; every consumer warp's lane 0 arrives in both blocks), and
// joins the consumers' cluster barrier after its loop.
// WS-LABEL: gpu.func @gemm_cluster
// WS: nvvm.mbarrier.init %{{.*}}, %c8_i32
// WS: nvvm.mbarrier.init %{{.*}}, %c8_i32
// WS-NEXT: nvvm.fence.mbarrier.init
// WS: nvvm.cluster.arrive {aligned}
// WS-NEXT: nvvm.cluster.wait {aligned}
// WS: nvvm.cp.async.bulk.tensor.shared.cluster.global {{.*}} multicast_mask = %c3_i16
// WS: nvvm.cluster.arrive {aligned}
// WS-NEXT: nvvm.cluster.wait {aligned}
// WS-NEXT: } else {
// WS: nvvm.mapa %{{.*}}, %c0_i32
// WS-NEXT: nvvm.mbarrier.arrive %{{.*}} : !llvm.ptr<7>
// WS: nvvm.mapa %{{.*}}, %c1_i32
// WS-NEXT: nvvm.mbarrier.arrive %{{.*}} : !llvm.ptr<7>
// WS: nvvm.cluster.arrive {aligned}
module attributes {tl.target = "sm_90a"} {
tl.func @gemm_cluster(%A: memref<128x256xf16>, %B: memref<256x128xf16>, %C: memref<128x128xf16>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %c64 = arith.constant 64 : index
  %c128 = arith.constant 128 : index
  tl.kernel (%bx, %by) in (%c1, %c2) threads %c128 {
    tl.cluster %c2
    %a = tl.alloc_shared() : memref<64x64xf16, #tl.memory<shared>>
    %b = tl.alloc_shared() : memref<64x128xf16, #tl.memory<shared>>
    %c = tl.alloc_fragment() : memref<64x128xf32, #tl.memory<fragment>>
    tl.clear %c : memref<64x128xf32, #tl.memory<fragment>>
    %row = arith.muli %by, %c64 : index
    tl.pipelined %ko = %c0 to %c4 num_stages %c2 {
      %k = arith.muli %ko, %c64 : index
      tl.copy %A[%row, %k] to %a : memref<128x256xf16>, memref<64x64xf16, #tl.memory<shared>>
      tl.copy %B[%k, %c0] to %b : memref<256x128xf16>, memref<64x128xf16, #tl.memory<shared>>
      tl.gemm %a, %b, %c : memref<64x64xf16, #tl.memory<shared>>, memref<64x128xf16, #tl.memory<shared>>, memref<64x128xf32, #tl.memory<fragment>>
    }
    tl.copy %c to %C[%row, %c0] : memref<64x128xf32, #tl.memory<fragment>>, memref<128x128xf16>
  }
  tl.return
}
}

// -----

// tl.persistent 1: the runtime launches one dimension of at most the 6
// tiles (no known grid size); the producer warpgroup (a persistent kernel
// is specialized where it can be) and the consumers each loop over the
// tiles from block_id x by grid_dim x, the tile's indices x fastest. The
// stages' phases go on across tiles: 3 k-tiles on 2 stages, so the stage
// and parity of iteration k are those of (tiles before) * 3 + k, and the
// consumers release the last stage once its group is done, before the
// epilogue, so that the producer loads the next tile meanwhile. The
// epilogue goes through a staging tile in shared memory (its 64-column
// swizzle atoms) and a TMA store, which the next tile's epilogue waits to
// have read the tile, and the kernel's end to have completed.
// CHECK-LABEL: gpu.func @gemm_persistent(
// CHECK-SAME: %[[MC:[^:]*]]: !llvm.ptr {llvm.align = 64 : i64})
// CHECK-NOT: known_grid_size
// CHECK-SAME: tl.grid = array<i64: 2, 3>, tl.launch_threads = 256 : i64, tl.persistent
// CHECK-SAME: {arg = 2 : i64, box = array<i64: 64, 64>, swizzle = 128 : i64}
// CHECK: %[[PRODUCER:.*]] = arith.cmpi uge, %{{.*}}, %c128
// CHECK: scf.if %[[PRODUCER]] {
// CHECK: %[[BID:.*]] = gpu.block_id x
// CHECK: %[[BLOCKS:.*]] = gpu.grid_dim x
// CHECK: scf.for %[[T:.*]] = %[[BID]] to %c6 step %[[BLOCKS]] {
// CHECK: %[[DONE:.*]] = arith.subi %[[T]], %[[BID]]
// CHECK: %[[BEFORE:.*]] = arith.divui %[[DONE]], %[[BLOCKS]]
// CHECK: arith.remui %[[T]], %c2
// CHECK: arith.divui %[[T]], %c2
// CHECK: %[[BASE:.*]] = arith.muli %[[BEFORE]], %{{.*}}
// CHECK: scf.for %[[K:.*]] = %c0 to %c3
// CHECK: %[[REL:.*]] = arith.subi %[[K]], %c0
// CHECK: %[[G:.*]] = arith.addi %[[REL]], %[[BASE]]
// CHECK: arith.remui %[[G]], %c2
// CHECK: nvvm.mbarrier.try_wait.parity
// CHECK: nvvm.mbarrier.arrive.expect_tx %{{.*}}, %c16384_i32
// CHECK: } else {
// CHECK: scf.for %[[CT:.*]] = %{{.*}} to %c6 step %{{.*}} {
// CHECK: scf.for %[[CK:.*]] = %c0 to %c3
// CHECK: nvvm.mbarrier.try_wait.parity
// CHECK: nvvm.wgmma.wait.group.sync.aligned 1
// CHECK: nvvm.mbarrier.arrive
// CHECK: nvvm.wgmma.wait.group.sync.aligned 0
// CHECK: %[[ANY:.*]] = arith.cmpi ult, %c0, %c3
// CHECK: scf.if %[[ANY]] {
// CHECK: nvvm.mbarrier.arrive
// CHECK-NOT: nvvm.barrier
// CHECK: nvvm.cp.async.bulk.wait_group 0 {read}
// CHECK: nvvm.barrier id
// CHECK-COUNT-16: vector.store %{{.*}} : memref<1x64x64xf16, #gpu.address_space<workgroup>>, vector<2xf16>
// CHECK: nvvm.fence.proxy {kind = #nvvm.proxy_kind<async.shared>, space = #nvvm.shared_space<cta>}
// CHECK: nvvm.barrier id
// CHECK: nvvm.cp.async.bulk.tensor.global.shared.cta %[[MC]], %{{.*}}, box[
// CHECK-NEXT: nvvm.cp.async.bulk.commit.group
// CHECK: nvvm.cp.async.bulk.wait_group 0
// CHECK-NOT: nvvm.cp.async.bulk
// CHECK: gpu.return
module attributes {tl.target = "sm_90a"} {
tl.func @gemm_persistent(%A: memref<192x192xf16>, %B: memref<192x128xf16>, %C: memref<192x128xf16>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %c64 = arith.constant 64 : index
  %c128 = arith.constant 128 : index
  tl.kernel (%bx, %by) in (%c2, %c3) threads %c128 {
    tl.persistent %c1
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

// -----

// Two consumer warpgroups, each storing its 64 x 128 part of the
// accumulator on its own: two 64 x 64 subtiles through its two 8 KiB
// buffers (after the stages: 2 x 32 KiB + 2 warpgroups x 2 x 8 KiB), each
// after the store that last read the buffer (the previous tile's, one
// commit before) is done reading it, synced on the warpgroup's named
// barrier 5 + warp / 4; its first thread stores at the warpgroup's rows.
// With tl.tma_store = false the same kernel stores from registers.
// CHECK-LABEL: gpu.func @gemm_persistent_groups(
// CHECK-SAME: tl.shared_memory_bytes = 99328
// CHECK: } else {
// CHECK-NOT: number_of_threads = %c256_i32
// CHECK: nvvm.wgmma.wait.group.sync.aligned 0
// CHECK-NOT: number_of_threads = %c256_i32
// CHECK: %[[GROUP:.*]] = arith.divui %{{.*}}, %c4{{.*}} : index
// CHECK: %[[ID:.*]] = arith.addi %[[GROUP]], %c5{{.*}} : index
// CHECK: %[[ID32:.*]] = arith.index_cast %[[ID]] : index to i32
// CHECK: %[[BUFS:.*]] = arith.muli %[[GROUP]], %c16384 : index
// CHECK: %[[MINE:.*]] = arith.addi %c66560, %[[BUFS]] : index
// CHECK: nvvm.cp.async.bulk.wait_group 1 {read}
// CHECK: nvvm.barrier id = %[[ID32]] number_of_threads = %c128_i32
// CHECK: memref.view %{{.*}}[%[[MINE]]][] {{.*}} to memref<1x64x64xf16
// CHECK-COUNT-16: vector.store
// CHECK: nvvm.fence.proxy
// CHECK: nvvm.barrier id = %[[ID32]] number_of_threads = %c128_i32
// CHECK: nvvm.cp.async.bulk.tensor.global.shared.cta
// CHECK-NEXT: nvvm.cp.async.bulk.commit.group
// CHECK: nvvm.cp.async.bulk.wait_group 1 {read}
// CHECK: %[[SECOND:.*]] = arith.addi %[[MINE]], %c8192
// CHECK: memref.view %{{.*}}[%[[SECOND]]][]
// CHECK-COUNT-16: vector.store
// CHECK: nvvm.cp.async.bulk.commit.group
// CHECK-NOT: nvvm.cp.async.bulk.commit.group
// CHECK: nvvm.cp.async.bulk.wait_group 0
// CHECK-NOT: nvvm.cp.async.bulk
// CHECK: gpu.return
// CHECK-LABEL: gpu.func @gemm_persistent_registers(
// CHECK-SAME: tl.shared_memory_bytes = 65664
// CHECK-NOT: nvvm.cp.async.bulk.tensor.global.shared.cta
// CHECK-NOT: nvvm.cp.async.bulk.commit.group
// CHECK: gpu.return
module attributes {tl.target = "sm_90a"} {
tl.func @gemm_persistent_groups(%A: memref<256x256xf16>, %B: memref<256x256xf16>, %C: memref<256x256xf16>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %c64 = arith.constant 64 : index
  %c128 = arith.constant 128 : index
  %c256 = arith.constant 256 : index
  tl.kernel (%bx, %by) in (%c2, %c2) threads %c256 {
    tl.persistent %c1
    %a = tl.alloc_shared() : memref<128x64xf16, #tl.memory<shared>>
    %b = tl.alloc_shared() : memref<64x128xf16, #tl.memory<shared>>
    %c = tl.alloc_fragment() : memref<128x128xf32, #tl.memory<fragment>>
    tl.clear %c : memref<128x128xf32, #tl.memory<fragment>>
    %row = arith.muli %by, %c128 : index
    %col = arith.muli %bx, %c128 : index
    tl.pipelined %ko = %c0 to %c4 num_stages %c2 {
      %k = arith.muli %ko, %c64 : index
      tl.copy %A[%row, %k] to %a : memref<256x256xf16>, memref<128x64xf16, #tl.memory<shared>>
      tl.copy %B[%k, %col] to %b : memref<256x256xf16>, memref<64x128xf16, #tl.memory<shared>>
      tl.gemm %a, %b, %c : memref<128x64xf16, #tl.memory<shared>>, memref<64x128xf16, #tl.memory<shared>>, memref<128x128xf32, #tl.memory<fragment>>
    }
    tl.copy %c to %C[%row, %col] : memref<128x128xf32, #tl.memory<fragment>>, memref<256x256xf16>
  }
  tl.return
}
tl.func @gemm_persistent_registers(%A: memref<256x256xf16>, %B: memref<256x256xf16>, %C: memref<256x256xf16>)
    attributes {tl.tma_store = false} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %c64 = arith.constant 64 : index
  %c128 = arith.constant 128 : index
  %c256 = arith.constant 256 : index
  tl.kernel (%bx, %by) in (%c2, %c2) threads %c256 {
    tl.persistent %c1
    %a = tl.alloc_shared() : memref<128x64xf16, #tl.memory<shared>>
    %b = tl.alloc_shared() : memref<64x128xf16, #tl.memory<shared>>
    %c = tl.alloc_fragment() : memref<128x128xf32, #tl.memory<fragment>>
    tl.clear %c : memref<128x128xf32, #tl.memory<fragment>>
    %row = arith.muli %by, %c128 : index
    %col = arith.muli %bx, %c128 : index
    tl.pipelined %ko = %c0 to %c4 num_stages %c2 {
      %k = arith.muli %ko, %c64 : index
      tl.copy %A[%row, %k] to %a : memref<256x256xf16>, memref<128x64xf16, #tl.memory<shared>>
      tl.copy %B[%k, %col] to %b : memref<256x256xf16>, memref<64x128xf16, #tl.memory<shared>>
      tl.gemm %a, %b, %c : memref<128x64xf16, #tl.memory<shared>>, memref<64x128xf16, #tl.memory<shared>>, memref<128x128xf32, #tl.memory<fragment>>
    }
    tl.copy %c to %C[%row, %col] : memref<128x128xf32, #tl.memory<fragment>>, memref<256x256xf16>
  }
  tl.return
}
}

// -----

// A pipelined loop on AMD: the copies into LDS go through registers, so
// each tile gets two buffers whatever num_stages says past 2 (memref<2x..>,
// 16 KiB in all). The first k-tile is stored into buffer 0 before the
// loop; the loop, unrolled by two so that the buffers are constants, loads
// the next k-tile's chunks into registers, runs the MFMAs on one buffer,
// then stores the chunks into the other: one barrier an iteration.
// CHECK-LABEL: gpu.func @pipelined_lds
// CHECK-SAME: tl.shared_memory_bytes = 16384
// CHECK: %[[A:.*]] = memref.view {{.*}} to memref<2x64x32xf16, #gpu.address_space<workgroup>>
// CHECK: %[[B:.*]] = memref.view {{.*}} to memref<2x32x64xf16, #gpu.address_space<workgroup>>
// CHECK: vector.load %arg0
// CHECK: vector.load %arg1
// CHECK: vector.store %{{.*}}, %[[A]][%c0
// CHECK: vector.store %{{.*}}, %[[B]][%c0
// CHECK-NEXT: gpu.barrier
// CHECK: scf.for %{{.*}} = %c0 to %c4{{.*}} step %c2
// CHECK: vector.load %arg0
// CHECK: vector.load %arg1
// CHECK-NOT: gpu.barrier
// CHECK: vector.load %[[A]][%c0
// CHECK-NOT: gpu.barrier
// CHECK: amdgpu.mfma
// CHECK-NOT: gpu.barrier
// CHECK: vector.store %{{.*}}, %[[A]][%c1
// CHECK: vector.store %{{.*}}, %[[B]][%c1
// CHECK: gpu.barrier
// CHECK: vector.load %arg0
// CHECK-NOT: gpu.barrier
// CHECK: vector.load %[[A]][%c1
// CHECK-NOT: gpu.barrier
// CHECK: amdgpu.mfma
// CHECK-NOT: gpu.barrier
// CHECK: vector.store %{{.*}}, %[[A]][%c0
// CHECK: gpu.barrier
// CHECK-NEXT: }
module attributes {tl.target = "gfx942"} {
tl.func @pipelined_lds(%A: memref<64x128xf16>, %B: memref<128x64xf16>, %C: memref<64x64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c3 = arith.constant 3 : index
  %c32 = arith.constant 32 : index
  %c256 = arith.constant 256 : index
  tl.kernel (%bx) in (%c1) threads %c256 {
    %a = tl.alloc_shared() : memref<64x32xf16, #tl.memory<shared>>
    %b = tl.alloc_shared() : memref<32x64xf16, #tl.memory<shared>>
    %c = tl.alloc_fragment() : memref<64x64xf32, #tl.memory<fragment>>
    tl.clear %c : memref<64x64xf32, #tl.memory<fragment>>
    tl.pipelined %ko = %c0 to %c4 num_stages %c3 {
      %k = arith.muli %ko, %c32 : index
      tl.copy %A[%c0, %k] to %a : memref<64x128xf16>, memref<64x32xf16, #tl.memory<shared>>
      tl.copy %B[%k, %c0] to %b : memref<128x64xf16>, memref<32x64xf16, #tl.memory<shared>>
      tl.gemm %a, %b, %c : memref<64x32xf16, #tl.memory<shared>>, memref<32x64xf16, #tl.memory<shared>>, memref<64x64xf32, #tl.memory<fragment>>
    }
    tl.copy %c to %C[%c0, %c0] : memref<64x64xf32, #tl.memory<fragment>>, memref<64x64xf32>
  }
  tl.return
}
}
