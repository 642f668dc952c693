//===- Compare.h - Output validation under the guide's tolerances -*- C++
//-*-===//
//
// Part of the runtime: no MLIR or LLVM inside.
//
//===----------------------------------------------------------------------===//

#ifndef TL_RUNTIME_COMPARE_H
#define TL_RUNTIME_COMPARE_H

#include "tl/Runtime/DType.h"

#include <cstddef>
#include <string>

namespace tlrt {

/// The guide's defaults: rtol = atol = 1e-2, at most 1% mismatched.
struct Tolerance {
  double rtol = 1e-2;
  double atol = 1e-2;
  double maxMismatchedRatio = 0.01;
};

struct CompareResult {
  size_t count = 0;
  size_t mismatched = 0;
  double maxAbsError = 0;
  double maxRelError = 0;
  /// First mismatched element, or -1.
  long long firstMismatch = -1;
  bool passed = true;

  double mismatchedRatio() const {
    return count ? static_cast<double>(mismatched) / count : 0.0;
  }
  /// "3 of 65536 elements (0.0046%) off, max abs error 0.12, ..."
  std::string summary() const;
};

/// Element i matches when |got - want| <= atol + rtol * |want| (NaN matches
/// only NaN); passes when at most `maxMismatchedRatio` of the elements
/// mismatch. `want` holds doubles (a reference computed in double).
CompareResult compare(const void *got, DType dtype, const double *want,
                      size_t count, const Tolerance &tol = {});

/// The same with a reference of any element type (a host reference's
/// outputs as the kernel wrote them, or an .npy file's values).
CompareResult compare(const void *got, DType dtype, const void *want,
                      DType wantType, size_t count, const Tolerance &tol = {});

} // namespace tlrt

#endif // TL_RUNTIME_COMPARE_H
