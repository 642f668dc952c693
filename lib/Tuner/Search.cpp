//===- Search.cpp - Which configs of the space a tuning runs --------------===//

#include "tl/Tuner/Search.h"

#include <algorithm>
#include <numeric>
#include <random>

using namespace mlir::tl;

std::string SearchOptions::keyText() const {
  return "strategy=" + strategy + " budget=" + std::to_string(budget);
}

std::optional<std::vector<size_t>>
mlir::tl::selectConfigs(const SearchOptions &options, size_t n, uint64_t seed,
                        std::string &error) {
  std::vector<size_t> all(n);
  std::iota(all.begin(), all.end(), 0);
  size_t take = options.budget && options.budget < n
                    ? static_cast<size_t>(options.budget)
                    : n;
  if (options.strategy == "exhaustive") {
    all.resize(take); // the space's order
    return all;
  }
  if (options.strategy != "random") {
    error = "unknown --strategy '" + options.strategy +
            "'; use exhaustive or random";
    return std::nullopt;
  }
  // A partial Fisher-Yates shuffle on mt19937_64, whose output the C++
  // standard fixes: the same seed picks the same configs everywhere.
  std::mt19937_64 rng(seed);
  for (size_t i = 0; i < take; ++i) {
    size_t j = i + static_cast<size_t>(rng() % (n - i));
    std::swap(all[i], all[j]);
  }
  all.resize(take);
  std::sort(all.begin(), all.end());
  return all;
}
