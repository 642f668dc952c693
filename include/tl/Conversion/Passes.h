//===- Passes.h - tl conversion passes --------------------------*- C++ -*-===//

#ifndef TL_CONVERSION_PASSES_H
#define TL_CONVERSION_PASSES_H

#include "tl/Dialect/TL/IR/TLOps.h"

#include "mlir/Dialect/AMDGPU/IR/AMDGPUDialect.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/LLVMIR/ROCDLDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::tl {

#define GEN_PASS_DECL
#include "tl/Conversion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "tl/Conversion/Passes.h.inc"

/// Options of the `tl-lower-to-host` pipeline.
struct LowerToHostOptions : public PassPipelineOptions<LowerToHostOptions> {
  PassOptions::Option<unsigned> vectorWidth{
      *this, "vector-width",
      llvm::cl::desc("f32 lanes of the gemm micro-kernel's vectors"),
      llvm::cl::init(8)};
  PassOptions::Option<std::string> cpu{
      *this, "cpu",
      llvm::cl::desc("x86-64 level the code is compiled for (x86-64, "
                     "x86-64-v2, x86-64-v3, x86-64-v4): below v3 (no F16C, "
                     "no FMA) f16 conversions are expanded into integer "
                     "arithmetic and multiply-adds are not fused"),
      llvm::cl::init("x86-64")};
};

/// tl-convert-to-host, then the upstream lowerings to the LLVM dialect (bare
/// pointer calling convention; f16/bf16 arithmetic in f32 and their
/// conversions expanded, so that no compiler runtime call is left), then
/// tl-host-entry-points: specialized tl
/// kernels to an LLVM-dialect module ready for translation to LLVM IR.
void buildLowerToHostPipeline(OpPassManager &pm,
                              const LowerToHostOptions &options);

/// True when `cpu` names an x86-64 level host code can be compiled for
/// (x86-64, x86-64-v2, x86-64-v3, x86-64-v4).
bool isHostCpuLevel(StringRef cpu);

/// True when the x86-64 level `cpu` (as LowerToHostOptions::cpu) converts
/// f16 in hardware (F16C, from x86-64-v3 on).
bool cpuHasF16C(StringRef cpu);
/// True when the x86-64 level `cpu` has fused multiply-add (x86-64-v3 on).
bool cpuHasFma(StringRef cpu);

/// Options of the `tl-lower-to-nvvm` pipeline.
struct LowerToNVVMOptions : public PassPipelineOptions<LowerToNVVMOptions> {
  PassOptions::Option<std::string> chip{
      *this, "chip", llvm::cl::desc("NVIDIA chip (sm_80, sm_90a, ...)"),
      llvm::cl::init("sm_90a")};
  PassOptions::Option<std::string> features{*this, "features",
                                            llvm::cl::desc("PTX features"),
                                            llvm::cl::init("+ptx80")};
  PassOptions::Option<unsigned> optLevel{
      *this, "opt-level", llvm::cl::desc("LLVM optimization level"),
      llvm::cl::init(3)};
  PassOptions::Option<std::string> format{
      *this, "format",
      llvm::cl::desc("gpu-module-to-binary format: bin (CUBIN), isa (PTX), "
                     "fatbin, or none to stop at the NVVM dialect"),
      llvm::cl::init("bin")};
  PassOptions::Option<unsigned> indexBitwidth{
      *this, "index-bitwidth",
      llvm::cl::desc("Bit width of index arithmetic in kernels (32 needs "
                     "tensors of fewer than 2^31 elements)"),
      llvm::cl::init(64)};
  PassOptions::Option<std::string> toolkit{
      *this, "toolkit",
      llvm::cl::desc("CUDA toolkit holding bin/ptxas (default: $CUDA_HOME, "
                     "then /usr/local/cuda)"),
      llvm::cl::init("")};
  PassOptions::Option<std::string> mma{
      *this, "mma",
      llvm::cl::desc("Tensor-core instructions for tl.gemm: auto, wgmma, "
                     "mma.sync or simt (tl-convert-to-gpu's mma option)"),
      llvm::cl::init("auto")};
  PassOptions::Option<bool> wgmmaInFlight{
      *this, "wgmma-in-flight",
      llvm::cl::desc("Keep one wgmma group in flight across pipelined "
                     "iterations (tl-convert-to-gpu's option)"),
      llvm::cl::init(true)};
  PassOptions::Option<bool> tma{
      *this, "tma",
      llvm::cl::desc("On sm_90a, TMA loads for pipelined wgmma operand "
                     "tiles (tl-convert-to-gpu's option)"),
      llvm::cl::init(true)};
  PassOptions::Option<bool> warpSpecialize{
      *this, "warp-specialize",
      llvm::cl::desc("On sm_90a, a producer warpgroup for a TMA loop "
                     "(tl-convert-to-gpu's option)"),
      llvm::cl::init(false)};
};

