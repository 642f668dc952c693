//===- LoweringUtils.h - Pieces every tl lowering shares --------*- C++ -*-===//

#ifndef TL_CONVERSION_LOWERINGUTILS_H
#define TL_CONVERSION_LOWERINGUTILS_H

#include "tl/Dialect/TL/IR/TLOps.h"

#include "mlir/IR/Builders.h"

namespace mlir::tl {

/// Converts `value` (a scalar or a vector) to element type `to`: float
/// extension or truncation, signed integer extension or truncation, or
/// nothing when the types agree. What tl.copy and tl.gemm do with differing
/// element types.
Value convertElementType(OpBuilder &b, Location loc, Value value, Type to);

/// The zero of `type` (a scalar), as a constant.
Value zeroOf(OpBuilder &b, Location loc, Type type);

/// The element of `memref` at `indices` where `inBounds` (an i1) holds, else
/// zero: a read that never leaves the buffer (an scf.if around the load).
Value loadOrZero(OpBuilder &b, Location loc, Value memref, ValueRange indices,
                 Value inBounds);

/// The identity of reduction `kind` on `type` (-inf / the smallest integer
/// for max, +inf / the largest for min, zero otherwise).
Value buildReduceIdentity(OpBuilder &b, Location loc, ReduceKind kind,
                          Type type);

/// `acc` combined with `value` by `kind` (taking |value| for the abs kinds).
Value buildReduceCombine(OpBuilder &b, Location loc, ReduceKind kind, Value acc,
                         Value value);

/// Checks what every lowering needs of a kernel and says what is missing:
/// every tile (tl.alloc_shared / tl.alloc_fragment) and every tensor
/// argument has a static shape. `kernel` is a specialized tl.func.
LogicalResult verifyStaticShapes(FuncOp kernel);

/// `type` without a `#tl.memory` space: what a lowering gives to buffers
/// once tl's memory spaces have been mapped.
MemRefType stripTLMemorySpace(MemRefType type);

} // namespace mlir::tl

#endif // TL_CONVERSION_LOWERINGUTILS_H
