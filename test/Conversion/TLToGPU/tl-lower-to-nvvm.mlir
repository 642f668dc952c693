// The whole CUDA pipeline on the example's configs: PTX with tensor cores
// and async copies (format=isa needs no ptxas); and, where ptxas is, a CUBIN
// for every kept config for sm_80 and sm_90a. On sm_90a the gemm runs on
// warpgroup MMA straight from the swizzled shared tiles (a row-major B is
// read N-major: the last immediate, imm-trans-b, is 1), which TMA loads
// fill: the tensor maps are 128-byte __grid_constant__ parameters, one
// thread issues the loads into mbarrier stages, every thread waits on the
// stage's phase. With tma=false the copies are cp.async, and their writers
// fence the async proxy before the barrier that publishes them.
// RUN: tl-opt %examples/matmul.mlir --tl-expand-configs="instantiate=M=1000,N=72,K=40 constraint='block_M == 128 && block_K == 32 && num_stages == 3'" -o %t.mlir 2>/dev/null
// RUN: tl-opt %t.mlir --pass-pipeline="builtin.module(builtin.module(tl-lower-to-nvvm{format=isa}))" | FileCheck %s --implicit-check-not='ldmatrix' --implicit-check-not='.local' --implicit-check-not='cp.async.cg'
// CHECK: gpu.binary @matmul_block_M128_block_N64_block_K32_num_stages3_threads128_kernels
// CHECK-SAME: chip = "sm_90a"
// CHECK-SAME: .version 8.0
// CHECK-SAME: .target sm_90a
// CHECK-SAME: .param .align 64 .b8 matmul_block_M128_block_N64_block_K32_num_stages3_threads128_param_3[128]
// CHECK-SAME: .param .align 64 .b8 matmul_block_M128_block_N64_block_K32_num_stages3_threads128_param_4[128]
// CHECK-SAME: mbarrier.init.shared.b64
// CHECK-SAME: mbarrier.arrive.expect_tx.shared.b64
// CHECK-SAME: cp.async.bulk.tensor.2d.shared::cluster.global.tile.mbarrier::complete_tx::bytes
// CHECK-SAME: mbarrier.try_wait.parity.shared.b64
// CHECK-SAME: wgmma.fence.sync.aligned
// CHECK-SAME: wgmma.mma_async.sync.aligned.m64n64k16.f32.f16.f16 {{[{]}}%r{{.*}}}, %rd{{[0-9]+}}, %rd{{[0-9]+}}, p, 1, 1, 0, 1;
// CHECK-SAME: wgmma.commit_group.sync.aligned
// CHECK-SAME: wgmma.wait_group.sync.aligned \090;
// RUN: tl-opt %t.mlir --pass-pipeline="builtin.module(builtin.module(tl-lower-to-nvvm{format=isa tma=false}))" | FileCheck %s --check-prefix=CPASYNC --implicit-check-not='cp.async.bulk.tensor'
// CPASYNC: gpu.binary @matmul_block_M128_block_N64_block_K32_num_stages3_threads128_kernels
// CPASYNC-SAME: cp.async.cg.shared.global
// CPASYNC-SAME: cp.async.wait_group
// CPASYNC-SAME: fence.proxy.async.shared::cta;\0A\09bar.sync
// CPASYNC-SAME: wgmma.mma_async.sync.aligned.m64n64k16.f32.f16.f16

// sm_80 keeps ldmatrix + mma.sync, and so does sm_90a when asked (mma=).
// RUN: tl-opt %t.mlir --pass-pipeline="builtin.module(builtin.module(tl-lower-to-nvvm{format=isa chip=sm_80}))" | FileCheck %s --check-prefix=SYNC --implicit-check-not='wgmma' --implicit-check-not='fence.proxy'
// RUN: tl-opt %t.mlir --pass-pipeline="builtin.module(builtin.module(tl-lower-to-nvvm{format=isa mma=mma.sync}))" | FileCheck %s --check-prefix=SYNC --implicit-check-not='wgmma' --implicit-check-not='fence.proxy'
// SYNC: gpu.binary @matmul_block_M128_block_N64_block_K32_num_stages3_threads128_kernels
// SYNC-SAME: cp.async.cg.shared.global
// SYNC-SAME: ldmatrix.sync.aligned.m8n8.x4.shared.b16
// SYNC-SAME: mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32

