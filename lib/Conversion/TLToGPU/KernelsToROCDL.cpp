//===- KernelsToROCDL.cpp - gpu.module kernels to ROCDL in one conversion -===//
//
// tl-kernels-to-rocdl: what convert-amdgpu-to-rocdl followed by
// convert-gpu-to-rocdl do, in one dialect conversion with one type
// converter (the AMD counterpart of tl-kernels-to-nvvm): the amdgpu ops
// (amdgpu.mfma), the gpu ops (indices, barriers, LDS), math on ROCDL's
// device functions, and everything else through the convert-to-llvm
// interfaces. Kernel arguments use the bare-pointer calling convention
// (static shapes).
//
//===----------------------------------------------------------------------===//

#include "tl/Conversion/Passes.h"

#include "mlir/Conversion/AMDGPUToROCDL/AMDGPUToROCDL.h"
#include "mlir/Conversion/ConvertToLLVM/ToLLVMInterface.h"
#include "mlir/Conversion/GPUToROCDL/GPUToROCDLPass.h"
#include "mlir/Conversion/GPUToROCDL/Runtimes.h"
#include "mlir/Conversion/LLVMCommon/ConversionTarget.h"
#include "mlir/Conversion/LLVMCommon/LoweringOptions.h"
#include "mlir/Conversion/LLVMCommon/TypeConverter.h"
#include "mlir/Conversion/MathToROCDL/MathToROCDL.h"
#include "mlir/Dialect/AMDGPU/IR/AMDGPUDialect.h"
#include "mlir/Dialect/AMDGPU/Utils/Chipset.h"
#include "mlir/Dialect/LLVMIR/ROCDLDialect.h"
#include "mlir/Interfaces/DataLayoutInterfaces.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir::tl {
#define GEN_PASS_DEF_TLKERNELSTOROCDL
#include "tl/Conversion/Passes.h.inc"
} // namespace mlir::tl

using namespace mlir;

namespace {

struct KernelsToROCDLPass
    : public tl::impl::TLKernelsToROCDLBase<KernelsToROCDLPass> {
  using Base::Base;

  void runOnOperation() override {
    gpu::GPUModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    FailureOr<amdgpu::Chipset> chipset = amdgpu::Chipset::parse(chip);
    if (failed(chipset)) {
      module.emitError() << "tl-kernels-to-rocdl: '" << chip
                         << "' is not an AMD chip (gfx90a, gfx942, ...)";
      return signalPassFailure();
    }
    LowerToLLVMOptions options(
        ctx, DataLayout(cast<DataLayoutOpInterface>(module.getOperation())));
    options.overrideIndexBitwidth(indexBitwidth);
    options.useBarePtrCallConv = true;
    LLVMTypeConverter converter(ctx, options);
    amdgpu::populateCommonGPUTypeAndAttributeConversions(converter);
    RewritePatternSet patterns(ctx);
    LLVMConversionTarget target(*ctx);
    populateAMDGPUToROCDLConversionPatterns(converter, patterns, *chipset);
    populateMathToROCDLConversionPatterns(converter, patterns, *chipset);
    populateGpuToROCDLConversionPatterns(converter, patterns,
                                         gpu::amd::Runtime::HIP, *chipset);
    for (Dialect *dialect : ctx->getLoadedDialects())
      if (auto iface = dyn_cast<ConvertToLLVMPatternInterface>(dialect))
        iface->populateConvertToLLVMConversionPatterns(target, converter,
                                                       patterns);
    configureGpuToROCDLConversionLegality(target);
    target.addIllegalDialect<amdgpu::AMDGPUDialect>();
    if (failed(applyPartialConversion(module, target, std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
