//===- fuzz-constraint.cpp - libFuzzer over the constraint language -------===//
//
// Input: a constraint expression. It is parsed and, when it parses,
// evaluated with every identifier bound to values at the edges of int64
// (0, 1, -1, INT64_MIN, INT64_MAX, ...): errors are expected, a trap or a
// sanitizer report is a bug.
//
//===----------------------------------------------------------------------===//

#include "tl/Dialect/TL/Transforms/ConstraintExpr.h"

#include <cstdint>
#include <limits>
#include <string>

using namespace mlir;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string error;
  std::unique_ptr<tl::ConstraintExpr> expr = tl::ConstraintExpr::parse(
      StringRef(reinterpret_cast<const char *>(data), size), error);
  if (!expr)
    return 0;
  const int64_t edges[] = {0,
                           1,
                           -1,
                           2,
                           std::numeric_limits<int64_t>::min(),
                           std::numeric_limits<int64_t>::max(),
                           std::numeric_limits<int64_t>::min() + 1,
                           4096};
  for (int64_t value : edges) {
    size_t n = 0;
    (void)expr->evaluate(
        [&](StringRef) -> std::optional<int64_t> {
          return edges[(static_cast<uint64_t>(value) + n++) & 7];
        },
        error);
  }
  return 0;
}
