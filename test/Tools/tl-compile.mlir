// tl-compile builds every config in parallel; with several jobs on one
// context (the host pipeline loads dialects a pass manager would otherwise
// load while other configs compile). The host runs a pipelined loop
// without stages, so 16 of the 32 configs are the same kernel as another.
// RUN: rm -rf %t && tl-compile %examples/matmul.mlir --target=host --instantiate=M=100,N=72,K=40 -j 2 -o %t 2>/dev/null | FileCheck %s
// RUN: ls %t/*/kernel.so | count 16
// RUN: FileCheck %s --check-prefix=INDEX < %t/index.json
// RUN: not tl-compile %examples/matmul.mlir --target=metal -o %t.bad 2>&1 | FileCheck %s --check-prefix=BAD
// CHECK: tl-compile: 16 of 16 configs compiled for host
// INDEX: "kernels": [
// INDEX: "status": "ok"
// INDEX: "target": "host"
// BAD: tl-compile: --target must be cuda, hip or host, not 'metal'

// kernel.json's gemm_flops (tl-tune's TFLOP/s column) are the problem's,
// 2*M*N*K, not the tiles' (a 64x64 tile over 100x72x40 computes
// 2*64*64*64 a block, 128 tiles 2*128*128*64): every config of A.B and of
// A.B^T says 2*100*72*40, the softmax's gemm 2*100*64*64, the persistent
// Hopper kernel in clusters at 3000x5000x1000 2*3000*5000*1000.
// RUN: grep -h '"gemm_flops"' %t/*/kernel.json | sort -u | FileCheck %s --check-prefix=FLOPS --implicit-check-not=gemm_flops
// RUN: rm -rf %t.nt && tl-compile %examples/matmul_nt.mlir --target=host --instantiate=M=100,N=72,K=40 -o %t.nt >/dev/null 2>&1
// RUN: grep -h '"gemm_flops"' %t.nt/*/kernel.json | sort -u | FileCheck %s --check-prefix=FLOPS --implicit-check-not=gemm_flops
// FLOPS: "gemm_flops": 576000,
// RUN: rm -rf %t.sm && tl-compile %examples/softmax_gemm.mlir --target=host --instantiate=M=100 -o %t.sm >/dev/null 2>&1
// RUN: grep -h '"gemm_flops"' %t.sm/*/kernel.json | sort -u | FileCheck %s --check-prefix=SMFLOPS --implicit-check-not=gemm_flops
// SMFLOPS: "gemm_flops": 819200,
// Attention's scores (Inputs/scores.mlir): the pipelined loop runs over
// the keys, the gemm's K is the head held whole: 2*100*200*64.
// RUN: rm -rf %t.qk && tl-compile %S/Inputs/scores.mlir --target=host --instantiate=M=100,N=200 -o %t.qk >/dev/null 2>&1
// RUN: grep -h '"gemm_flops"' %t.qk/*/kernel.json | sort -u | FileCheck %s --check-prefix=QKFLOPS --implicit-check-not=gemm_flops
// QKFLOPS: "gemm_flops": 2560000,
// Its second gemm (Inputs/attention_pv.mlir: P in registers, O written
// whole): M from O's write-back, the keys from V's copies, 2*100*200*64.
// RUN: rm -rf %t.pv && tl-compile %S/Inputs/attention_pv.mlir --target=host --instantiate=M=100,N=200 -o %t.pv >/dev/null 2>&1
// RUN: grep -h '"gemm_flops"' %t.pv/*/kernel.json | sort -u | FileCheck %s --check-prefix=QKFLOPS --implicit-check-not=gemm_flops
// The same shared tiles filled in two loops from tensors of K1 and K2
// columns (Inputs/two_sources.mlir): each loop's gemm counts its own K,
// 2*100*72*(40+72).
// RUN: rm -rf %t.two && tl-compile %S/Inputs/two_sources.mlir --target=host --instantiate=M=100,N=72,K1=40,K2=72 -o %t.two >/dev/null 2>&1
// RUN: grep -h '"gemm_flops"' %t.two/*/kernel.json | sort -u | FileCheck %s --check-prefix=TWOFLOPS --implicit-check-not=gemm_flops
// TWOFLOPS: "gemm_flops": 1612800,
// A key loop whose trips depend on the block (causal) is not counted:
// gemm_flops 0, unknown, and tl-tune's TFLOP/s column stays empty.
// RUN: rm -rf %t.causal && sed 's/tl.pipelined %%j = %%c0 to %%keys/tl.pipelined %%j = %%c0 to %%bx/' %S/Inputs/scores.mlir > %t.causal.mlir
// RUN: tl-compile %t.causal.mlir --target=host --instantiate=M=100,N=200 -o %t.causal >/dev/null 2>&1
// RUN: grep -h '"gemm_flops"' %t.causal/*/kernel.json | sort -u | FileCheck %s --check-prefix=CAUSAL --implicit-check-not=gemm_flops
// CAUSAL: "gemm_flops": 0,
// RUN: rm -rf %t.h && tl-compile %examples/matmul_sm90.mlir --target=cuda --chip=sm_90a --instantiate=M=3000,N=5000,K=1000 --constraint='block_M==128&&block_N==256&&num_stages==4&&threads==256&&group_m==8&&cluster_m==2&&persistent==1' -o %t.h >/dev/null 2>&1
// RUN: FileCheck %s --check-prefix=HFLOPS < %t.h/matmul_sm90_block_M128_block_N256_block_K64_num_stages4_threads256_group_m8_cluster_m2_persistent1/kernel.json
// HFLOPS: "gemm_flops": 30000000000,

