//===- Passes.td - tl conversion passes --------------------*- tablegen -*-===//

#ifndef TL_CONVERSION_PASSES_TD
#define TL_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

//===----------------------------------------------------------------------===//
// TLToHost
//===----------------------------------------------------------------------===//

def ConvertTLToHost : Pass<"tl-convert-to-host", "::mlir::ModuleOp"> {
  let summary = "Lower specialized tl kernels to loops, vectors and func.func";
  let description = [{
    Turns every specialized `tl.func` (no parameters left, shapes static)
    into a `func.func` the host can run: the kernel's signature plus two
    `index` arguments, the first and one-past-last linear block to run, so
    that a runtime can split the grid across CPU threads.

    - `tl.kernel` becomes a loop over the linear block range, the block
      indices recovered x-fastest; one `tl.kernel` per `tl.func`;
    - tiles become `memref.alloc` buffers (64-byte aligned) hoisted to the
      function entry and reused by every block the call runs;
    - `tl.copy` becomes a loop nest with a fast path for tiles wholly inside
      the tensor and a checked path at the edges (zeros read past the end,
      nothing written past it);
    - `tl.gemm` becomes a register-blocked micro-kernel on `vector` FMAs
      (4 rows x 2 vectors of `vector-width` f32 lanes) when B is row-major
      and the tile divides, a vectorized dot product when B is transposed,
      and scalar loops otherwise, accumulating in C's element type;
    - `tl.parallel`, `tl.pipelined` (stages ignored), `tl.clear`,
      `tl.fill`, `tl.reduce` and `tl.ceildiv` become loops and arith.

    The entry function is marked `tl.entry`, and `tl.grid` records the grid.
  }];
  let options = [
    Option<"vectorWidth", "vector-width", "unsigned", /*default=*/"8",
           "f32 lanes of the vectors the gemm micro-kernel uses">,
    Option<"fma", "fma", "bool", /*default=*/"true",
           "Fused multiply-adds (math.fma); false: arith.mulf + arith.addf, "
           "for CPUs without FMA, where a fused one calls libm per lane">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::func::FuncDialect",
    "::mlir::math::MathDialect", "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect", "::mlir::vector::VectorDialect"
  ];
}

def TLExpandFloatConversions
    : Pass<"tl-expand-float-conversions", "::mlir::ModuleOp"> {
  let summary = "Expand f16 and bf16 conversions into integer arithmetic";
  let description = [{
    Host code must run on any x86-64 CPU and its shared objects may not
    depend on compiler runtime libraries. LLVM lowers `fptrunc` to bf16
    (without AVX512-BF16) and every f16 conversion (without F16C) to calls
    of `__truncsfbf2`, `__extendhfsf2` or `__truncsfhf2`, which libc and
    libm do not provide. This pass rewrites `arith.extf` from and
    `arith.truncf` to bf16 (always) and f16 (with `f16=true`) on scalars and
    vectors into integer operations with the same results (round to nearest
    even, infinities and NaNs kept, subnormals exact). Run
    `arith-emulate-unsupported-floats` and `math-extend-to-supported-types`
    first, so that no other operation computes in those types.

    Conversions between f64 and f16/bf16 go through f32; the narrowing then
    rounds twice, which can differ from a single rounding in the last bit.

    LLVM's x86 backend also converts on its own where it legalizes such
    values (a phi of bf16 values goes through f32): with
    `define-runtime=true` the module gets weak definitions of the runtime
    functions it would call (`__truncsfbf2`, `__truncdfbf2`, `__truncdfhf2`
    and, with `f16`, `__truncsfhf2`, `__extendhfsf2`), expanded the same way.

    ```mlir
    %h = arith.truncf %x : vector<8xf32> to vector<8xf16>
    // becomes bitcasts, shifts, masks and selects on vector<8xi32>
    ```
  }];
  let options = [
    Option<"expandF16", "f16", "bool", /*default=*/"true",
           "Expand f16 conversions too (CPUs without F16C)">,
    Option<"defineRuntime", "define-runtime", "bool", /*default=*/"true",
           "Define the conversion functions LLVM's backend may call">
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::func::FuncDialect",
                           "::mlir::LLVM::LLVMDialect"];
}