// tl.async_copy = false: the copies into shared memory go through
// registers as on AMD, 16 bytes a thread (no cp.async, no TMA).
// RUN: sed -e 's/attributes {config/attributes {tl.async_copy = false, config/' %t.mlir > %t.sync.mlir
// RUN: tl-opt %t.sync.mlir --pass-pipeline="builtin.module(builtin.module(tl-lower-to-nvvm{format=isa chip=sm_80}))" | FileCheck %s --check-prefix=REGS --implicit-check-not='cp.async'
// RUN: tl-opt %t.sync.mlir --pass-pipeline="builtin.module(builtin.module(tl-lower-to-nvvm{format=isa}))" | FileCheck %s --check-prefix=REGS --implicit-check-not='cp.async'
// REGS: gpu.binary @matmul_block_M128_block_N64_block_K32_num_stages3_threads128_kernels
// REGS-SAME: ld.global.v4.b32
// REGS-SAME: st.shared.v4.b32

// No tensor cores with mma=simt (how the tuner's device reference is built):
// FMAs into f32.
// RUN: tl-opt %t.mlir --pass-pipeline="builtin.module(builtin.module(tl-lower-to-nvvm{format=isa mma=simt}))" | FileCheck %s --check-prefix=SIMT --implicit-check-not='mma.sync' --implicit-check-not='wgmma'
// SIMT: gpu.binary @matmul_block_M128_block_N64_block_K32_num_stages3_threads128_kernels
// SIMT-SAME: fma.rn.f32

// A.B^T (B stored N x K) reads B K-major: imm-trans-b is 0. Two warpgroups
// split a 128-row accumulator: 64 rows each, one m64n128 per k step. With
// warp-specialize=true a third, the producer, gives them its registers: 40
// for it, 232 for each consumer thread (384 threads).
// RUN: tl-opt %examples/matmul_nt.mlir --tl-expand-configs="instantiate=M=4096,N=4096,K=4096 constraint='block_M == 128 && block_N == 128 && block_K == 64 && num_stages == 3 && threads == 256'" -o %t.nt.mlir 2>/dev/null
// RUN: tl-opt %t.nt.mlir --pass-pipeline="builtin.module(builtin.module(tl-lower-to-nvvm{format=isa}))" | FileCheck %s --check-prefix=NT --implicit-check-not='ldmatrix' --implicit-check-not='.local'
// NT: wgmma.mma_async.sync.aligned.m64n128k16.f32.f16.f16 {{[{]}}%r{{.*}}}, %rd{{[0-9]+}}, %rd{{[0-9]+}}, p, 1, 1, 0, 0;
// RUN: tl-opt %t.nt.mlir --pass-pipeline="builtin.module(builtin.module(tl-lower-to-nvvm{format=isa warp-specialize=true}))" | FileCheck %s --check-prefix=WSNT --implicit-check-not='bar.sync \091, 256;'
// WSNT: .maxntid 384, 1, 1
// WSNT-SAME: setmaxnreg.dec.sync.aligned.u32 \0940;
// WSNT-SAME: cp.async.bulk.tensor.2d
// WSNT-SAME: setmaxnreg.inc.sync.aligned.u32 \09232;
// WSNT-SAME: wgmma.mma_async.sync.aligned.m64n128k16.f32.f16.f16

