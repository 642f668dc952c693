//===- HostPatterns.h - tl-convert-to-host's shared pieces ------*- C++ -*-===//
//
// Private to lib/Conversion/TLToHost: the loop-building helpers the tile
// op patterns share, and the pattern families that live in their own
// files (tl.gemm: Gemm.cpp).
//
//===----------------------------------------------------------------------===//

#ifndef TL_LIB_CONVERSION_TLTOHOST_HOSTPATTERNS_H
#define TL_LIB_CONVERSION_TLTOHOST_HOSTPATTERNS_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/Utils/Utils.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::tl::host {

inline Value constantIndex(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

/// Builds a loop nest over `[0, shape)` and calls `body` with the induction
/// variables.
inline void
buildTileLoops(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
               function_ref<void(OpBuilder &, Location, ValueRange)> body) {
  SmallVector<Value> lbs, ubs, steps;
  for (int64_t dim : shape) {
    lbs.push_back(constantIndex(b, loc, 0));
    ubs.push_back(constantIndex(b, loc, dim));
    steps.push_back(constantIndex(b, loc, 1));
  }
  scf::buildLoopNest(b, loc, lbs, ubs, steps, body);
}

inline Value dimSize(OpBuilder &b, Location loc, Value memref, int64_t dim) {
  auto type = cast<MemRefType>(memref.getType());
  if (!type.isDynamicDim(dim))
    return constantIndex(b, loc, type.getDimSize(dim));
  return memref::DimOp::create(b, loc, memref, dim);
}

inline Value andAll(OpBuilder &b, Location loc, ArrayRef<Value> conds) {
  Value result = conds.front();
  for (Value c : conds.drop_front())
    result = arith::AndIOp::create(b, loc, result, c);
  return result;
}

inline LogicalResult requireStatic(PatternRewriter &rewriter, Operation *op,
                                   ValueRange tiles) {
  for (Value tile : tiles)
    if (!cast<MemRefType>(tile.getType()).hasStaticShape())
      return rewriter.notifyMatchFailure(op, "tile shape is not static");
  return success();
}

/// tl.gemm as loops over the accumulator tile with a k loop inside, the
/// n dimension in vectors of `vectorWidth` (FMAs when `fused`).
void populateGemmPatterns(RewritePatternSet &patterns, unsigned vectorWidth,
                          bool fused);

} // namespace mlir::tl::host

#endif // TL_LIB_CONVERSION_TLTOHOST_HOSTPATTERNS_H