def TLHostEntryPoints : Pass<"tl-host-entry-points", "::mlir::ModuleOp"> {
  let summary = "Add a packed-argument C entry point to every lowered kernel";
  let description = [{
    Runs on LLVM-dialect modules produced from `tl-convert-to-host` with the
    bare-pointer calling convention. For every `llvm.func` marked
    `tl.entry`, adds `<name>_packed(ptr args, i64 begin, i64 end)`:
    `args[i]` points at the value of argument `i` (a buffer's data pointer,
    or a scalar), the convention of `cuLaunchKernel`'s `kernelParams`, so a
    runtime launches host and GPU kernels from one argument array.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

//===----------------------------------------------------------------------===//
// TLToGPU
//===----------------------------------------------------------------------===//

def ConvertTLToGPU : Pass<"tl-convert-to-gpu", "::mlir::ModuleOp"> {
  let summary = "Lower specialized tl kernels to gpu.func kernels (NVIDIA "
                "or AMD)";
  let description = [{
    Turns every specialized `tl.func` of the module into a `gpu.func` kernel
    in a `gpu.module` named `<kernel>_kernels`; the runtime launches it from
    the kernel metadata, so no host code is generated. One `tl.kernel` per
    `tl.func`; threads form a 1-D block. The kernel's (constant) grid and
    block are recorded as `known_grid_size` / `known_block_size`, so range
    analysis knows the block and thread indices (`tl-lower-to-nvvm` runs
    `int-range-optimizations`, which drops the edge handling of tiles that
    always fit).

    - Shared tiles are views of dynamic shared memory (the total is recorded
      as `tl.shared_memory_bytes` on the kernel), multi-buffered `S` times
      when a `tl.pipelined` loop with `num_stages = S` prefetches into them;
      2-D 16-bit tiles are XOR-swizzled in 16-byte chunks so that ldmatrix
      and cp.async are free of bank conflicts.
    - Fragments are per-thread register arrays. The C of a tensor-core gemm
      takes the mma.sync m16n8 accumulator layout over a warp grid chosen for
      square warp tiles; every other fragment is spread element e to thread
      e % threads.
    - `tl.copy` global -> shared is `cp.async` of 16 bytes with a src-size
      that zero-fills past the tensor's end (when the rows are 16-byte
      aligned); other copies go element by element, reading zeros past the
      end and writing nothing there; an mma accumulator is written to global
      memory in aligned pairs when its tile lies inside the tensor.
    - `tl.pipelined` with `S > 1` stages issues the prefetching copies of
      `S - 1` iterations ahead (`cp.async.commit_group` /
      `wait_group S-2`); the stage a copy refills was computed on in the
      previous iteration, behind the loop's barrier, and it is refilled
      before the iteration computes. With static bounds the loop is unrolled
      by `S`, so stage offsets are constants.
    - On sm_90a, when every such copy of a loop fills a wgmma operand tile
      from a contiguous kernel argument (`tma=true`, the default), the
      copies are TMA loads instead: one thread issues a stage's
      `cp.async.bulk.tensor` loads (one per swizzle-atom column block, the
      tile's swizzle) and `mbarrier.arrive.expect_tx` of their bytes; every
      thread waits with `mbarrier.try_wait.parity`. Edges are zero-filled by
      TMA. The tensor maps are `__grid_constant__` parameters appended to
      the kernel, described by the `tl.tensor_maps` attribute (argument,
      box, swizzle) for the runtime to encode at launch.
    - With `warp-specialize=true` (off by default), a kernel whose one
      pipelined loop loads through TMA and keeps a wgmma group in flight is
      launched with a producer warpgroup after its threads (the launch size
      is `tl.launch_threads`): one producer thread issues every stage's
      loads once the stage's consumer warps released it (an empty mbarrier a
      stage, one arrival per consumer warp); the kernel's own threads run
      the rest and synchronize with named barrier 1. With two or more
      consumer warpgroups the producer drops to 40 registers and the
      consumers take the rest (`setmaxnreg`).
    - A kernel with `tl.persistent 1` (NVIDIA chips) loops over its grid's
      tiles from `gpu.block_id x` by `gpu.grid_dim x` (the runtime launches
      the blocks that fit at once; the function gets `tl.persistent` and no
      known grid size). On sm_90a it is warp-specialized where the loop
      qualifies, whatever `warp-specialize` says, its mbarrier phases going
      on across tiles, and a wgmma accumulator copied into a 16-bit kernel
      argument is stored through a swizzled staging tile and TMA
      (`cp.async.bulk.tensor` shared -> global, a bulk group a tile) where
      the staging tile fits in shared memory.
    - `tl.gemm` with f16/bf16 operands in shared memory and an f32
      accumulator runs, on sm_90a, warpgroup MMA (`wgmma.mma_async`
      m64nNk16 from shared-memory descriptors, accumulators in registers,
      the operand tiles stored in the 128/64/32-byte swizzled layouts the
      descriptors describe, A and B in either orientation) where the shapes
      allow it: whole warpgroups, 64 accumulator rows per instruction and
      warpgroup, at most 256 columns. A may instead be a fragment copied
      whole from a wgmma accumulator (attention's P), read from registers
      (the RS form, inline asm). Elsewhere, or with `mma=mma.sync` (or
      the kernel attribute `tl.mma = "mma.sync"`), it runs ldmatrix +
      mma.sync.m16n8k16 per warp (A row-major, B row-major or transposed);
      `mma=wgmma` / `tl.mma = "wgmma"` makes a gemm that cannot use wgmma an
      error. Other gemms, and every gemm with `mma=simt`, run on SIMT FMAs,
      one owned C element per dot product. The chip is the `chip` option, else the `tl.target` that
      `tl-expand-configs` recorded on the module, else sm_80.
    - On an AMD chip (`gfx90a`, `gfx942`, ...: the chip names the vendor),
      threads form wavefronts of 64 (the "warps" of the layouts above);
      global -> shared copies are loads into registers and stores into LDS
      (no cp.async; a pipelined loop's prefetch still runs ahead), and a
      gemm with f16/bf16 operands in shared memory and an f32 accumulator
      runs `amdgpu.mfma` 16x16x16 per wavefront (the accumulator in
      registers, lane l holding rows 4 (l / 16) .. +3 of column l % 16 of
      each 16x16 tile), else SIMT. `mma=mfma` / `tl.mma = "mfma"` makes a
      gemm that cannot use MFMA an error; wgmma and mma.sync are NVIDIA's.
    - `tl.reduce` of a fragment goes through a shared scratch tile;
      `tl.parallel` iterates the layout of the fragment its body indexes
      with its induction variables (owner-local access), or spreads over the
      threads when it touches only shared and global memory.
  }];
  let options = [
    Option<"chip", "chip", "std::string", /*default=*/"\"\"",
           "Chip the kernels are for (sm_80, sm_90a, ..., or AMD's gfx90a, "
           "gfx942, ...); empty: the module's tl.target attribute, else "
           "sm_80">,
    Option<"mma", "mma", "std::string", /*default=*/"\"auto\"",
           "Tensor-core instructions for tl.gemm: auto (wgmma where the "
           "chip and the tile allow, else mma.sync; MFMA, else SIMT, on AMD "
           "chips), wgmma (an error where it cannot be used), mma.sync, mfma, "
           "or simt (no tensor cores: FMAs "
           "into f32, as the tuner's device reference runs); a kernel's "
           "tl.mma attribute overrides it">,
    Option<"wgmmaInFlight", "wgmma-in-flight", "bool", /*default=*/"true",
           "Keep one wgmma group in flight across the iterations of a "
           "pipelined loop (false: wait for every group in its iteration)">,
    Option<"tma", "tma", "bool", /*default=*/"true",
           "On sm_90a, load a pipelined loop's wgmma operand tiles with TMA "
           "(cp.async.bulk.tensor into mbarrier stages; the tensor maps are "
           "trailing kernel parameters, kernel.json's tensor_maps); false: "
           "cp.async">,
    Option<"warpSpecialize", "warp-specialize", "bool", /*default=*/"false",
           "On sm_90a, give a kernel's TMA loop that keeps a wgmma group in "
           "flight a producer warpgroup (launched after the kernel's "
           "threads; one thread issues the loads into stages its consumers "
           "release through mbarriers; setmaxnreg with two or more consumer "
           "warpgroups); off by default: slower than the unspecialized TMA "
           "loop for the example's best configs on the H200 "
           "(docs/performance.md)">
  ];
  let dependentDialects = [
    "::mlir::amdgpu::AMDGPUDialect",
    "::mlir::arith::ArithDialect", "::mlir::gpu::GPUDialect",
    "::mlir::math::MathDialect", "::mlir::memref::MemRefDialect",
    "::mlir::NVVM::NVVMDialect", "::mlir::nvgpu::NVGPUDialect",
    "::mlir::scf::SCFDialect", "::mlir::vector::VectorDialect",
    "::mlir::LLVM::LLVMDialect"
  ];
}

def TLKernelsToNVVM : Pass<"tl-kernels-to-nvvm", "::mlir::gpu::GPUModuleOp"> {
  let summary = "Lower gpu.module kernels (gpu, nvgpu, arith, memref, ...) to "
                "NVVM with one index width";
  let description = [{
    What `convert-nvgpu-to-nvvm` followed by `convert-gpu-to-nvvm` do, in one
    dialect conversion with one type converter, so that ldmatrix and cp.async
    addresses use the same index width as the rest of the kernel. Kernel
    arguments use the bare-pointer calling convention (static shapes);
    the trailing parameters a kernel's `tl.tensor_maps` counts (its TMA
    tensor maps) become 128-byte `llvm.byval` + `nvvm.grid_constant`
    parameters, read in place by the hardware.
  }];
  let options = [
    Option<"indexBitwidth", "index-bitwidth", "unsigned", /*default=*/"64",
           "Bit width of index arithmetic">
  ];
  let dependentDialects = ["::mlir::NVVM::NVVMDialect",
                           "::mlir::LLVM::LLVMDialect"];
}

def TLKernelsToROCDL : Pass<"tl-kernels-to-rocdl", "::mlir::gpu::GPUModuleOp"> {
  let summary = "Lower gpu.module kernels (gpu, amdgpu, arith, memref, ...) "
                "to ROCDL with one index width";
  let description = [{
    What `convert-amdgpu-to-rocdl` followed by `convert-gpu-to-rocdl` do,
    in one dialect conversion with one type converter: `amdgpu.mfma`, the
    gpu ops (indices, barriers, workgroup memory as LDS), math on ROCDL's
    device functions, and the rest through the convert-to-llvm interfaces.
    Kernel arguments use the bare-pointer calling convention (static
    shapes).
  }];
  let options = [
    Option<"chip", "chip", "std::string", /*default=*/"\"gfx942\"",
           "AMD chip the kernels are for (gfx90a, gfx942, ...)">,
    Option<"indexBitwidth", "index-bitwidth", "unsigned", /*default=*/"64",
           "Bit width of index arithmetic">
  ];
  let dependentDialects = ["::mlir::ROCDL::ROCDLDialect",
                           "::mlir::LLVM::LLVMDialect"];
}

#endif // TL_CONVERSION_PASSES_TD
