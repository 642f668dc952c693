//===- Search.cpp - Which configs of the space a tuning runs --------------===//

#include "tl/Tuner/Search.h"

#include <Eigen/Cholesky>
#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>

using namespace mlir::tl;

std::string SearchOptions::keyText() const {
  std::string text =
      "strategy=" + strategy + " budget=" + std::to_string(budget);
  if (budgetSeconds > 0)
    text += " budget_s=" + std::to_string(budgetSeconds);
  return text;
}

bool mlir::tl::parseBudget(const std::string &text, SearchOptions &options,
                           std::string &error) {
  options.budget = 0;
  options.budgetSeconds = 0;
  if (text.empty() || text == "0")
    return true;
  bool seconds = text.back() == 's';
  std::string number = seconds ? text.substr(0, text.size() - 1) : text;
  char *end = nullptr;
  double value = std::strtod(number.c_str(), &end);
  bool whole = !number.empty() && end == number.c_str() + number.size();
  if (!whole || !(value > 0) || (!seconds && value != std::floor(value))) {
    error = "--budget '" + text +
            "' is neither a number of configs (200) nor of seconds (60s)";
    return false;
  }
  if (seconds)
    options.budgetSeconds = value;
  else
    options.budget = static_cast<uint64_t>(value);
  return true;
}

namespace {

/// Every config, in an order fixed up front.
class OrderStrategy : public SearchStrategy {
public:
  explicit OrderStrategy(std::vector<size_t> order) : order(std::move(order)) {}
  std::vector<size_t> propose(size_t want) override {
    size_t take = std::min(want, order.size() - next);
    std::vector<size_t> batch(order.begin() + next,
                              order.begin() + next + take);
    next += take;
    return batch;
  }

private:
  std::vector<size_t> order;
  size_t next = 0;
};

/// The space in an order drawn with `seed` (Fisher-Yates on mt19937_64,
/// whose output the C++ standard fixes: the same everywhere).
std::vector<size_t> shuffled(size_t n, std::mt19937_64 &rng) {
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  for (size_t i = 0; i + 1 < n; ++i)
    std::swap(order[i], order[i + static_cast<size_t>(rng() % (n - i))]);
  return order;
}

/// Each knob of `knobs` scaled to [0, 1]: log2 of the values when they are
/// all positive (tile sizes double), linear otherwise.
Eigen::MatrixXd scaledKnobs(const KnobTable &knobs) {
  size_t n = knobs.size(), d = n ? knobs.front().size() : 0;
  Eigen::MatrixXd x(n, d);
  for (size_t j = 0; j < d; ++j) {
    bool positive = true;
    for (size_t i = 0; i < n; ++i)
      positive &= knobs[i][j] > 0;
    for (size_t i = 0; i < n; ++i)
      x(i, j) = positive ? std::log2(knobs[i][j]) : knobs[i][j];
    double lo = x.col(j).minCoeff(), hi = x.col(j).maxCoeff();
    if (hi > lo)
      x.col(j) = ((x.col(j).array() - lo) / (hi - lo)).matrix();
    else
      x.col(j).setZero();
  }
  return x;
}

/// Bayesian optimisation over the knobs: see the file comment of Search.h.
class ModelStrategy : public SearchStrategy {
public:
  ModelStrategy(const KnobTable &knobs, uint64_t seed)
      : x(scaledKnobs(knobs)), rng(seed), proposed(knobs.size(), 0) {}

  std::vector<size_t> propose(size_t want) override {
    if (outstanding || want == 0)
      return {};
    size_t left = std::count(proposed.begin(), proposed.end(), 0);
    size_t take = std::min({want, left, kBatch});
    std::vector<size_t> batch =
        seen.size() < kBatch ? randomBatch(take) : modelBatch(take);
    for (size_t i : batch)
      proposed[i] = 1;
    outstanding = batch.size();
    return batch;
  }

  void observe(size_t index, bool ok, double ms) override {
    if (outstanding)
      --outstanding;
    seen.push_back({index, ok && ms > 0 ? std::log(ms) : kFailed});
  }

private:
  static constexpr size_t kBatch = 16;
  static constexpr size_t kMaxCandidates = 4096;
  static constexpr double kFailed = std::numeric_limits<double>::infinity();

  std::vector<size_t> unproposed() {
    std::vector<size_t> free;
    for (size_t i = 0; i < proposed.size(); ++i)
      if (!proposed[i])
        free.push_back(i);
    return free;
  }

  std::vector<size_t> randomBatch(size_t take) {
    std::vector<size_t> free = unproposed();
    std::vector<size_t> order = shuffled(free.size(), rng);
    std::vector<size_t> batch;
    for (size_t i = 0; i < take; ++i)
      batch.push_back(free[order[i]]);
    return batch;
  }

