//===- Supply.h - Kernel inputs: generators and .npy files ------*- C++ -*-===//
//
// Part of the runtime: no MLIR or LLVM inside. The guide's TensorSupplyType
// generators, seeded so that every candidate sees identical data, and
// NumPy .npy files for user-given inputs and references.
//
//===----------------------------------------------------------------------===//

#ifndef TL_RUNTIME_SUPPLY_H
#define TL_RUNTIME_SUPPLY_H

#include "tl/Runtime/DType.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tlrt {

/// TileLang's TensorSupplyType.
enum class SupplyType { Auto, Integer, Uniform, Normal, Randn, Zero, One };

std::optional<SupplyType> parseSupplyType(const std::string &name);
const char *supplyTypeName(SupplyType type);

/// Fills `count` elements of `dtype` at `data` from `type`, reproducibly
/// from `seed`:
///  - Auto: integers uniform in [-2, 2] for integer dtypes, Uniform for
///    floats;
///  - Integer: integers uniform in [-2, 2] (stored as `dtype`);
///  - Uniform: uniform in [-1, 1]; Normal / Randn: mean 0, std 1;
///  - Zero / One: constants.
/// Generated on every hardware thread, in chunks of 2^20 elements each
/// drawn from its own stream (the first from `seed` itself): the values do
/// not depend on the thread count, and a shorter fill is a prefix.
void fillBuffer(void *data, DType dtype, size_t count, SupplyType type,
                uint64_t seed);

/// A host array read from or written to an .npy file.
struct NpyArray {
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  std::vector<unsigned char> data;
  /// An unsigned array (uint16 '<u2', uint8 '|u1'): numpy has no bfloat16 or
  /// fp8, so such tensors travel as their bit patterns; `dtype` is then the
  /// signed integer of that size, and only a bf16 (uint16) or fp8 (uint8)
  /// argument takes the array (see takesBitPatterns).
  bool bitPatterns = false;
  size_t numElements() const;
};

/// Whether `array` holds values of `dtype`: the same dtype, or the bit
/// patterns of a bf16 / fp8 `dtype`.
bool holdsValuesOf(const NpyArray &array, DType dtype);

/// Reads a C-order, little-endian .npy file (versions 1-3) of dtype f2, f4,
/// f8, i1, i2, i4, i8, or u2 / u1 (bit patterns of bf16 / fp8). Returns false
/// and sets `error` naming the file and problem.
bool readNpy(const std::string &path, NpyArray &array, std::string &error);
/// The same from the file's bytes (`name` for messages). The header is
/// parsed strictly, the shape checked for overflow and against the data
/// size before anything is allocated.
bool parseNpy(const std::string &bytes, const std::string &name,
              NpyArray &array, std::string &error);
bool writeNpy(const std::string &path, const NpyArray &array,
              std::string &error);

} // namespace tlrt

#endif // TL_RUNTIME_SUPPLY_H