// With cp.async (tma=false) the block indices are known to be below the
// (specialized) grid, so where every tile fits, integer range analysis
// removes the edge path: no
// zero-filling cp.async (the form with a source size) is left. At M=1000
// the last block row is partial and keeps it. Constant tile offsets fold
// into addresses: one shared-memory base register serves every chunk.
// With 3 stages the loop keeps one wgmma group in flight (it waits for the
// previous k-tile's group only) and drains it after the loop.
// RUN: tl-opt %examples/matmul.mlir --tl-expand-configs="instantiate=M=4096,N=4096,K=4096 constraint='block_M == 128 && block_N == 128 && block_K == 32 && num_stages == 3 && threads == 128'" -o %t.fits.mlir 2>/dev/null
// RUN: tl-opt %t.fits.mlir --pass-pipeline="builtin.module(builtin.module(tl-lower-to-nvvm{format=isa tma=false}))" | FileCheck %s --check-prefix=FITS --implicit-check-not='], 16, {{.*}};'
// FITS: cp.async.cg.shared.global [%rd[[S:[0-9]+]]], [%rd[[G:[0-9]+]]], 16;
// FITS-SAME: cp.async.cg.shared.global [%rd[[S]]+2048], [%rd[[G]]+262144], 16;
// FITS-SAME: wgmma.mma_async
// FITS-SAME: wgmma.wait_group.sync.aligned \091;
// FITS-SAME: wgmma.wait_group.sync.aligned \090;
// RUN: tl-opt %examples/matmul.mlir --tl-expand-configs="instantiate=M=1000,N=4096,K=4096 constraint='block_M == 128 && block_N == 128 && block_K == 32 && num_stages == 3 && threads == 128'" -o %t.edge.mlir 2>/dev/null
// RUN: tl-opt %t.edge.mlir --pass-pipeline="builtin.module(builtin.module(tl-lower-to-nvvm{format=isa tma=false}))" | FileCheck %s --check-prefix=EDGE
// EDGE: cp.async.cg.shared.global [{{[^]]*}}], [{{[^]]*}}], 16, %r
// TMA zero-fills the rows past M=1000 itself: no edge path, no cp.async;
// the same loop keeps its wgmma group in flight.
// RUN: tl-opt %t.edge.mlir --pass-pipeline="builtin.module(builtin.module(tl-lower-to-nvvm{format=isa}))" | FileCheck %s --check-prefix=TMAEDGE --implicit-check-not='cp.async.cg'
// TMAEDGE: cp.async.bulk.tensor.2d
// TMAEDGE-SAME: wgmma.wait_group.sync.aligned \091;
// TMAEDGE-SAME: wgmma.wait_group.sync.aligned \090;

// The Hopper examples' kernels (A.B and A.B^T) as ptxas compiles them:
// none spills, and none has its wgmmas serialized ("Potential Performance
// Loss", C7510 to C7520: a register of a group in flight touched, a
// divergent path), which would cost most of their speed; the ping-pong
// kernels (persistent 2)
// launch 384 threads of at most 168 registers, with up to 7 stages of a
// 128x128x64 tile (224 KiB).
// RUN: %if ptxas %{ rm -rf %t.hopper && tl-compile %examples/matmul_sm90.mlir --instantiate=M=4096,N=4096,K=4096 --chip=sm_90a --constraint="cluster_m==1&&group_m==8" -o %t.hopper 2>/dev/null | FileCheck %s --check-prefix=HOPPER %}
// RUN: %if ptxas %{ tl-compile %examples/matmul_nt_sm90.mlir --instantiate=M=4096,N=4096,K=4096 --chip=sm_90a --constraint="cluster_m==1&&group_m==8" -o %t.hopper/nt 2>/dev/null | FileCheck %s --check-prefix=HOPPER %}
// RUN: %if ptxas %{ tl-compile %examples/matmul_sm90.mlir --instantiate=M=4096,N=4096,K=4096 --chip=sm_90a --configs-file=%S/Inputs/pingpong-configs.json -o %t.hopper/pingpong 2>/dev/null | FileCheck %s --check-prefix=PINGPONG %}
// (The serialized wgmmas are looked for with grep: FileCheck's
// --implicit-check-not does not look between the lines of a COUNT.)
// RUN: %if ptxas %{ ls %t.hopper/*/kernel.ptx %t.hopper/nt/*/kernel.ptx %t.hopper/pingpong/*/kernel.ptx | xargs -n1 %ptxas -arch=sm_90a -v -o /dev/null > %t.ptxas 2>&1 %}
// RUN: %if ptxas %{ FileCheck %s --check-prefix=PTXAS < %t.ptxas %}
// RUN: %if ptxas %{ not grep "Performance Loss" %t.ptxas %}
// In clusters of 2 too (where the persistent 256x128 4-stage kernel
// spills 8 bytes, so only the serialization is checked; 128x128 on one
// warpgroup with 3 stages was serialized there before the clear's pin).
// RUN: %if ptxas %{ tl-compile %examples/matmul_sm90.mlir --instantiate=M=4096,N=4096,K=4096 --chip=sm_90a --constraint="cluster_m==2&&group_m==8" -o %t.hopper/c2 2>/dev/null | FileCheck %s --check-prefix=HOPPER %}
// RUN: %if ptxas %{ ls %t.hopper/c2/*/kernel.ptx | xargs -n1 %ptxas -arch=sm_90a -v -o /dev/null > %t.ptxas2 2>&1 %}
// RUN: %if ptxas %{ grep -c "Used" %t.ptxas2 | FileCheck %s --check-prefix=C2USED %}
// RUN: %if ptxas %{ not grep "Performance Loss" %t.ptxas2 %}
// C2USED: {{^}}20{{$}}
// HOPPER: tl-compile: 20 of 20 configs compiled for sm_90a
// PINGPONG: tl-compile: 6 of 6 configs compiled for sm_90a
// PTXAS-COUNT-46: {{ }}0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads

