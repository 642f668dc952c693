//===- HostEntryPoints.cpp - Packed-argument entries for host kernels -----===//

#include "tl/Conversion/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Builders.h"

namespace mlir::tl {
#define GEN_PASS_DEF_TLHOSTENTRYPOINTS
#include "tl/Conversion/Passes.h.inc"
} // namespace mlir::tl

using namespace mlir;

namespace {
struct HostEntryPointsPass
    : public tl::impl::TLHostEntryPointsBase<HostEntryPointsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<LLVM::LLVMFuncOp> entries;
    module.walk([&](LLVM::LLVMFuncOp f) {
      if (f->hasAttr("tl.entry"))
        entries.push_back(f);
    });
    MLIRContext *ctx = &getContext();
    auto ptr = LLVM::LLVMPointerType::get(ctx);
    auto i64 = IntegerType::get(ctx, 64);
    OpBuilder b(ctx);
    for (LLVM::LLVMFuncOp f : entries) {
      Location loc = f.getLoc();
      LLVM::LLVMFunctionType type = f.getFunctionType();
      unsigned numArgs = type.getNumParams();
      if (numArgs < 2 || type.getParamType(numArgs - 1) != i64 ||
          type.getParamType(numArgs - 2) != i64) {
        f.emitError()
            << "a tl entry must end with the (begin, end) block range "
               "as i64; was it lowered with tl-convert-to-host?";
        return signalPassFailure();
      }
      b.setInsertionPointAfter(f);
      auto packed = LLVM::LLVMFuncOp::create(
          b, loc, (f.getName() + "_packed").str(),
          LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(ctx),
                                      {ptr, i64, i64}));
      Block *entry = packed.addEntryBlock(b);
      b.setInsertionPointToStart(entry);
      SmallVector<Value> callArgs;
      for (unsigned i = 0; i + 2 < numArgs; ++i) {
        Value slot =
            LLVM::GEPOp::create(b, loc, ptr, ptr, entry->getArgument(0),
                                ArrayRef<LLVM::GEPArg>{int32_t(i)});
        Value valuePtr = LLVM::LoadOp::create(b, loc, ptr, slot);
        callArgs.push_back(
            LLVM::LoadOp::create(b, loc, type.getParamType(i), valuePtr));
      }
      callArgs.push_back(entry->getArgument(1));
      callArgs.push_back(entry->getArgument(2));
      LLVM::CallOp::create(b, loc, f, callArgs);
      LLVM::ReturnOp::create(b, loc, ValueRange{});
    }
  }
};
} // namespace
