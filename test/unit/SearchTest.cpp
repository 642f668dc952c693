//===- SearchTest.cpp - Search strategies on a synthetic objective --------===//
//
// The strategies of Search.h driven by a known function of the knobs: no
// compiler, no device.
//
//===----------------------------------------------------------------------===//

#include "tl/Tuner/Search.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "gtest/gtest.h"

using namespace mlir::tl;

namespace {

/// A GEMM-like space: block_M, block_N in 16..256, block_K in 16..128,
/// stages 1..5, threads 64..512 (2000 configs).
KnobTable gemmSpace() {
  KnobTable space;
  for (double m : {16, 32, 64, 128, 256})
    for (double n : {16, 32, 64, 128, 256})
      for (double k : {16, 32, 64, 128})
        for (double s : {1, 2, 3, 4, 5})
          for (double t : {64, 128, 256, 512})
            space.push_back({m, n, k, s, t});
  return space;
}

/// Milliseconds with one best config (128, 128, 64, 3, 256) and smooth
/// slopes around it, as tile sizes give; 1 in 7 configs "fails".
double objective(const std::vector<double> &c, bool &ok) {
  ok = static_cast<int>(c[0] + 3 * c[1] + 5 * c[2] + 7 * c[3] + c[4]) % 7 != 3;
  double dm = std::log2(c[0] / 128), dn = std::log2(c[1] / 128);
  double dk = std::log2(c[2] / 64), ds = c[3] - 3, dt = std::log2(c[4] / 256);
  return 1.0 + 0.3 * dm * dm + 0.3 * dn * dn + 0.1 * dm * dn + 0.15 * dk * dk +
         0.05 * ds * ds + 0.1 * dt * dt;
}

/// Runs `strategy` for `budget` configs, in batches of `want`; returns the
/// best objective found, and the configs in proposal order.
double drive(SearchStrategy &strategy, const KnobTable &space, size_t budget,
             size_t want, std::vector<size_t> &order) {
  double best = 1e30;
  while (order.size() < budget) {
    std::vector<size_t> batch =
        strategy.propose(std::min(want, budget - order.size()));
    if (batch.empty())
      break;
    for (size_t i : batch) {
      order.push_back(i);
      bool ok;
      double ms = objective(space[i], ok);
      strategy.observe(i, ok, ms);
      if (ok)
        best = std::min(best, ms);
    }
  }
  return best;
}

std::unique_ptr<SearchStrategy> make(const std::string &name,
                                     const KnobTable &space, uint64_t seed) {
  SearchOptions options;
  options.strategy = name;
  std::string error;
  std::unique_ptr<SearchStrategy> s = makeStrategy(options, space, seed, error);
  EXPECT_TRUE(s) << error;
  return s;
}

TEST(Search, ExhaustiveProposesTheSpaceInOrder) {
  KnobTable space(5, std::vector<double>{1});
  std::unique_ptr<SearchStrategy> s = make("exhaustive", space, 7);
  EXPECT_EQ(s->propose(2), (std::vector<size_t>{0, 1}));
  EXPECT_EQ(s->propose(10), (std::vector<size_t>{2, 3, 4}));
  EXPECT_TRUE(s->propose(10).empty());
}

TEST(Search, RandomIsASeededPermutation) {
  KnobTable space = gemmSpace();
  std::vector<size_t> a, b, c;
  drive(*make("random", space, 1), space, space.size(), 64, a);
  drive(*make("random", space, 1), space, space.size(), 7, b);
  drive(*make("random", space, 2), space, space.size(), 64, c);
  EXPECT_EQ(a.size(), space.size());
  EXPECT_EQ(std::set<size_t>(a.begin(), a.end()).size(), space.size())
      << "every config once";
  EXPECT_EQ(a, b) << "the same seed, whatever the batches";
  EXPECT_NE(a, c) << "another seed";
  EXPECT_FALSE(std::is_sorted(a.begin(), a.end()));
}

TEST(Search, ModelIsReproducibleWithItsSeed) {
  KnobTable space = gemmSpace();
  std::vector<size_t> a, b, c;
  drive(*make("model", space, 3), space, 80, 64, a);
  drive(*make("model", space, 3), space, 80, 64, b);
  drive(*make("model", space, 4), space, 80, 64, c);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  EXPECT_EQ(std::set<size_t>(a.begin(), a.end()).size(), a.size())
      << "no config proposed twice";
}

TEST(Search, ModelWaitsForItsBatch) {
  KnobTable space = gemmSpace();
  std::unique_ptr<SearchStrategy> s = make("model", space, 1);
  std::vector<size_t> batch = s->propose(100);
  ASSERT_FALSE(batch.empty());
  EXPECT_LE(batch.size(), 100u);
  EXPECT_TRUE(s->propose(100).empty()) << "nothing observed yet";
  for (size_t i : batch)
    s->observe(i, true, 1.0);
  EXPECT_FALSE(s->propose(100).empty());
}

TEST(Search, ModelFindsTheBestWithABudgetRandomRarelyDoes) {
  // Over seeds: with 96 of the 2000 configs the model gets within 3% of
  // the best every time; random sampling of the same budget does not
  // (a 3% neighbourhood holds few configs).
  KnobTable space = gemmSpace();
  double optimum = 1e30;
  for (const std::vector<double> &c : space) {
    bool ok;
    double ms = objective(c, ok);
    if (ok)
      optimum = std::min(optimum, ms);
  }
  int modelHits = 0, randomHits = 0;
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    std::vector<size_t> m, r;
    double mb = drive(*make("model", space, seed), space, 96, 64, m);
    double rb = drive(*make("random", space, seed), space, 96, 64, r);
    modelHits += mb <= 1.03 * optimum;
    randomHits += rb <= 1.03 * optimum;
  }
  EXPECT_EQ(modelHits, 5);
  EXPECT_LE(randomHits, 2);
}

TEST(Search, UnknownStrategyNamesTheChoices) {
  SearchOptions options;
  options.strategy = "annealing";
  std::string error;
  EXPECT_FALSE(makeStrategy(options, KnobTable(3), 1, error));
  EXPECT_NE(error.find("unknown --strategy 'annealing'; use exhaustive, "
                       "random, halving or model"),
            std::string::npos)
      << error;
}

TEST(Search, BudgetIsConfigsOrSeconds) {
  SearchOptions options;
  std::string error;
  ASSERT_TRUE(parseBudget("200", options, error));
  EXPECT_EQ(options.budget, 200u);
  EXPECT_EQ(options.budgetSeconds, 0);
  ASSERT_TRUE(parseBudget("60s", options, error));
  EXPECT_EQ(options.budget, 0u);
  EXPECT_EQ(options.budgetSeconds, 60);
  ASSERT_TRUE(parseBudget("1.5s", options, error));
  EXPECT_EQ(options.budgetSeconds, 1.5);
  ASSERT_TRUE(parseBudget("0", options, error));
  EXPECT_EQ(options.budget, 0u);
  for (const char *bad : {"abc", "-3", "2.5", "s", "60m", "10 s"}) {
    EXPECT_FALSE(parseBudget(bad, options, error)) << bad;
    EXPECT_NE(error.find("--budget '" + std::string(bad) + "'"),
              std::string::npos)
        << error;
  }
}

} // namespace
