//===- Compare.cpp - Output validation under the guide's tolerances -------===//

#include "tl/Runtime/Compare.h"

#include <cmath>
#include <cstdio>

using namespace tlrt;

CompareResult tlrt::compare(const void *got, DType dtype, const double *want,
                              size_t count, const Tolerance &tol) {
  CompareResult r;
  r.count = count;
  for (size_t i = 0; i < count; ++i) {
    double g = loadElement(got, dtype, i), w = want[i];
    bool match;
    if (std::isnan(w) || std::isnan(g)) {
      match = std::isnan(w) && std::isnan(g);
    } else {
      double err = std::fabs(g - w);
      match = err <= tol.atol + tol.rtol * std::fabs(w);
      if (std::isfinite(err)) {
        r.maxAbsError = std::fmax(r.maxAbsError, err);
        if (w != 0)
          r.maxRelError = std::fmax(r.maxRelError, err / std::fabs(w));
      } else if (g != w) {
        match = false;
        r.maxAbsError = INFINITY;
      }
    }
    if (!match) {
      if (r.firstMismatch < 0)
        r.firstMismatch = static_cast<long long>(i);
      ++r.mismatched;
    }
  }
  r.passed = r.mismatchedRatio() <= tol.maxMismatchedRatio;
  return r;
}

std::string CompareResult::summary() const {
  char buf[256];
  std::snprintf(buf, sizeof(buf),
                "%zu of %zu elements off (%.4f%%), max abs error %.3g, max rel "
                "error %.3g%s",
                mismatched, count, 100.0 * mismatchedRatio(), maxAbsError,
                maxRelError, passed ? "" : " - FAILED");
  std::string s(buf);
  if (firstMismatch >= 0)
    s += ", first at element " + std::to_string(firstMismatch);
  return s;
}
