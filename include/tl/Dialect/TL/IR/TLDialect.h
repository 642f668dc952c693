//===- TLDialect.h - The tile-language dialect ------------------*- C++ -*-===//

#ifndef TL_DIALECT_TL_IR_TLDIALECT_H
#define TL_DIALECT_TL_IR_TLDIALECT_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Dialect.h"

#include "tl/Dialect/TL/IR/TLDialect.h.inc"

#endif // TL_DIALECT_TL_IR_TLDIALECT_H
