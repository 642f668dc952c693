//===- Pipeline.cpp - tl-lower-to-host ------------------------------------===//

#include "tl/Conversion/Passes.h"

#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVMPass.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Conversion/VectorToLLVM/ConvertVectorToLLVMPass.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

bool mlir::tl::isHostCpuLevel(StringRef cpu) {
  return llvm::is_contained({"x86-64", "x86-64-v2", "x86-64-v3", "x86-64-v4"},
                            cpu);
}

bool mlir::tl::cpuHasF16C(StringRef cpu) {
  return cpu == "x86-64-v3" || cpu == "x86-64-v4";
}

bool mlir::tl::cpuHasFma(StringRef cpu) { return cpuHasF16C(cpu); }

void mlir::tl::buildLowerToHostPipeline(OpPassManager &pm,
                                        const LowerToHostOptions &options) {
  ConvertTLToHostOptions tlOptions;
  tlOptions.vectorWidth = options.vectorWidth;
  tlOptions.fma = cpuHasFma(options.cpu);
  pm.addPass(createConvertTLToHost(tlOptions));
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  // No f16/bf16 arithmetic and no conversion the CPU cannot do inline:
  // the shared object must not need a compiler runtime library.
  arith::ArithEmulateUnsupportedFloatsOptions emulate;
  emulate.sourceTypeStrs = {"bf16", "f16"};
  emulate.targetTypeStr = "f32";
  pm.addPass(arith::createArithEmulateUnsupportedFloats(emulate));
  pm.addPass(math::createMathExtendToSupportedTypes());
  TLExpandFloatConversionsOptions conversions;
  conversions.expandF16 = !cpuHasF16C(options.cpu);
  pm.addPass(createTLExpandFloatConversions(conversions));
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createConvertVectorToLLVMPass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createArithToLLVMConversionPass());
  ConvertFuncToLLVMPassOptions funcOptions;
  funcOptions.useBarePtrCallConv = true;
  pm.addPass(createConvertFuncToLLVMPass(funcOptions));
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(createTLHostEntryPoints());
}

LogicalResult mlir::tl::verifyPipelineOptions(const LowerToHostOptions &options,
                                              std::string &error) {
  if (!isHostCpuLevel(options.cpu.getValue())) {
    error = "tl-lower-to-host: cpu='" + options.cpu.getValue() +
            "' is not x86-64, x86-64-v2, x86-64-v3 or x86-64-v4";
    return failure();
  }
  if (options.vectorWidth < 1 || options.vectorWidth > 64) {
    error = "tl-lower-to-host: vector-width must be 1 to 64";
    return failure();
  }
  return success();
}

LogicalResult mlir::tl::verifyPipelineOptions(const LowerToNVVMOptions &options,
                                              std::string &error) {
  if (!llvm::is_contained({"bin", "isa", "fatbin", "none"},
                          options.format.getValue())) {
    error = "tl-lower-to-nvvm: format='" + options.format.getValue() +
            "' is not bin (CUBIN), isa (PTX), fatbin or none";
    return failure();
  }
  if (options.indexBitwidth != 32 && options.indexBitwidth != 64) {
    error = "tl-lower-to-nvvm: index-bitwidth must be 32 or 64, not " +
            std::to_string(options.indexBitwidth);
    return failure();
  }
  if (options.optLevel > 3) {
    error = "tl-lower-to-nvvm: opt-level must be 0 to 3";
    return failure();
  }
  return success();
}

LogicalResult
mlir::tl::verifyPipelineOptions(const LowerToROCDLOptions &options,
                                std::string &error) {
  if (!llvm::is_contained({"bin", "isa", "none"}, options.format.getValue())) {
    error = "tl-lower-to-rocdl: format='" + options.format.getValue() +
            "' is not bin (HSACO), isa (assembly) or none";
    return failure();
  }
  if (!StringRef(options.chip.getValue()).starts_with("gfx")) {
    error = "tl-lower-to-rocdl: chip='" + options.chip.getValue() +
            "' is not an AMD chip (gfx90a, gfx942, ...)";
    return failure();
  }
  if (options.optLevel > 3) {
    error = "tl-lower-to-rocdl: opt-level must be 0 to 3";
    return failure();
  }
  std::string why;
  if (options.format == "bin" &&
      findRocmToolkit(options.toolkit.getValue(), why).empty()) {
    error = "tl-lower-to-rocdl: " + why;
    return failure();
  }
  return success();
}

/// Registers pipeline `arg` whose options are checked before it is built,
/// so that a bad value stops the tool with an error.
template <typename Options>
static void registerCheckedPipeline(StringRef arg, StringRef description,
                                    void (*build)(OpPassManager &,
                                                  const Options &)) {
  registerPassPipeline(
      arg, description,
      [build](OpPassManager &pm, StringRef text,
              function_ref<LogicalResult(const Twine &)> errorHandler) {
        Options options;
        if (failed(options.parseFromString(text)))
          return failure();
        std::string error;
        if (failed(tl::verifyPipelineOptions(options, error)))
          return errorHandler(error);
        build(pm, options);
        return success();
      },
      [](function_ref<void(const detail::PassOptions &)> optHandler) {
        optHandler(Options());
      });
}

void mlir::tl::registerTLPipelines() {
  registerCheckedPipeline<LowerToHostOptions>(
      "tl-lower-to-host",
      "Lower specialized tl kernels to an LLVM-dialect module for the CPU",
      buildLowerToHostPipeline);
  registerCheckedPipeline<LowerToNVVMOptions>(
      "tl-lower-to-nvvm",
      "Lower specialized tl kernels to NVVM and serialize them (CUBIN/PTX) "
      "through #nvvm.target",
      buildLowerToNVVMPipeline);
  registerCheckedPipeline<LowerToROCDLOptions>(
      "tl-lower-to-rocdl",
      "Lower specialized tl kernels to ROCDL and serialize them (HSACO or "
      "AMDGPU assembly) through #rocdl.target",
      buildLowerToROCDLPipeline);
}