// RUN: %if ptxas %{ tl-compile %examples/matmul.mlir --instantiate=M=4096,N=4096,K=4096 --chip=sm_90a -o %t.sm90a 2>/dev/null | FileCheck %s --check-prefix=SM90A %}
// RUN: %if ptxas %{ ls %t.sm90a/*/kernel.cubin | count 32 %}
// RUN: %if ptxas %{ tl-compile %examples/matmul.mlir --instantiate=M=4096,N=4096,K=4096 --chip=sm_80 -o %t.sm80 2>/dev/null | FileCheck %s --check-prefix=SM80 %}
// RUN: %if ptxas %{ ls %t.sm80/*/kernel.cubin | count 32 %}
// SM90A: tl-compile: 32 of 32 configs compiled for sm_90a
// kernel.json describes the tensor maps the runtime encodes at launch: A's
// box is 128 rows of one 64-byte atom (32 f16), B's 32 rows of 128 bytes.
// RUN: %if ptxas %{ FileCheck %s --check-prefix=MAPS < %t.sm90a/matmul_block_M128_block_N128_block_K32_num_stages3_threads128/kernel.json %}
// MAPS: "tensor_maps": [
// MAPS-NEXT: {
// MAPS-NEXT: "arg": 0,
// MAPS-NEXT: "box": [
// MAPS-NEXT: 128,
// MAPS-NEXT: 32
// MAPS-NEXT: ],
// MAPS-NEXT: "swizzle": 64
// MAPS: "arg": 1,
// MAPS-NEXT: "box": [
// MAPS-NEXT: 32,
// MAPS-NEXT: 64
// MAPS-NEXT: ],
// MAPS-NEXT: "swizzle": 128
// SM80: tl-compile: 32 of 32 configs compiled for sm_80

// kernel.json gives the runtime the lowering's dynamic shared memory, which
// includes the reductions' scratch tiles (64x64 f16 A and B tiles + two 64x64
// f32 scratch tiles = 48 KiB for block_M = 64), not the resource model's
// tiles-only estimate.
// RUN: %if ptxas %{ tl-compile %examples/softmax_gemm.mlir --instantiate=M=1000 --constraint='block_M == 64 && threads == 128' -o %t.softmax 2>/dev/null %}
// RUN: %if ptxas %{ FileCheck %s --check-prefix=SMEM < %t.softmax/softmax_gemm_block_M64_threads128/kernel.json %}
// SMEM: "shared_memory_bytes": 49152

