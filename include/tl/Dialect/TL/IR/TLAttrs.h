//===- TLAttrs.h - tl dialect attributes ------------------------*- C++ -*-===//

#ifndef TL_DIALECT_TL_IR_TLATTRS_H
#define TL_DIALECT_TL_IR_TLATTRS_H

#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/DialectImplementation.h"

#include "tl/Dialect/TL/IR/TLEnums.h.inc"

namespace mlir::tl {
class ParamAttr;
} // namespace mlir::tl

#include "tl/Dialect/TL/IR/TLAttrInterfaces.h.inc"

#define GET_ATTRDEF_CLASSES
#include "tl/Dialect/TL/IR/TLAttrs.h.inc"

namespace mlir::tl {

/// The memory space of a buffer type: a memref with no memory space is
/// global. Returns std::nullopt for a memory space `tl` does not know.
std::optional<MemorySpace> getMemorySpace(MemRefType type);

/// `#tl.memory<space>` for use in a memref type.
Attribute getMemorySpaceAttr(MLIRContext *ctx, MemorySpace space);

} // namespace mlir::tl

#endif // TL_DIALECT_TL_IR_TLATTRS_H
