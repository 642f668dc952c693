//===- Passes.h - tl transformation passes ----------------------*- C++ -*-===//

#ifndef TL_DIALECT_TL_TRANSFORMS_PASSES_H
#define TL_DIALECT_TL_TRANSFORMS_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::tl {

#define GEN_PASS_DECL
#include "tl/Dialect/TL/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "tl/Dialect/TL/Transforms/Passes.h.inc"

} // namespace mlir::tl

#endif // TL_DIALECT_TL_TRANSFORMS_PASSES_H
