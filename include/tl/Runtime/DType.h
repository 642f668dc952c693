//===- DType.h - Element types the runtime handles --------------*- C++ -*-===//
//
// Part of the runtime: no MLIR or LLVM inside.
//
//===----------------------------------------------------------------------===//

#ifndef TL_RUNTIME_DTYPE_H
#define TL_RUNTIME_DTYPE_H

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace tlrt {

enum class DType { F16, BF16, F32, F64, I8, I16, I32, I64, F8E4M3FN, F8E5M2 };

/// Parses the metadata's dtype names (f16, bf16, f32, ...).
std::optional<DType> parseDType(const std::string &name);
const char *dtypeName(DType dtype);
size_t dtypeSize(DType dtype);
bool isFloat(DType dtype);

/// Element `index` of `data` as a double.
double loadElement(const void *data, DType dtype, size_t index);

/// All 65536 halves as floats (what loadElement looks f16 values up in).
const float *halfToFloatTable();
/// Stores `value` (rounded to nearest even, saturating for integers) as
/// element `index` of `data`.
void storeElement(void *data, DType dtype, size_t index, double value);

} // namespace tlrt

#endif // TL_RUNTIME_DTYPE_H
