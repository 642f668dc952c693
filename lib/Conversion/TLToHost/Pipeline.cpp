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

bool mlir::tl::cpuHasF16C(StringRef cpu) {
  return cpu == "x86-64-v3" || cpu == "x86-64-v4";
}

void mlir::tl::buildLowerToHostPipeline(OpPassManager &pm,
                                        const LowerToHostOptions &options) {
  ConvertTLToHostOptions tlOptions;
  tlOptions.vectorWidth = options.vectorWidth;
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

void mlir::tl::registerTLPipelines() {
  PassPipelineRegistration<LowerToHostOptions>(
      "tl-lower-to-host",
      "Lower specialized tl kernels to an LLVM-dialect module for the CPU",
      buildLowerToHostPipeline);
  PassPipelineRegistration<LowerToNVVMOptions>(
      "tl-lower-to-nvvm",
      "Lower specialized tl kernels to NVVM and serialize them (CUBIN/PTX) "
      "through #nvvm.target",
      buildLowerToNVVMPipeline);
}
