//===- Pipeline.cpp - tl-lower-to-nvvm, tl-lower-to-rocdl -----------------===//

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
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"

using namespace mlir;

std::string mlir::tl::findCudaToolkit(StringRef requested) {
  if (!requested.empty())
    return requested.str();
  if (std::optional<std::string> home = llvm::sys::Process::GetEnv("CUDA_HOME"))
    return *home;
  return "/usr/local/cuda";
}

/// What both GPU pipelines run on a gpu.module between tl-convert-to-gpu
/// and the lowering to NVVM or ROCDL.
static void addKernelCleanups(OpPassManager &gpu) {
  gpu.addPass(createCanonicalizerPass());
  gpu.addPass(createCSEPass());
  // Folds the edge checks that the block indices' known range decides.
  gpu.addPass(arith::createIntRangeOptimizationsPass());
  gpu.addPass(createCanonicalizerPass());
  gpu.addPass(createSCFToControlFlowPass());
  gpu.addPass(memref::createExpandStridedMetadataPass());
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
  addKernelCleanups(gpu);
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

/// Whether `dir` holds llvm/bin/ld.lld.
static bool hasRocmLinker(StringRef dir) {
  return llvm::sys::fs::can_execute(dir + "/llvm/bin/ld.lld");
}

std::string mlir::tl::findRocmToolkit(StringRef requested, std::string &error) {
  if (!requested.empty()) {
    if (hasRocmLinker(requested))
      return requested.str();
    error = "the ROCm toolkit " + requested.str() +
            " has no llvm/bin/ld.lld (install lld-22 and drop the toolkit "
            "option, or point it at a ROCm installation)";
    return "";
  }
  if (std::optional<std::string> rocm = llvm::sys::Process::GetEnv("ROCM_PATH"))
    if (hasRocmLinker(*rocm))
      return *rocm;
  // Upstream's serialization runs <toolkit>/llvm/bin/ld.lld: a directory
  // of that shape whose linker is lld-22's (Debian ships no ROCm LLVM).
  const char *linkers[] = {"/usr/lib/llvm-22/bin/ld.lld", "/usr/bin/ld.lld-22"};
  for (const char *linker : linkers) {
    if (!llvm::sys::fs::can_execute(linker))
      continue;
    llvm::SmallString<128> dir;
    llvm::sys::path::system_temp_directory(/*erasedOnReboot=*/true, dir);
    llvm::sys::path::append(dir, "tilemlir-rocm-lld22");
    if (hasRocmLinker(dir))
      return std::string(dir);
    llvm::SmallString<128> bin(dir);
    llvm::sys::path::append(bin, "llvm", "bin");
    llvm::SmallString<128> link(bin);
    llvm::sys::path::append(link, "ld.lld");
    // Made by whichever tool gets here first; a lost race leaves the same
    // link.
    if (!llvm::sys::fs::create_directories(bin))
      (void)llvm::sys::fs::create_link(linker, link);
    if (hasRocmLinker(dir))
      return std::string(dir);
  }
  error = "no ld.lld for AMD code objects: install lld-22 (scripts/setup.sh "
          "does), or set ROCM_PATH to a ROCm installation";
  return "";
}

void mlir::tl::buildLowerToROCDLPipeline(OpPassManager &pm,
                                         const LowerToROCDLOptions &options) {
  ConvertTLToGPUOptions convert;
  convert.chip = options.chip;
  convert.mma = options.mma;
  pm.addPass(createConvertTLToGPU(convert));
  OpPassManager &gpu = pm.nest<gpu::GPUModuleOp>();
  addKernelCleanups(gpu);
  TLKernelsToROCDLOptions rocdl;
  rocdl.chip = options.chip;
  gpu.addPass(createTLKernelsToROCDL(rocdl));
  gpu.addPass(createReconcileUnrealizedCastsPass());
  gpu.addPass(createCanonicalizerPass());
  GpuROCDLAttachTargetOptions target;
  target.chip = options.chip;
  target.optLevel = options.optLevel;
  pm.addPass(createGpuROCDLAttachTarget(target));
  if (options.format != "none") {
    GpuModuleToBinaryPassOptions binary;
    binary.compilationTarget = options.format;
    std::string ignored; // verifyPipelineOptions found the linker
    binary.toolkitPath = findRocmToolkit(options.toolkit, ignored);
    pm.addPass(createGpuModuleToBinaryPass(binary));
  }
}
