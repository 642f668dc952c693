//===- KernelsToNVVM.cpp - gpu.module kernels to NVVM in one conversion ---===//
//
// tl-kernels-to-nvvm: what convert-nvgpu-to-nvvm followed by
// convert-gpu-to-nvvm do, in one dialect conversion with one type converter,
// so that the index width is the same for the nvgpu ops (ldmatrix,
// cp.async) and everything else. 32-bit indices halve the address
// arithmetic of the kernels. The TMA tensor maps (a kernel's trailing
// parameters, counted by tl.tensor_maps) are passed by value as
// __grid_constant__ parameters.
//
//===----------------------------------------------------------------------===//

#include "tl/Conversion/Passes.h"

#include "mlir/Conversion/ConvertToLLVM/ToLLVMInterface.h"
#include "mlir/Conversion/GPUToNVVM/GPUToNVVMPass.h"
#include "mlir/Conversion/LLVMCommon/ConversionTarget.h"
#include "mlir/Conversion/LLVMCommon/LoweringOptions.h"
#include "mlir/Conversion/LLVMCommon/TypeConverter.h"
#include "mlir/Conversion/NVGPUToNVVM/NVGPUToNVVM.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Interfaces/DataLayoutInterfaces.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir::tl {
#define GEN_PASS_DEF_TLKERNELSTONVVM
#include "tl/Conversion/Passes.h.inc"
} // namespace mlir::tl

using namespace mlir;

namespace {
struct KernelsToNVVMPass
    : public tl::impl::TLKernelsToNVVMBase<KernelsToNVVMPass> {
  using Base::Base;

  void runOnOperation() override {
    gpu::GPUModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    LowerToLLVMOptions options(
        ctx, DataLayout(cast<DataLayoutOpInterface>(module.getOperation())));
    options.overrideIndexBitwidth(indexBitwidth);
    options.useBarePtrCallConv = true;
    LLVMTypeConverter converter(ctx, options);
    configureGpuToNVVMTypeConverter(converter);
    nvgpu::populateCommonGPUTypeAndAttributeConversions(converter);
    converter.addConversion([&](nvgpu::DeviceAsyncTokenType) -> Type {
      return IntegerType::get(ctx, 32);
    });

    RewritePatternSet patterns(ctx);
    LLVMConversionTarget target(*ctx);
    populateNVGPUToNVVMConversionPatterns(converter, patterns);
    populateGpuToNVVMConversionPatterns(converter, patterns, /*benefit=*/10);
    for (Dialect *dialect : ctx->getLoadedDialects())
      if (auto iface = dyn_cast<ConvertToLLVMPatternInterface>(dialect))
        iface->populateConvertToLLVMConversionPatterns(target, converter,
                                                       patterns);
    configureGpuToNVVMConversionLegality(target);
    target.addIllegalDialect<nvgpu::NVGPUDialect>();
    if (failed(applyPartialConversion(module, target, std::move(patterns))))
      return signalPassFailure();
    // The trailing parameters of a kernel with tl.tensor_maps are the TMA
    // tensor maps, passed by value and read in place by the hardware:
    // __grid_constant__, never copied to local memory.
    module.walk([&](LLVM::LLVMFuncOp func) {
      auto maps = func->getAttrOfType<ArrayAttr>("tl.tensor_maps");
      if (!maps || maps.size() > func.getNumArguments())
        return;
      auto byval = LLVM::LLVMArrayType::get(IntegerType::get(ctx, 8), 128);
      for (unsigned i = func.getNumArguments() - maps.size();
           i < func.getNumArguments(); ++i) {
        func.setArgAttr(i, LLVM::LLVMDialect::getByValAttrName(),
                        TypeAttr::get(byval));
        func.setArgAttr(i, NVVM::NVVMDialect::getGridConstantAttrName(),
                        UnitAttr::get(ctx));
      }
    });
  }
};
} // namespace