// AMD code objects on a machine without an AMD GPU (or ROCm): an HSACO, an
// AMDGPU ELF with the kernel and its descriptor (.kd), for every kept config
// of the example (16 of 32: the AMD lowering keeps two LDS buffers a tile,
// so 3 stages are 2 and 16 configs are the same kernel as another), and
// the code objects' own figures in kernel.json, checked against the
// resource model's (Inputs/amd_resources.py: the LDS the expansion counted,
// which is the lowering's plan, equal to what the lowering allocated; no
// spills, 64-wide waves).
// RUN: rm -rf %t.hip && tl-compile %examples/matmul.mlir --target=hip --chip=gfx942 --instantiate=M=1024,N=1024,K=1024 -o %t.hip 2>&1 | FileCheck %s --check-prefix=HIP
// RUN: ls %t.hip/*/kernel.hsaco | count 16
// RUN: %python %S/Inputs/amd_resources.py %t.hip | FileCheck %s --check-prefix=MODEL
// RUN: sh -c 'for f in %t.hip/*/kernel.hsaco; do llvm-readelf -h -s $f; done' | FileCheck %s --check-prefix=ELF
// RUN: FileCheck %s --check-prefix=HIPJSON < %t.hip/matmul_block_M128_block_N128_block_K32_num_stages2_threads256/kernel.json
// HIP: tl-compile: 16 of 16 configs compiled for gfx942
// ELF-COUNT-16: Machine: EM_AMDGPU
// MODEL: 16 kernels, 0 off the model or spilling
// ELF: OBJECT GLOBAL DEFAULT {{[0-9]+}} matmul_{{.*}}.kd
// HIPJSON: "binary_resources": {
// HIPJSON: "vgpr_spill_count": 0
// HIPJSON-NEXT: "wavefront_size": 64
// HIPJSON: "shared_memory_bytes": 32768
// HIPJSON: "target": "gfx942"
// HIPJSON: "threads": 256
// RUN: not tl-compile %examples/matmul.mlir --target=hip --mma=wgmma -o %t.hipmma 2>&1 | FileCheck %s --check-prefix=HIPMMA
// RUN: not tl-compile %examples/matmul.mlir --target=hip --chip=sm_90a -o %t.hipchip 2>&1 | FileCheck %s --check-prefix=HIPCHIP
// HIPMMA: tl-compile: --mma must be auto, mfma or simt for --target hip, not 'wgmma'
// HIPCHIP: tl-compile: --chip sm_90a is not an AMD chip (gfx90a, gfx942, ...) for --target hip

// A config outside a parameter's allowed values is one error, without the
// template dumped after it; a bad --mma is refused.
// RUN: echo '[{"block_M": 128, "block_N": 192, "block_K": 64, "num_stages": 3, "threads": 256}]' > %t.configs.json
// RUN: not tl-compile %examples/matmul.mlir --target=host --instantiate=M=256,N=256,K=256 --configs-file=%t.configs.json -o %t.cfg 2>&1 | FileCheck %s --check-prefix=CONFIG
// CONFIG: error: config 0 {block_M = 128, block_N = 192, block_K = 64, num_stages = 3, threads = 256}: parameter 'block_N' = 192 is not one of its allowed values [16, 32, 64, 128, 256]
// CONFIG-NOT: see current operation
// RUN: not tl-compile %examples/matmul.mlir --mma=tensor -o %t.mma 2>&1 | FileCheck %s --check-prefix=MMA
// MMA: tl-compile: --mma must be auto, wgmma, mma.sync or simt, not 'tensor'

// Kernels index with 64 bits unless told 32, which is refused for a tensor
// it cannot address (2^32 elements here), per config, before any lowering.
// RUN: not tl-compile %examples/matmul.mlir --target=cuda --index-bitwidth=48 -o %t.48 2>&1 | FileCheck %s --check-prefix=WIDTH
// RUN: not tl-compile %examples/matmul.mlir --target=cuda --instantiate=M=65536,N=65536,K=64 --constraint='block_M == 128 && block_N == 128 && block_K == 32 && num_stages == 3 && threads == 128' --index-bitwidth=32 -o %t.32 2>&1 | FileCheck %s --check-prefix=BIG
// WIDTH: tl-compile: --index-bitwidth must be 64 or 32, not 48
// BIG: tl-compile: matmul_block_M128_block_N128_block_K32_num_stages3_threads128: 32-bit indices cannot address a tensor of 4294967296 elements; use --index-bitwidth=64
// BIG: tl-compile: 0 of 1 configs compiled for sm_90a