// The Hopper example's best tile in clusters of 2 block rows: B (64x256)
// arrives in multicast halves, 32 rows of each of its four column blocks
// from each block of the pair; A is each block's own. Before a refill,
// thread 0 releases the stage in both blocks (mapa, an mbarrier arrive on
// the other block's barrier with the default release.cta semantics) and
// waits for both releases; the kernel.json of such a
// config names the cluster shape the runtime launches with.
// RUN: tl-opt %examples/matmul_sm90.mlir --tl-expand-configs="instantiate=M=4096,N=4096,K=4096 constraint='block_M == 128 && block_N == 256 && num_stages == 3 && threads == 256 && group_m == 8 && cluster_m == 2'" -o %t.cluster.mlir 2>/dev/null
// RUN: tl-opt %t.cluster.mlir --pass-pipeline="builtin.module(builtin.module(tl-lower-to-nvvm{format=isa}))" | FileCheck %s --check-prefix=CLUSTER
// CLUSTER: fence.mbarrier_init.release.cluster;
// CLUSTER-SAME: barrier.cluster.arrive.aligned;\0A\09barrier.cluster.wait.aligned;
// CLUSTER-SAME: cp.async.bulk.tensor.2d.shared::cluster.global.tile.mbarrier::complete_tx::bytes [
// CLUSTER-SAME: cp.async.bulk.tensor.2d.shared::cluster.global.tile.mbarrier::complete_tx::bytes.multicast::cluster [
// CLUSTER-SAME: mapa.shared::cluster.u64
// CLUSTER-SAME: wgmma.mma_async.sync.aligned.m64n256k16.f32.f16.f16
// CLUSTER-SAME: wgmma.wait_group.sync.aligned \091;\0A\09bar.sync \090;
// CLUSTER-SAME: mbarrier.arrive.shared::cluster.b64
// CLUSTER-SAME: mbarrier.try_wait.parity.shared.b64
// CLUSTER-SAME: barrier.cluster.arrive.aligned;\0A\09barrier.cluster.wait.aligned;
// RUN: %if ptxas %{ tl-compile %t.cluster.mlir -o %t.clusterbin 2>/dev/null %}
// RUN: %if ptxas %{ FileCheck %s --check-prefix=CLUSTERJSON < %t.clusterbin/matmul_sm90_block_M128_block_N256_block_K64_num_stages3_threads256_group_m8_cluster_m2_persistent0/kernel.json %}
// CLUSTERJSON: "cluster": [
// CLUSTERJSON-NEXT: 1,
// CLUSTERJSON-NEXT: 2
// CLUSTERJSON: "arg": 1,
// CLUSTERJSON-NEXT: "box": [
// CLUSTERJSON-NEXT: 32,
// CLUSTERJSON-NEXT: 64


// The same tile persistent: the producer warpgroup gives its registers to
// the two consumer warpgroups, both loop over tiles from %ctaid.x by
// %nctaid.x; kernel.json tells the runtime to launch the blocks that fit
// at once (384 threads a block), and encode a tensor map for C too (the
// epilogue's TMA stores, a 64 x 64 box). Each consumer warpgroup stores
// its 64 x 256 part in four subtiles through two buffers of its own, with
// its own named barrier (5 + the warpgroup): before it writes a buffer,
// the store that read it last (two commits ago) must be done reading.
// RUN: tl-opt %examples/matmul_sm90.mlir --tl-expand-configs="instantiate=M=4096,N=4096,K=4096 constraint='block_M == 128 && block_N == 256 && num_stages == 3 && threads == 256 && group_m == 8 && cluster_m == 1 && persistent == 1'" -o %t.persistent.mlir 2>/dev/null
// RUN: tl-opt %t.persistent.mlir --pass-pipeline="builtin.module(builtin.module(tl-lower-to-nvvm{format=isa}))" | FileCheck %s --check-prefix=PERSISTENT
// PERSISTENT: .maxntid 384, 1, 1
// PERSISTENT-SAME: %nctaid.x
// PERSISTENT-SAME: setmaxnreg.dec.sync.aligned.u32 \0940
// PERSISTENT-SAME: setmaxnreg.inc.sync.aligned.u32 \09232
// PERSISTENT-SAME: wgmma.mma_async.sync.aligned.m64n256k16.f32.f16.f16
// PERSISTENT-SAME: cp.async.bulk.wait_group.read \091
// PERSISTENT-SAME: bar.sync \09[[BAR:%r[0-9]+]], 128;
// PERSISTENT-SAME: st.shared.b32
// PERSISTENT-SAME: fence.proxy.async.shared::cta
// PERSISTENT-SAME: bar.sync \09[[BAR]], 128;
// PERSISTENT-SAME: cp.async.bulk.tensor.2d.global.shared::cta.tile.bulk_group
// PERSISTENT-SAME: cp.async.bulk.commit_group
// PERSISTENT-SAME: cp.async.bulk.wait_group.read \091
// PERSISTENT-SAME: cp.async.bulk.commit_group
// PERSISTENT-SAME: cp.async.bulk.commit_group
// PERSISTENT-SAME: cp.async.bulk.commit_group
// PERSISTENT-NOT: cp.async.bulk.commit_group
// PERSISTENT-SAME: cp.async.bulk.wait_group \090
// RUN: %if ptxas %{ tl-compile %t.persistent.mlir -o %t.persistentbin 2>/dev/null %}
// RUN: %if ptxas %{ FileCheck %s --check-prefix=PERSISTENTJSON < %t.persistentbin/matmul_sm90_block_M128_block_N256_block_K64_num_stages3_threads256_group_m8_cluster_m1_persistent1/kernel.json %}
// PERSISTENTJSON: "grid": [
// PERSISTENTJSON-NEXT: 16,
// PERSISTENTJSON-NEXT: 32
// PERSISTENTJSON: "persistent": true
// PERSISTENTJSON: "arg": 2,
// PERSISTENTJSON-NEXT: "box": [
// PERSISTENTJSON-NEXT: 64,
// PERSISTENTJSON-NEXT: 64
// PERSISTENTJSON: "threads": 384

