//===- Compare.cpp - Output validation under the guide's tolerances -------===//

#include "tl/Runtime/Compare.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <thread>
#include <vector>

using namespace tlrt;

/// Compares elements [begin, end), reading them with `loadGot` and
/// `loadWant` (index -> double).
template <typename LoadGot, typename LoadWant>
static CompareResult compareRange(LoadGot loadGot, LoadWant loadWant,
                                  size_t begin, size_t end,
                                  const Tolerance &tol) {
  CompareResult r;
  for (size_t i = begin; i < end; ++i) {
    double g = loadGot(i), w = loadWant(i);
    if (g == w)
      continue; // equal: matches, no error (NaN is never equal)
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
  return r;
}

/// Calls `fn` with a loader (index -> double) for `data` of `dtype`; the
/// common floating-point types get one the compiler can inline.
template <typename Fn>
static CompareResult withLoader(const void *data, DType dtype, Fn fn) {
  switch (dtype) {
  case DType::F16: {
    const float *table = halfToFloatTable();
    auto *p = static_cast<const uint16_t *>(data);
    return fn([=](size_t i) { return static_cast<double>(table[p[i]]); });
  }
  case DType::BF16: {
    auto *p = static_cast<const uint16_t *>(data);
    return fn([=](size_t i) {
      uint32_t bits = static_cast<uint32_t>(p[i]) << 16;
      float f;
      std::memcpy(&f, &bits, sizeof(f));
      return static_cast<double>(f);
    });
  }
  case DType::F32: {
    auto *p = static_cast<const float *>(data);
    return fn([=](size_t i) { return static_cast<double>(p[i]); });
  }
  case DType::F64: {
    auto *p = static_cast<const double *>(data);
    return fn([=](size_t i) { return p[i]; });
  }
  default:
    return fn([=](size_t i) { return loadElement(data, dtype, i); });
  }
}

static CompareResult compareRange(const void *got, DType dtype,
                                  const void *want, DType wantType,
                                  size_t begin, size_t end,
                                  const Tolerance &tol) {
  return withLoader(got, dtype, [&](auto loadGot) {
    return withLoader(want, wantType, [&](auto loadWant) {
      return compareRange(loadGot, loadWant, begin, end, tol);
    });
  });
}

CompareResult tlrt::compare(const void *got, DType dtype, const double *want,
                            size_t count, const Tolerance &tol) {
  return compare(got, dtype, want, DType::F64, count, tol);
}

CompareResult tlrt::compare(const void *got, DType dtype, const void *want,
                            DType wantType, size_t count,
                            const Tolerance &tol) {
  // Large outputs are split over the hardware threads.
  unsigned threads = count < (1u << 20)
                         ? 1
                         : std::max(1u, std::thread::hardware_concurrency());
  std::vector<CompareResult> parts(threads);
  std::vector<std::thread> workers;
  size_t chunk = (count + threads - 1) / threads;
  for (unsigned t = 0; t < threads; ++t) {
    size_t begin = std::min(count, t * chunk);
    size_t end = std::min(count, begin + chunk);
    auto work = [&, t, begin, end] {
      parts[t] = compareRange(got, dtype, want, wantType, begin, end, tol);
    };
    if (threads == 1)
      work();
    else
      workers.emplace_back(work);
  }
  for (std::thread &w : workers)
    w.join();
  CompareResult r;
  r.count = count;
  for (const CompareResult &p : parts) {
    r.mismatched += p.mismatched;
    r.maxAbsError = std::fmax(r.maxAbsError, p.maxAbsError);
    r.maxRelError = std::fmax(r.maxRelError, p.maxRelError);
    if (r.firstMismatch < 0 && p.firstMismatch >= 0)
      r.firstMismatch = p.firstMismatch;
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
  // Errors with NaN on either side are not numbers: they count as
  // mismatches but leave the maxima at 0.
  if (mismatched && maxAbsError == 0 && maxRelError == 0)
    s += " (every mismatch is a NaN where a number was expected, or a "
         "number where NaN was: unwritten or undefined outputs)";
  if (firstMismatch >= 0)
    s += ", first at element " + std::to_string(firstMismatch);
  return s;
}