/// tl-convert-to-gpu, the upstream lowerings of the gpu.module to NVVM,
/// #nvvm.target attachment and, unless format=none, gpu-module-to-binary.
void buildLowerToNVVMPipeline(OpPassManager &pm,
                              const LowerToNVVMOptions &options);

/// Options of the `tl-lower-to-rocdl` pipeline.
struct LowerToROCDLOptions : public PassPipelineOptions<LowerToROCDLOptions> {
  PassOptions::Option<std::string> chip{
      *this, "chip", llvm::cl::desc("AMD chip (gfx90a, gfx942, ...)"),
      llvm::cl::init("gfx942")};
  PassOptions::Option<unsigned> optLevel{
      *this, "opt-level", llvm::cl::desc("LLVM optimization level"),
      llvm::cl::init(3)};
  PassOptions::Option<std::string> format{
      *this, "format",
      llvm::cl::desc("gpu-module-to-binary format: bin (HSACO), isa (AMDGPU "
                     "assembly), or none to stop at the ROCDL dialect"),
      llvm::cl::init("bin")};
  PassOptions::Option<std::string> toolkit{
      *this, "toolkit",
      llvm::cl::desc("Directory holding llvm/bin/ld.lld, as upstream's ROCDL "
                     "serialization looks for it (default: one TileMLIR "
                     "makes with lld-22's ld.lld)"),
      llvm::cl::init("")};
  PassOptions::Option<std::string> mma{
      *this, "mma",
      llvm::cl::desc("Matrix instructions for tl.gemm: auto, mfma or simt "
                     "(tl-convert-to-gpu's mma option)"),
      llvm::cl::init("auto")};
};

/// tl-convert-to-gpu for an AMD chip, tl-kernels-to-rocdl, #rocdl.target
/// attachment and, unless format=none, gpu-module-to-binary.
void buildLowerToROCDLPipeline(OpPassManager &pm,
                               const LowerToROCDLOptions &options);

/// The directory upstream's ROCDL serialization is given as its ROCm
/// toolkit (it runs <dir>/llvm/bin/ld.lld): `requested`, else $ROCM_PATH
/// when it has that linker, else a directory under the system's temporary
/// one whose llvm/bin/ld.lld links to lld-22's; empty with `error` when no
/// ld.lld is there.
std::string findRocmToolkit(StringRef requested, std::string &error);

/// The CUDA toolkit directory to serialize with: `requested`, else
/// $CUDA_HOME, else /usr/local/cuda.
std::string findCudaToolkit(StringRef requested);

/// Fails with a message for option values a pipeline cannot build with
/// (an unknown format, cpu or index width); the registered pipelines check
/// them before building.
LogicalResult verifyPipelineOptions(const LowerToHostOptions &options,
                                    std::string &error);
LogicalResult verifyPipelineOptions(const LowerToNVVMOptions &options,
                                    std::string &error);
LogicalResult verifyPipelineOptions(const LowerToROCDLOptions &options,
                                    std::string &error);

/// Registers the named pipelines (`tl-lower-to-host`, `tl-lower-to-nvvm`,
/// `tl-lower-to-rocdl`).
void registerTLPipelines();

/// The bytes of dynamic shared memory tl-convert-to-gpu (with `options`)
/// allocates for `kernel`, a specialized tl.func of one tl.kernel, on
/// `chip`: the lowering's own plan (tiles and their stages, pipeline
/// barriers, reduction scratch, staging tiles, alignment), before any IR is
/// written. None where the lowering would fail (it reports why when it
/// runs).
std::optional<int64_t>
plannedSharedMemory(FuncOp kernel, StringRef chip,
                    const ConvertTLToGPUOptions &options);

/// Gives the tl dialect the GPU lowering's SharedMemoryModelInterface, so
/// that the resource model (tl-expand-configs) counts shared memory as the
/// lowering allocates it.
void registerGpuSharedMemoryModel(DialectRegistry &registry);

} // namespace mlir::tl

#endif // TL_CONVERSION_PASSES_H
