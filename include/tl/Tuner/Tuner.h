//===- Tuner.h - Compile, benchmark, validate, pick, cache ------*- C++ -*-===//
//
// The guide's autotuner over tl templates: expand the config space, compile
// every kept config in parallel on the MLIR thread pool, run each candidate
// in a worker process (a fault or a hang costs only that candidate),
// validate its outputs against a reference, time it, pick the fastest valid
// one, and cache the result on disk and in memory.
//
//===----------------------------------------------------------------------===//

#ifndef TL_TUNER_TUNER_H
#define TL_TUNER_TUNER_H

#include "tl/Runtime/Compare.h"
#include "tl/Runtime/Device.h"
#include "tl/Runtime/Supply.h"
#include "tl/Target/Tool.h"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace mlir::tl {

struct TuneOptions {
  std::string input; // the template's .mlir file
  // Expansion (tl-expand-configs options).
  std::string instantiate, configsFile, constraint, funcName;
  /// Refuse a config space larger than this (tl-expand-configs
  /// max-configs).
  int64_t maxConfigs = 100000;
  // Compilation.
  std::string target = "auto"; // auto | cuda | hip | host
  std::string chip = "sm_90a";
  /// Compile threads; 0: from the TILELANG_AUTO_TUNING_CPU_* variables.
  uint64_t jobs = 0;
  /// Seconds one config may compile; ptxas or the linker is killed then,
  /// and the config reported as compile_timeout (0: no limit).
  double compileTimeoutSeconds = 120;
  // Profiling (the guide's warmup=25, rep=100, timeout=60).
  int warmup = 25;
  int rep = 100;
  /// Time budgets in ms instead of the counts, when > 0 (Triton's do_bench).
  double warmupMs = 0, repMs = 0;
  /// Every candidate is first screened with a few runs; only those within
  /// this factor of the best screened median get the full warm-up and
  /// repetitions (< 1: no screening, every candidate gets them).
  double pruneRatio = 1.1;
  double timeoutSeconds = 60;
  unsigned hostThreads = 0;
  tlrt::SupplyType supply = tlrt::SupplyType::Auto;
  uint64_t seed = 0;
  std::vector<std::string> inputFiles; // .npy per input tensor, in order
  std::vector<std::string> refFiles;   // .npy per output tensor
  std::vector<int> outIdx = {-1};      // output arguments (negative: from end)
  // Validation.
  tlrt::Tolerance tolerance;
  bool skipCheck = false;
  // Caching and results.
  std::string cacheDir; // overrides TILELANG_CACHE_DIR
  bool noCache = false;
  std::string outputDir; // save the best result here (save_to_disk)
  std::string logFile = "autotuner.log";
  /// Progress callback: (phase, done, total).
  std::function<void(const std::string &, size_t, size_t)> progress;
};

struct CandidateRecord {
  int index = 0;
  std::string name;
  std::string configJson;
  /// ok, pruned (valid, slower than --prune-ratio allows; screening figures
  /// only), compile_error, compile_timeout, check_failed, crashed, timeout,
  /// error
  std::string status;
  std::string message;
  double compileSeconds = 0;
  std::vector<double> samples; // ms
  double medianMs = 0;
  tlrt::CompareResult check;
  double tflops = 0; // from the kernel's gemm FLOPs, 0 when unknown
};

struct TuneResult {
  bool fromCache = false;
  std::string target; // host, or the chip
  std::string cacheEntry;
  std::vector<CandidateRecord> candidates;
  int best = -1; // index into candidates
  double tuningSeconds = 0;
  tlrt::DeviceFingerprint device;
  /// Directory with the best binary and its metadata: the cache entry, else
  /// --output; empty when it was neither cached nor saved.
  std::string bestDir;
  /// Wall time of each phase (probe, expand, compile, reference,
  /// benchmark, store), in order.
  std::vector<std::pair<std::string, double>> phases;
  /// When the host reference's outputs were ready, from the start (0: not
  /// run).
  double referenceSeconds = 0;
  /// Configs abandoned at the compile timeout and still compiling: their
  /// threads cannot be stopped, so a tool should exit without waiting.
  size_t abandonedCompiles = 0;
};

/// Runs the whole tuning; nullopt with `error` for what stops it (bad input,
/// no configurations, every candidate failing is a result, not an error).
std::optional<TuneResult> tune(const TuneOptions &options, std::string &error);

/// The compile worker count from --jobs (`requested`, 0: not given) or the
/// guide's environment variables (TILELANG_AUTO_TUNING_CPU_UTILITIES /
/// _CPU_COUNTS / _MAX_CPU_COUNT); nullopt with `error` naming the option or
/// variable whose value is out of range or not a number.
std::optional<unsigned> compileJobs(uint64_t requested, std::string &error);

/// Loads a result saved with --output (or a cache entry), runs it once on
/// generated inputs and times it: the guide's load_from_disk.
bool runSaved(const std::string &dir, const TuneOptions &options,
              std::string &report, std::string &error);

} // namespace mlir::tl

#endif // TL_TUNER_TUNER_H
