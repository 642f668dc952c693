//===- LoweringUtils.cpp - Pieces every tl lowering shares ----------------===//

#include "tl/Conversion/LoweringUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace mlir::tl;

Value mlir::tl::zeroOf(OpBuilder &b, Location loc, Type type) {
  return arith::ConstantOp::create(b, loc, b.getZeroAttr(type));
}

Value mlir::tl::loadOrZero(OpBuilder &b, Location loc, Value memref,
                           ValueRange indices, Value inBounds) {
  Type elem = cast<MemRefType>(memref.getType()).getElementType();
  auto read = scf::IfOp::create(b, loc, TypeRange{elem}, inBounds,
                                /*withElseRegion=*/true);
  OpBuilder tb = read.getThenBodyBuilder();
  scf::YieldOp::create(
      tb, loc, ValueRange{memref::LoadOp::create(tb, loc, memref, indices)});
  OpBuilder eb = read.getElseBodyBuilder();
  scf::YieldOp::create(eb, loc, ValueRange{zeroOf(eb, loc, elem)});
  return read.getResult(0);
}

Value mlir::tl::convertElementType(OpBuilder &b, Location loc, Value value,
                                   Type to) {
  Type from = getElementTypeOrSelf(value.getType());
  if (from == to)
    return value;
  Type target = to;
  if (auto vec = dyn_cast<VectorType>(value.getType()))
    target = VectorType::get(vec.getShape(), to);
  bool widen = from.getIntOrFloatBitWidth() < to.getIntOrFloatBitWidth();
  if (isa<FloatType>(from) && isa<FloatType>(to))
    return widen ? arith::ExtFOp::create(b, loc, target, value).getResult()
                 : arith::TruncFOp::create(b, loc, target, value).getResult();
  return widen ? arith::ExtSIOp::create(b, loc, target, value).getResult()
               : arith::TruncIOp::create(b, loc, target, value).getResult();
}

Value mlir::tl::buildReduceIdentity(OpBuilder &b, Location loc, ReduceKind kind,
                                    Type type) {
  if (kind == ReduceKind::Max || kind == ReduceKind::Min) {
    bool negative = kind == ReduceKind::Max;
    if (auto ft = dyn_cast<FloatType>(type))
      return arith::ConstantOp::create(
          b, loc,
          b.getFloatAttr(ft,
                         APFloat::getInf(ft.getFloatSemantics(), negative)));
    unsigned width = type.getIntOrFloatBitWidth();
    return arith::ConstantOp::create(
        b, loc,
        b.getIntegerAttr(type, negative ? APInt::getSignedMinValue(width)
                                        : APInt::getSignedMaxValue(width)));
  }
  return arith::ConstantOp::create(b, loc, b.getZeroAttr(type));
}

Value mlir::tl::buildReduceCombine(OpBuilder &b, Location loc, ReduceKind kind,
                                   Value acc, Value value) {
  bool isFloat = isa<FloatType>(value.getType());
  if (kind == ReduceKind::AbsSum || kind == ReduceKind::AbsMax)
    value = isFloat ? math::AbsFOp::create(b, loc, value).getResult()
                    : math::AbsIOp::create(b, loc, value).getResult();
  switch (kind) {
  case ReduceKind::Sum:
  case ReduceKind::AbsSum:
    return isFloat ? arith::AddFOp::create(b, loc, acc, value).getResult()
                   : arith::AddIOp::create(b, loc, acc, value).getResult();
  case ReduceKind::Max:
  case ReduceKind::AbsMax:
    return isFloat ? arith::MaximumFOp::create(b, loc, acc, value).getResult()
                   : arith::MaxSIOp::create(b, loc, acc, value).getResult();
  case ReduceKind::Min:
    return isFloat ? arith::MinimumFOp::create(b, loc, acc, value).getResult()
                   : arith::MinSIOp::create(b, loc, acc, value).getResult();
  }
  llvm_unreachable("unknown reduce kind");
}

MemRefType mlir::tl::stripTLMemorySpace(MemRefType type) {
  if (!isa_and_present<MemorySpaceAttr>(type.getMemorySpace()))
    return type;
  return MemRefType::get(type.getShape(), type.getElementType(),
                         type.getLayout());
}

LogicalResult mlir::tl::verifyStaticShapes(FuncOp kernel) {
  for (auto [i, type] : llvm::enumerate(kernel.getArgumentTypes()))
    if (auto memref = dyn_cast<MemRefType>(type);
        memref && !memref.hasStaticShape())
      return kernel.emitError()
             << "argument " << i << " of '" << kernel.getSymName()
             << "' has the dynamic shape " << memref
             << "; specialize the template (tl-expand-configs) first";
  WalkResult walk = kernel.walk([](Operation *op) {
    if (isa<AllocSharedOp, AllocFragmentOp>(op) &&
        !cast<MemRefType>(op->getResult(0).getType()).hasStaticShape()) {
      op->emitError() << "tile shape is not static; specialize the template "
                         "(tl-expand-configs) first";
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  return failure(walk.wasInterrupted());
}