  /// The batch of highest expected improvement, one at a time: after each
  /// pick, the model believes its prediction there (kriging believer), so
  /// the variance around it shrinks and the next pick goes elsewhere.
  std::vector<size_t> modelBatch(size_t take) {
    // Observations in index order (not arrival order), so that the same
    // observations fit the same model. Failures are left out: where a
    // config fails says little about how fast its neighbours run, and they
    // are never proposed again anyway.
    std::vector<std::pair<size_t, double>> obs;
    for (const auto &o : seen)
      if (o.second != kFailed)
        obs.push_back(o);
    std::sort(obs.begin(), obs.end());
    if (obs.size() < 2)
      return randomBatch(take); // nothing to fit yet
    size_t n = obs.size();
    Eigen::VectorXd y(n);
    Eigen::MatrixXd xo(n, x.cols());
    for (size_t r = 0; r < n; ++r) {
      y(r) = obs[r].second;
      xo.row(r) = x.row(obs[r].first);
    }
    double mean = y.mean();
    double sd = std::sqrt((y.array() - mean).square().mean());
    y = (y.array() - mean) / (sd > 0 ? sd : 1);

    std::vector<size_t> free = unproposed();
    if (free.size() > kMaxCandidates) {
      std::vector<size_t> order = shuffled(free.size(), rng);
      std::vector<size_t> some;
      for (size_t i = 0; i < kMaxCandidates; ++i)
        some.push_back(free[order[i]]);
      std::sort(some.begin(), some.end());
      free = std::move(some);
    }
    Eigen::MatrixXd xc(free.size(), x.cols());
    for (size_t r = 0; r < free.size(); ++r)
      xc.row(r) = x.row(free[r]);

    // The length scale of highest marginal likelihood, from a grid.
    double bestEvidence = -std::numeric_limits<double>::infinity();
    Eigen::LLT<Eigen::MatrixXd> llt;
    double scale = 0;
    for (double l : {0.1, 0.2, 0.35, 0.6, 1.0}) {
      Eigen::LLT<Eigen::MatrixXd> fit(kernel(xo, xo, l) +
                                      kNoise * Eigen::MatrixXd::Identity(n, n));
      if (fit.info() != Eigen::Success)
        continue;
      Eigen::VectorXd alpha = fit.solve(y);
      double evidence =
          -0.5 * y.dot(alpha) -
          fit.matrixL().toDenseMatrix().diagonal().array().log().sum();
      if (evidence > bestEvidence) {
        bestEvidence = evidence;
        llt = fit;
        scale = l;
      }
    }
    if (scale == 0)
      return randomBatch(take);
    Eigen::MatrixXd kxc = kernel(xo, xc, scale);  // n x m
    Eigen::MatrixXd v = llt.matrixL().solve(kxc); // n x m
    Eigen::VectorXd mu = kxc.transpose() * llt.solve(y);
    Eigen::VectorXd var =
        (1.0 - v.colwise().squaredNorm().array()).max(1e-12).matrix();
    double best = y.minCoeff();

    std::vector<size_t> batch;
    std::vector<char> taken(free.size(), 0);
    std::vector<Eigen::VectorXd> believed; // c_j over the candidates
    for (size_t pick = 0; pick < take; ++pick) {
      size_t choice = free.size();
      double top = -1;
      for (size_t c = 0; c < free.size(); ++c) {
        if (taken[c])
          continue;
        double ei = expectedImprovement(best, mu(c), std::sqrt(var(c)));
        if (ei > top) {
          top = ei;
          choice = c;
        }
      }
      if (choice == free.size())
        break;
      taken[choice] = 1;
      batch.push_back(free[choice]);
      best = std::min(best, mu(choice));
      // The posterior covariance with the pick, less what earlier picks
      // explained; conditioning on it lowers the variance near it.
      Eigen::VectorXd cov =
          kernel(xc, xc.row(choice), scale) - v.transpose() * v.col(choice);
      for (const Eigen::VectorXd &c : believed)
        cov -= c * c(choice);
      Eigen::VectorXd c = cov / std::sqrt(std::max(var(choice), 1e-12));
      var = (var.array() - c.array().square()).max(1e-12).matrix();
      believed.push_back(std::move(c));
    }
    return batch;
  }

  static constexpr double kNoise = 1e-3;

  static Eigen::MatrixXd kernel(const Eigen::MatrixXd &a,
                                const Eigen::MatrixXd &b, double scale) {
    Eigen::MatrixXd d2 =
        (-2.0 * a * b.transpose()).colwise() + a.rowwise().squaredNorm();
    d2.rowwise() += b.rowwise().squaredNorm().transpose();
    return (-d2.array().max(0.0) / (2 * scale * scale)).exp().matrix();
  }

  static double expectedImprovement(double best, double mu, double sigma) {
    double gain = best - mu;
    if (sigma <= 0)
      return std::max(gain, 0.0);
    double z = gain / sigma;
    double cdf = 0.5 * std::erfc(-z / std::sqrt(2.0));
    double pdf = std::exp(-0.5 * z * z) / std::sqrt(2 * M_PI);
    return gain * cdf + sigma * pdf;
  }

  Eigen::MatrixXd x; // the space's knobs, scaled
  std::mt19937_64 rng;
  std::vector<char> proposed;
  size_t outstanding = 0;
  std::vector<std::pair<size_t, double>> seen; // index, log ms (or failed)
};

} // namespace

std::unique_ptr<SearchStrategy>
mlir::tl::makeStrategy(const SearchOptions &options, const KnobTable &knobs,
                       uint64_t seed, std::string &error) {
  size_t n = knobs.size();
  std::mt19937_64 rng(seed);
  if (options.strategy == "exhaustive") {
    std::vector<size_t> order(n);
    std::iota(order.begin(), order.end(), 0);
    return std::make_unique<OrderStrategy>(std::move(order));
  }
  if (options.strategy == "random" || options.strategy == "halving")
    return std::make_unique<OrderStrategy>(shuffled(n, rng));
  if (options.strategy == "model")
    return std::make_unique<ModelStrategy>(knobs, seed);
  error = "unknown --strategy '" + options.strategy +
          "'; use exhaustive, random, halving or model";
  return nullptr;
}
