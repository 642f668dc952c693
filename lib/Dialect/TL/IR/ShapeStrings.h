//===- ShapeStrings.h - shapes as the tl ops' diagnostics write them ---===//
//
// Private to the tl dialect's op implementations (TLOps.cpp, TLTileOps.cpp).
//
//===----------------------------------------------------------------------===//

#ifndef TL_LIB_DIALECT_TL_IR_SHAPESTRINGS_H
#define TL_LIB_DIALECT_TL_IR_SHAPESTRINGS_H

#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/raw_ostream.h"

#include <string>

namespace mlir::tl::detail {

/// `shape` as `[64x?x16]`.
inline void printShape(raw_ostream &os, ArrayRef<int64_t> shape) {
  os << "[";
  llvm::interleave(
      shape, os,
      [&](int64_t d) {
        if (ShapedType::isDynamic(d))
          os << "?";
        else
          os << d;
      },
      "x");
  os << "]";
}

inline std::string shapeString(ArrayRef<int64_t> shape) {
  std::string s;
  llvm::raw_string_ostream os(s);
  printShape(os, shape);
  return s;
}

} // namespace mlir::tl::detail

#endif // TL_LIB_DIALECT_TL_IR_SHAPESTRINGS_H
