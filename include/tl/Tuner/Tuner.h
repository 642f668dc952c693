//===- Tuner.h - Compile, benchmark, validate, pick, cache ------*- C++ -*-===//
//
// The guide's autotuner over tl templates: expand the config space
// (Expand.h), compile every kept config in parallel on the MLIR thread pool
// (CompileSession.h), run each candidate in a worker process (Worker.h: a
// fault or a hang costs only that candidate) in the order the scheduler
// picks (Scheduler.h), validate its outputs against a reference
// (ReferenceRun.h), pick the fastest valid one, and cache the result on
// disk (TuningKey.h, ResultFiles.h, Cache.h) and in memory.
//
//===----------------------------------------------------------------------===//

#ifndef TL_TUNER_TUNER_H
#define TL_TUNER_TUNER_H

#include "tl/Runtime/Device.h"
#include "tl/Tuner/Options.h"
#include "tl/Tuner/Records.h"

#include <optional>
#include <string>
#include <vector>

namespace mlir::tl {

struct TuneResult {
  bool fromCache = false;
  std::string target; // host, or the chip
  std::string cacheEntry;
  std::vector<CandidateRecord> candidates;
  int best = -1; // index into candidates
  double tuningSeconds = 0;
  tlrt::DeviceFingerprint device;
  /// The ordinals of the devices candidates ran on (one model: `device`);
  /// a record's `device` indexes this list.
  std::vector<int> devices;
  /// Directory with the best binary and its metadata: the cache entry, else
  /// --output; empty when it was neither cached nor saved.
  std::string bestDir;
  /// Wall time of each phase (probe, expand, compile, reference,
  /// benchmark, store), in order.
  std::vector<std::pair<std::string, double>> phases;
  /// When the reference's outputs were ready, from the start (0: not run),
  /// and where it ran ("device", "host").
  double referenceSeconds = 0;
  std::string referenceKind;
  /// When the reference's build ended, and when the worker's first run
  /// ended: its device set up, the inputs made and uploaded (from the
  /// start; 0: not done).
  double referenceBuiltSeconds = 0;
  double firstRunSeconds = 0;
  /// Configs abandoned at the compile timeout and still compiling: their
  /// threads cannot be stopped, so a tool should exit without waiting.
  size_t abandonedCompiles = 0;
};

/// Runs the whole tuning; nullopt with `error` for what stops it (bad input,
/// no configurations, every candidate failing is a result, not an error).
std::optional<TuneResult> tune(const TuneOptions &options, std::string &error);

/// Loads a result saved with --output (or a cache entry), runs it once on
/// inputs generated as `profile` says and times it: the guide's
/// load_from_disk.
bool runSaved(const std::string &dir, const ProfileOptions &profile,
              std::string &report, std::string &error);

/// Reads a result saved with --output (or a cache entry) back: every
/// candidate's record, the best, and `bestDir` set to `dir`; nullopt with
/// `error` when `dir` holds no sound result.
std::optional<TuneResult> loadResult(const std::string &dir,
                                     std::string &error);

} // namespace mlir::tl

#endif // TL_TUNER_TUNER_H
