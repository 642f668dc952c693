//===- Pipeline.cpp - tl-lower-to-nvvm ------------------------------------===//

#include "tl/Conversion/Passes.h"

#include "mlir/Conversion/GPUToNVVM/GPUToNVVMPass.h"
#include "mlir/Conversion/NVGPUToNVVM/NVGPUToNVVM.h"
#include "mlir/Conversion/NVVMToLLVM/NVVMToLLVM.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Process.h"

using namespace mlir;

std::string mlir::tl::findCudaToolkit(StringRef requested) {
  if (!requested.empty())
    return requested.str();
  if (std::optional<std::string> home = llvm::sys::Process::GetEnv("CUDA_HOME"))
    return *home;
  return "/usr/local/cuda";
}

void mlir::tl::buildLowerToNVVMPipeline(OpPassManager &pm,
                                        const LowerToNVVMOptions &options) {
  ConvertTLToGPUOptions convert;
  convert.chip = options.chip;
  convert.mma = options.mma;
  convert.wgmmaInFlight = options.wgmmaInFlight;
  convert.tma = options.tma;
  convert.warpSpecialize = options.warpSpecialize;
  pm.addPass(createConvertTLToGPU(convert));
  OpPassManager &gpu = pm.nest<gpu::GPUModuleOp>();
  gpu.addPass(createCanonicalizerPass());
  gpu.addPass(createCSEPass());
  // Folds the edge checks that the block indices' known range decides.
  gpu.addPass(arith::createIntRangeOptimizationsPass());
  gpu.addPass(createCanonicalizerPass());
  gpu.addPass(createSCFToControlFlowPass());
  gpu.addPass(memref::createExpandStridedMetadataPass());
  TLKernelsToNVVMOptions nvvmOptions;
  nvvmOptions.indexBitwidth = options.indexBitwidth;
  gpu.addPass(createTLKernelsToNVVM(nvvmOptions));
  // NVVM ops that are PTX strings (wgmma.mma_async) become inline asm.
  gpu.addPass(createConvertNVVMToLLVMPass());
  gpu.addPass(createReconcileUnrealizedCastsPass());
  gpu.addPass(createCanonicalizerPass());
  GpuNVVMAttachTargetOptions target;
  target.chip = options.chip;
  target.features = options.features;
  target.optLevel = options.optLevel;
  pm.addPass(createGpuNVVMAttachTarget(target));
  if (options.format != "none") {
    GpuModuleToBinaryPassOptions binary;
    binary.compilationTarget = options.format;
    binary.toolkitPath = findCudaToolkit(options.toolkit);
    pm.addPass(createGpuModuleToBinaryPass(binary));
  }
}
