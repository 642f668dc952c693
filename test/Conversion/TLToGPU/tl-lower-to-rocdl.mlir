// The whole AMD pipeline on the example's configs; no ROCm installation
// and no AMD GPU needed (the assembly and the code objects come from
// LLVM's AMDGPU backend and lld-22). On gfx942 the f16 gemm runs
// v_mfma_f32_16x16x16_f16 per wavefront of 64 from tiles in LDS (loaded
// 16 bytes a lane with global_load_dwordx4 where the tile is inside the
// tensor, written with ds_write_b128, A read 8 bytes a lane; behind
// s_barrier), without spills; on
// gfx90a the bf16 one runs v_mfma_f32_16x16x16bf16_1k. With format=bin
// every kept config of the example is an HSACO (an ELF code object).
// RUN: tl-opt %examples/matmul.mlir --tl-expand-configs="instantiate=M=1000,N=72,K=40 target=gfx942 constraint='block_M == 128 && block_K == 32 && num_stages == 3 && threads == 256'" -o %t.mlir 2>/dev/null
// RUN: tl-opt %t.mlir --pass-pipeline="builtin.module(builtin.module(tl-lower-to-rocdl{chip=gfx942 format=isa}))" | FileCheck %s
// CHECK: gpu.binary @matmul_block_M128_block_N64_block_K32_num_stages3_threads256_kernels
// CHECK-SAME: chip = "gfx942"
// CHECK-SAME: .amdgcn_target \22amdgcn-amd-amdhsa--gfx942\22
// CHECK-SAME: global_load_dwordx4
// CHECK-SAME: ds_write_b128
// CHECK-SAME: s_barrier
// CHECK-SAME: ds_read2st64_b64
// CHECK-SAME: ds_read
// CHECK-SAME: v_mfma_f32_16x16x16_f16
// CHECK-SAME: global_store_short
// CHECK-SAME: .vgpr_spill_count: 0
// CHECK-SAME: .wavefront_size: 64

// RUN: sed -e 's/xf16/xbf16/g' %examples/matmul.mlir > %t.bf16.mlir
// RUN: tl-opt %t.bf16.mlir --tl-expand-configs="instantiate=M=256,N=256,K=256 target=gfx90a constraint='block_M == 64 && block_N == 64 && block_K == 32 && num_stages == 2 && threads == 128'" -o %t.bf16.one.mlir 2>/dev/null
// RUN: tl-opt %t.bf16.one.mlir --pass-pipeline="builtin.module(builtin.module(tl-lower-to-rocdl{chip=gfx90a format=isa}))" | FileCheck %s --check-prefix=BF16
// BF16: gpu.binary @matmul_block_M64_block_N64_block_K32_num_stages2_threads128_kernels
// BF16-SAME: amdgcn-amd-amdhsa--gfx90a
// BF16-SAME: v_mfma_f32_16x16x16bf16_1k
// BF16-SAME: .wavefront_size: 64

// The pipelined k loop: the next k-tile's global loads are issued before
// this one's MFMAs and stored into the other LDS buffer after them, one
// s_barrier an iteration (and no edge code: the tiles fit at 1024^3).
// RUN: tl-opt %examples/matmul.mlir --tl-expand-configs="instantiate=M=1024,N=1024,K=1024 target=gfx942 constraint='block_M == 128 && block_N == 128 && block_K == 32 && num_stages == 2 && threads == 256'" -o %t.pipe.mlir 2>/dev/null
// RUN: tl-opt %t.pipe.mlir --pass-pipeline="builtin.module(builtin.module(tl-lower-to-rocdl{chip=gfx942 format=isa}))" | FileCheck %s --check-prefix=PIPE --implicit-check-not=global_load_ushort
// PIPE: gpu.binary @matmul_block_M128_block_N128_block_K32_num_stages2_threads256_kernels
// PIPE-SAME: ds_write_b128
// PIPE-SAME: s_barrier
// PIPE-SAME: .LBB0_
// PIPE-SAME: global_load_dwordx4
// PIPE-SAME: v_mfma_f32_16x16x16_f16
// PIPE-SAME: ds_write_b128
// PIPE-SAME: s_barrier
// PIPE-SAME: .vgpr_spill_count: 0

// RUN: tl-opt %examples/matmul.mlir --tl-expand-configs="instantiate=M=1024,N=1024,K=1024 target=gfx942" -o %t.all.mlir 2>&1 | FileCheck %s --check-prefix=KEPT
// Two LDS buffers per tile whatever num_stages says past 2 (the AMD
// lowering loads through registers into the buffer not being read): every
// config fits gfx942's 64 KiB, and configs that differ only in num_stages
// 2 and 3 are one kernel, compiled once.
// KEPT: remark: config 2 {block_M = 64, block_N = 64, block_K = 32, num_stages = 3, threads = 128} dropped: is the same kernel as config 0 for gfx942: num_stages changes nothing there
// KEPT: 32 configs, 16 kept, 16 dropped (same_kernel: 16)
// RUN: tl-opt %t.all.mlir --pass-pipeline="builtin.module(builtin.module(tl-lower-to-rocdl{chip=gfx942}))" | FileCheck %s --check-prefix=BIN
// BIN-COUNT-16: gpu.binary @matmul_{{.*}}_kernels [#gpu.object<#rocdl.target<O = 3, chip = "gfx942">, bin = "\7FELF
// BIN-NOT: gpu.binary

// Bad options are errors that name them.
// RUN: not tl-opt %t.mlir --pass-pipeline="builtin.module(builtin.module(tl-lower-to-rocdl{chip=sm_90a}))" 2>&1 | FileCheck %s --check-prefix=CHIP
// CHIP: tl-lower-to-rocdl: chip='sm_90a' is not an AMD chip (gfx90a, gfx942, ...)
// RUN: not tl-opt %t.mlir --pass-pipeline="builtin.module(builtin.module(tl-lower-to-rocdl{format=fatbin}))" 2>&1 | FileCheck %s --check-prefix=FORMAT
// FORMAT: tl-lower-to-rocdl: format='fatbin' is not bin (HSACO), isa (assembly) or none
// RUN: not tl-opt %t.mlir --pass-pipeline="builtin.module(builtin.module(tl-lower-to-rocdl{toolkit=/no/rocm}))" 2>&1 | FileCheck %s --check-prefix=TOOLKIT
// TOOLKIT: tl-lower-to-rocdl: the ROCm toolkit /no/rocm has no llvm/bin/ld.lld
