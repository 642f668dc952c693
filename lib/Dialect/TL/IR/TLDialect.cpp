//===- TLDialect.cpp - The tile-language dialect --------------------------===//

#include "tl/Dialect/TL/IR/TLDialect.h"
#include "tl/Dialect/TL/IR/TLAttrs.h"
#include "tl/Dialect/TL/IR/TLOps.h"

using namespace mlir;
using namespace mlir::tl;

#include "tl/Dialect/TL/IR/TLDialect.cpp.inc"

void TLDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "tl/Dialect/TL/IR/TLOps.cpp.inc"
      >();
  registerAttributes();
}

Operation *TLDialect::materializeConstant(OpBuilder &builder, Attribute value,
                                          Type type, Location loc) {
  return arith::ConstantOp::materialize(builder, value, type, loc);
}
