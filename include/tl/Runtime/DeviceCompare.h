//===- DeviceCompare.h - The output check as a GPU kernel -------*- C++ -*-===//
//
// tlrt::compare's rule (Compare.h) as a PTX kernel per element type, so
// that a candidate's outputs are checked where they are, against a
// reference kept on the device, instead of being copied back and compared
// by the CPU. The kernel computes in f64, as the host does, so both give
// the same verdict and errors.
//
//===----------------------------------------------------------------------===//

#ifndef TL_RUNTIME_DEVICECOMPARE_H
#define TL_RUNTIME_DEVICECOMPARE_H

#include "tl/Runtime/Compare.h"
#include "tl/Runtime/DType.h"

#include <cstdint>
#include <optional>
#include <string>

namespace tlrt {

/// The PTX module with one kernel per element type that has one (see
/// compareKernelName); each takes (got, want, count, atol, rtol, out) and
/// folds its part into out[4] (see DeviceCompareTotals).
const std::string &comparePtx();

/// The kernel comparing `dtype` with `dtype`; nullopt for a type (or a pair
/// of types) the device does not compare: the host does.
std::optional<std::string> compareKernelName(DType got, DType want);

/// What the kernels accumulate: mismatched elements, the bit patterns of
/// the largest absolute and relative errors (non-negative doubles order as
/// their bits), the first mismatched index (all ones: none).
struct DeviceCompareTotals {
  uint64_t mismatched = 0;
  uint64_t maxAbsBits = 0;
  uint64_t maxRelBits = 0;
  uint64_t first = ~uint64_t(0);

  /// The result tlrt::compare would give for `count` elements.
  CompareResult result(size_t count, const Tolerance &tol) const;
};

} // namespace tlrt

#endif // TL_RUNTIME_DEVICECOMPARE_H