// The same tile with 4 stages, persistent in clusters of 2 block rows
// (tl-convert-to-gpu's IR: its own lit file also runs without a wgmma
// group in flight, where this kernel is an error; the input is a
// specialized copy of the example's config). A cluster, 2 consecutive
// blocks of the one-dimensional launch, takes the tiles of 2 rows of one
// column, block rank r the row 2 y + r: the loop runs over the 256 tiles
// of the grid of cluster rows from the cluster's index by the cluster
// count, in the producer and in the consumers. B's slices are multicast
// into both blocks, and the blocks leave the cluster together once, after
// their last tile, not after every tile's loop (the consumers, with
// multicast loads, still sync their threads after it); the PTX has a
// multicast load and the three cluster barriers (start, producer's end,
// consumers' end).
// RUN: tl-opt %S/Inputs/matmul_sm90_persistent_cluster.mlir --pass-pipeline="builtin.module(builtin.module(tl-convert-to-gpu))" | FileCheck %s --check-prefix=PCL
// PCL: gpu.func @matmul_sm90_block_M128_block_N256_block_K64_num_stages4_threads256_group_m8_cluster_m2_persistent1(
// PCL-SAME: tl.cluster = array<i64: 1, 2>
// PCL: nvvm.cluster.arrive
// PCL: %[[BID:.*]] = gpu.block_id x
// PCL: %[[BLOCKS:.*]] = gpu.grid_dim x
// PCL: %[[RANK:.*]] = arith.remui %[[BID]], %c2
// PCL: %[[CID:.*]] = arith.divui %[[BID]], %c2
// PCL: %[[CIDS:.*]] = arith.divui %[[BLOCKS]], %c2
// PCL: scf.for %[[P:.*]] = %[[CID]] to %c256{{.*}} step %[[CIDS]] {
// PCL: %[[X:.*]] = arith.remui %[[P]], %c16
// PCL: %[[Y:.*]] = arith.divui %[[P]], %c16
// PCL: %[[Y2:.*]] = arith.muli %[[Y]], %c2
// PCL: %[[ROW:.*]] = arith.addi %[[Y2]], %[[RANK]]
// PCL: %[[R2:.*]] = arith.muli %[[ROW]], %c16
// PCL: arith.addi %[[R2]], %[[X]]
// PCL-COUNT-4: nvvm.cp.async.bulk.tensor.shared.cluster.global {{.*}} multicast_mask = %c3_i16
// PCL-NEXT: }
// PCL-NEXT: }
// PCL-NEXT: }
// PCL-NEXT: nvvm.cluster.arrive {aligned}
// PCL-NEXT: nvvm.cluster.wait {aligned}
// PCL-NEXT: } else {
// PCL: scf.for %{{.*}} = %{{.*}} to %c256{{.*}} step %{{.*}} {
// PCL: nvvm.mapa
// PCL-NOT: nvvm.cluster.arrive
// PCL: nvvm.wgmma.wait.group.sync.aligned 0
// PCL-NOT: nvvm.cluster.arrive
// PCL: nvvm.barrier id = %c1_i32 number_of_threads = %c256_i32
// PCL-NOT: nvvm.cluster.arrive
// PCL-COUNT-4: nvvm.cp.async.bulk.commit.group
// PCL-NEXT: }
// PCL-NEXT: }
// PCL-NEXT: nvvm.cluster.arrive {aligned}
// PCL-NEXT: nvvm.cluster.wait {aligned}
// PCL: gpu.return
// RUN: tl-opt %S/Inputs/matmul_sm90_persistent_cluster.mlir --pass-pipeline="builtin.module(builtin.module(tl-lower-to-nvvm{format=isa}))" | FileCheck %s --check-prefix=PCLPTX --implicit-check-not=barrier.cluster.arrive
// PCLPTX: barrier.cluster.arrive.aligned
// PCLPTX-SAME: .multicast::cluster
// PCLPTX-SAME: barrier.cluster.arrive.aligned
// PCLPTX-SAME: barrier.cluster.arrive.aligned

