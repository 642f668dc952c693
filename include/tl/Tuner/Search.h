//===- Search.h - Which configs of the space a tuning runs ------*- C++ -*-===//
//
// A search strategy proposes the configs of the kept space to compile and
// screen, a few at a time, and learns each one's screened median (or that
// it failed) before it proposes more; only proposed configs are compiled.
//
// - exhaustive: the space in its order;
// - random: the space in an order drawn with the run's seed;
// - halving: successive halving: random order, screened with fewer runs,
//   and the best third promoted rung by rung to the full count (the
//   scheduler's part, SchedulePolicy::halving);
// - model: Bayesian optimisation: a Gaussian process over the knobs
//   (log2 of each value, scaled to [0, 1]) fitted to the log medians seen
//   so far (Eigen), proposing in batches the configs of highest expected
//   improvement; the first batch is random.
//
// Each takes a budget (a number of configs, or seconds of search) and the
// seed; given the same observations, a strategy proposes the same configs.
//
//===----------------------------------------------------------------------===//

#ifndef TL_TUNER_SEARCH_H
#define TL_TUNER_SEARCH_H

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mlir::tl {

struct SearchOptions {
  /// "exhaustive", "random", "halving" or "model".
  std::string strategy = "exhaustive";
  /// The most configs to propose; 0: no limit.
  uint64_t budget = 0;
  /// No config is proposed after this many seconds of tuning; 0: no limit.
  double budgetSeconds = 0;

  /// The part of the tuning key that changes which configs run.
  std::string keyText() const;
};

/// Parses --budget: "200" (configs) or "60s" (seconds of search) into
/// `options`; false with `error` otherwise.
bool parseBudget(const std::string &text, SearchOptions &options,
                 std::string &error);

/// The configs of a space as the model strategy sees them: one row of knob
/// values per config (every row as long).
using KnobTable = std::vector<std::vector<double>>;

class SearchStrategy {
public:
  virtual ~SearchStrategy() = default;
  /// Up to `want` configs (indices into the space) never proposed before;
  /// empty when the strategy waits for what it proposed, or is done.
  virtual std::vector<size_t> propose(size_t want) = 0;
  /// Config `index` was screened (`ok`, median `ms`) or failed.
  virtual void observe(size_t index, bool ok, double ms) {}
};

/// The strategy `options` names over `knobs` (one row per config), drawn
/// with `seed`; null with `error` for an unknown name.
std::unique_ptr<SearchStrategy> makeStrategy(const SearchOptions &options,
                                             const KnobTable &knobs,
                                             uint64_t seed, std::string &error);

} // namespace mlir::tl

#endif // TL_TUNER_SEARCH_H
