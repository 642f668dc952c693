//===- Search.h - Which configs of the space a tuning runs ------*- C++ -*-===//
//
// The search strategy picks the configs of the kept space that are
// compiled and run: all of them (exhaustive), or a budget of them drawn
// uniformly at random with the run's seed, so that the same seed tunes the
// same configs. Only the picked configs are compiled.
//
//===----------------------------------------------------------------------===//

#ifndef TL_TUNER_SEARCH_H
#define TL_TUNER_SEARCH_H

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mlir::tl {

struct SearchOptions {
  /// "exhaustive" or "random".
  std::string strategy = "exhaustive";
  /// The most configs to run; 0: every config the strategy visits.
  uint64_t budget = 0;

  /// The part of the tuning key that changes which configs run.
  std::string keyText() const;
};

/// The indices (ascending) of the configs of a space of `n` that `options`
/// runs, drawn with `seed`; nullopt with `error` for an unknown strategy.
std::optional<std::vector<size_t>> selectConfigs(const SearchOptions &options,
                                                 size_t n, uint64_t seed,
                                                 std::string &error);

} // namespace mlir::tl

#endif // TL_TUNER_SEARCH_H
