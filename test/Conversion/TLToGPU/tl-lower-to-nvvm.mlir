// The whole CUDA pipeline on the example's configs: PTX with tensor cores
// and async copies (format=isa needs no ptxas); and, where ptxas is, a CUBIN
// for every kept config for sm_80 and sm_90a.
// RUN: tl-opt %examples/matmul.mlir --tl-expand-configs="instantiate=M=1000,N=72,K=40 constraint='block_M == 128 && block_K == 32 && num_stages == 3'" -o %t.mlir 2>/dev/null
// RUN: tl-opt %t.mlir --pass-pipeline="builtin.module(builtin.module(tl-lower-to-nvvm{format=isa}))" | FileCheck %s
// CHECK: gpu.binary @matmul_block_M128_block_N64_block_K32_num_stages3_threads128_kernels
// CHECK-SAME: chip = "sm_90a"
// CHECK-SAME: .version 8.0
// CHECK-SAME: .target sm_90a
// CHECK-SAME: cp.async.cg.shared.global
// CHECK-SAME: ldmatrix.sync.aligned.m8n8.x4.shared.b16
// CHECK-SAME: mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32
// CHECK-SAME: cp.async.wait_group
// CHECK-NOT: .local

// The block indices are known to be below the (specialized) grid, so where
// every tile fits, integer range analysis removes the edge path: no
// zero-filling cp.async (the form with a source size) is left. At M=1000
// the last block row is partial and keeps it. Constant tile offsets fold
// into addresses: one shared-memory base register serves every chunk.
// RUN: tl-opt %examples/matmul.mlir --tl-expand-configs="instantiate=M=4096,N=4096,K=4096 constraint='block_M == 128 && block_N == 128 && block_K == 32 && num_stages == 3 && threads == 128'" -o %t.fits.mlir 2>/dev/null
// RUN: tl-opt %t.fits.mlir --pass-pipeline="builtin.module(builtin.module(tl-lower-to-nvvm{format=isa}))" | FileCheck %s --check-prefix=FITS
// FITS-NOT: ], 16, {{.*}};
// FITS: cp.async.cg.shared.global [%rd[[S:[0-9]+]]], [%rd[[G:[0-9]+]]], 16;
// FITS-SAME: cp.async.cg.shared.global [%rd[[S]]+2048], [%rd[[G]]+262144], 16;
// FITS-SAME: mma.sync
// FITS-NOT: ], 16, {{.*}};
// RUN: tl-opt %examples/matmul.mlir --tl-expand-configs="instantiate=M=1000,N=4096,K=4096 constraint='block_M == 128 && block_N == 128 && block_K == 32 && num_stages == 3 && threads == 128'" -o %t.edge.mlir 2>/dev/null
// RUN: tl-opt %t.edge.mlir --pass-pipeline="builtin.module(builtin.module(tl-lower-to-nvvm{format=isa}))" | FileCheck %s --check-prefix=EDGE
// EDGE: cp.async.cg.shared.global [{{[^]]*}}], [{{[^]]*}}], 16, %r

// RUN: %if ptxas %{ tl-compile %examples/matmul.mlir --instantiate=M=4096,N=4096,K=4096 --chip=sm_90a -o %t.sm90a 2>/dev/null | FileCheck %s --check-prefix=SM90A %}
// RUN: %if ptxas %{ ls %t.sm90a/*/kernel.cubin | count 32 %}
// RUN: %if ptxas %{ tl-compile %examples/matmul.mlir --instantiate=M=4096,N=4096,K=4096 --chip=sm_80 -o %t.sm80 2>/dev/null | FileCheck %s --check-prefix=SM80 %}
// RUN: %if ptxas %{ ls %t.sm80/*/kernel.cubin | count 32 %}
// SM90A: tl-compile: 32 of 32 configs compiled for sm_90a
// SM80: tl-compile: 32 of 32 configs compiled for sm_80

// kernel.json gives the runtime the lowering's dynamic shared memory, which
// includes the reductions' scratch tiles (64x64 f16 A and B tiles + two 64x64
// f32 scratch tiles = 48 KiB for block_M = 64), not the resource model's
// tiles-only estimate.
// RUN: %if ptxas %{ tl-compile %examples/softmax_gemm.mlir --instantiate=M=1000 --constraint='block_M == 64 && threads == 128' -o %t.softmax 2>/dev/null %}
// RUN: %if ptxas %{ FileCheck %s --check-prefix=SMEM < %t.softmax/softmax_gemm_block_M64_threads128/kernel.json %}
// SMEM: "shared_memory_bytes": 49152
