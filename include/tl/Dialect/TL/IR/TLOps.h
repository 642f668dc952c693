//===- TLOps.h - tl dialect operations --------------------------*- C++ -*-===//

#ifndef TL_DIALECT_TL_IR_TLOPS_H
#define TL_DIALECT_TL_IR_TLOPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/RegionKindInterface.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "tl/Dialect/TL/IR/TLAttrs.h"
#include "tl/Dialect/TL/IR/TLDialect.h"

#define GET_OP_CLASSES
#include "tl/Dialect/TL/IR/TLOps.h.inc"

#endif // TL_DIALECT_TL_IR_TLOPS_H
