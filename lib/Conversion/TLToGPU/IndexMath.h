//===- IndexMath.h - Index arithmetic of the CUDA lowering ------*- C++ -*-===//
//
// Private to lib/Conversion/TLToGPU: builders of the index arithmetic and
// guards the op families emit (constants, sums, products, comparisons,
// one-thread branches), and what can be known of an index statically.
//
//===----------------------------------------------------------------------===//

#ifndef TL_LIB_CONVERSION_TLTOGPU_INDEXMATH_H
#define TL_LIB_CONVERSION_TLTOGPU_INDEXMATH_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Matchers.h"

#include <optional>

namespace mlir::tl::cuda {

inline Value cIdx(OpBuilder &b, Location l, int64_t v) {
  return arith::ConstantIndexOp::create(b, l, v);
}
inline Value add(OpBuilder &b, Location l, Value x, Value y) {
  return arith::AddIOp::create(b, l, x, y);
}
inline Value mul(OpBuilder &b, Location l, Value x, Value y) {
  return arith::MulIOp::create(b, l, x, y);
}
/// x + y, a constant when x is one (static trip counts stay visible).
inline Value add(OpBuilder &b, Location l, Value x, int64_t y) {
  APInt c;
  if (matchPattern(x, m_ConstantInt(&c)))
    return cIdx(b, l, c.getSExtValue() + y);
  return y == 0 ? x : add(b, l, x, cIdx(b, l, y));
}
/// Iteration k of a pipelined loop from `lb`, counted on from `base`
/// iterations of the same loop before (a persistent kernel's earlier tiles;
/// null: none): what its stage and mbarrier phase follow.
inline Value pipelineIteration(OpBuilder &b, Location l, Value k, Value lb,
                               Value base) {
  Value rel = arith::SubIOp::create(b, l, k, lb);
  return base ? add(b, l, rel, base) : rel;
}
inline Value ult(OpBuilder &b, Location l, Value x, Value y) {
  return arith::CmpIOp::create(b, l, arith::CmpIPredicate::ult, x, y);
}
/// An index as the i32 that NVVM's TMA coordinates and barrier ids take.
inline Value toI32(OpBuilder &b, Location l, Value index) {
  return arith::IndexCastOp::create(b, l, b.getI32Type(), index);
}
inline Value andV(OpBuilder &b, Location l, Value x, Value y) {
  if (!x)
    return y;
  if (!y)
    return x;
  return arith::AndIOp::create(b, l, x, y);
}

/// A builder into the then-block of `if (v == c)` (one thread, one lane).
inline OpBuilder whenEquals(OpBuilder &b, Location l, Value v, int64_t c) {
  auto op = scf::IfOp::create(
      b, l,
      arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq, v, cIdx(b, l, c)));
  return op.getThenBodyBuilder();
}

inline std::optional<int64_t> constantOf(Value v) {
  APInt c;
  if (matchPattern(v, m_ConstantInt(&c)))
    return c.getSExtValue();
  return std::nullopt;
}

/// Whether `v` is provably a multiple of `m` (constants, products with a
/// constant multiple, sums of multiples).
inline bool isKnownMultiple(Value v, int64_t m) {
  if (m <= 1)
    return true;
  if (std::optional<int64_t> c = constantOf(v))
    return *c % m == 0;
  if (auto op = v.getDefiningOp<arith::MulIOp>())
    return isKnownMultiple(op.getLhs(), m) || isKnownMultiple(op.getRhs(), m);
  if (auto op = v.getDefiningOp<arith::AddIOp>())
    return isKnownMultiple(op.getLhs(), m) && isKnownMultiple(op.getRhs(), m);
  return false;
}

} // namespace mlir::tl::cuda

#endif // TL_LIB_CONVERSION_TLTOGPU_INDEXMATH_H