// Attention's P V with P in registers (Inputs/attention_pv_rs.mlir): S on
// wgmma from shared memory, then four wgmmas whose A is four 32-bit
// registers (the RS form); ptxas takes it, without spills, serialized
// wgmmas or a warpgroup.arrive of its own (C7519: a register written after
// the wgmma.fence).
// RUN: %if ptxas %{ rm -rf %t.rs && tl-compile %S/Inputs/attention_pv_rs.mlir --instantiate=M=1000 --chip=sm_90a -o %t.rs >/dev/null 2>&1 %}
// RUN: %if ptxas %{ FileCheck %s --check-prefix=RSPTX < %t.rs/pv_rs_bf0/kernel.ptx %}
// RUN: %if ptxas %{ %ptxas -arch=sm_90a -v -o /dev/null %t.rs/pv_rs_bf0/kernel.ptx 2>&1 | FileCheck %s --check-prefix=RSPTXAS %}
// RUN: %if ptxas %{ %ptxas -arch=sm_90a -v -o /dev/null %t.rs/pv_rs_bf0/kernel.ptx 2>&1 | not grep -E "Performance Loss|C7519" %}
// RSPTX-COUNT-4: wgmma.mma_async.sync.aligned.m64n64k16.f32.f16.f16 {{.*}}, %rd{{[0-9]+}}, %rd{{[0-9]+}}, p, 1, 1, 0, 0;
// RSPTX-COUNT-4: wgmma.mma_async.sync.aligned.m64n64k16.f32.f16.f16 {{.*}}, {%r{{[0-9]+}}, %r{{[0-9]+}}, %r{{[0-9]+}}, %r{{[0-9]+}}}, %rd{{[0-9]+}}, p, 1, 1, 1;
// RSPTXAS: 0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads
// The same in a loop over 300 keys (Inputs/attention_pv_rs_loop.mlir), P
// rewritten every iteration, on 64 or 128 rows and one or two warpgroups:
// three kernels, each with RS wgmmas, none with a warpgroup.arrive of
// ptxas's or spills. (128 rows on one warpgroup has its wgmmas serialized,
// C7520, as it has with P staged through shared memory.)
// RUN: %if ptxas %{ rm -rf %t.rsl && tl-compile %S/Inputs/attention_pv_rs_loop.mlir --instantiate=M=1000,N=300 --chip=sm_90a -o %t.rsl >/dev/null 2>&1 %}
// RUN: %if ptxas %{ grep -l "p, 1, 1, 1;" %t.rsl/*/kernel.ptx | count 3 %}
// RUN: %if ptxas %{ ls %t.rsl/*/kernel.ptx | xargs -n1 %ptxas -arch=sm_90a -v -o /dev/null > %t.rsl.ptxas 2>&1 %}
// RUN: %if ptxas %{ grep -c ", 0 bytes spill stores," %t.rsl.ptxas | FileCheck %s --check-prefix=RSLSPILL %}
// RUN: %if ptxas %{ not grep C7519 %t.rsl.ptxas %}
// RSLSPILL: {{^}}3{{$}}
