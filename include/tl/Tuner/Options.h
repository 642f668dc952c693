//===- Options.h - What a tuning is asked to do -----------------*- C++ -*-===//
//
// The options of one tuning, grouped by the phase that reads them: the
// expansion (tl-expand-configs' own generated options), the compile (the
// target layer's option structs), the profiling and validation, and where
// results go. The cache key is derived from these structs (TuningKey.h).
//
//===----------------------------------------------------------------------===//

#ifndef TL_TUNER_OPTIONS_H
#define TL_TUNER_OPTIONS_H

#include "tl/Dialect/TL/Transforms/Passes.h"
#include "tl/Runtime/Compare.h"
#include "tl/Runtime/Supply.h"
#include "tl/Target/Cuda.h"
#include "tl/Target/Hip.h"
#include "tl/Target/Host.h"
#include "tl/Tuner/Search.h"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace mlir::tl {

/// Where candidates run. Auto: a CUDA device when there is one, else the
/// host.
enum class Target { Auto, Cuda, Hip, Host };

/// "auto", "cuda", "hip", "host".
const char *targetName(Target target);
/// nullopt for any other name.
std::optional<Target> parseTarget(llvm::StringRef name);

/// What candidates are checked against when no --ref files are given: the
/// template with its default parameters, built by a simple path (on the GPU
/// with no tensor cores, FMAs into f32; or for the CPU) and run once. Auto
/// is the device when the tuning runs on a GPU, else the host.
enum class ReferenceKind { Auto, Device, Host, None };

/// "auto", "device", "host", "none".
const char *referenceName(ReferenceKind kind);
std::optional<ReferenceKind> parseReference(llvm::StringRef name);

/// How candidates are run, timed and checked. Every field is part of the
/// cache key (keyText); a field added here is added there.
struct ProfileOptions {
  // The guide's warmup=25, rep=100, timeout=60.
  int warmup = 25;
  int rep = 100;
  /// Time budgets in ms instead of the counts, when > 0 (Triton's do_bench).
  double warmupMs = 0, repMs = 0;
  /// Every candidate is first screened with a few runs; only those within
  /// this factor of the best screened median get the full warm-up and
  /// repetitions (< 1: no screening, every candidate gets them).
  double pruneRatio = 1.1;
  /// Seconds one candidate may run before its worker is killed.
  double timeoutSeconds = 60;
  /// CPU threads of host kernels (0: every hardware thread).
  unsigned hostThreads = 0;
  tlrt::SupplyType supply = tlrt::SupplyType::Auto;
  uint64_t seed = 0;
  std::vector<std::string> inputFiles; // .npy per input tensor, in order
  std::vector<std::string> refFiles;   // .npy per output tensor
  std::vector<int> outIdx = {-1};      // output arguments (negative: from end)
  tlrt::Tolerance tolerance;
  bool skipCheck = false;
  ReferenceKind reference = ReferenceKind::Auto;
  /// Names the caller's own check of each candidate's outputs (the check
  /// itself is TuneOptions::checkOutputs): a Python checker's source, say.
  std::string checkIdentity;

  /// Every field as text; files by the hash of their contents.
  std::string keyText() const;
};

struct TuneOptions {
  std::string input; // the template's .mlir file
  /// The expansion, as tl-expand-configs takes it; its `target` is set by
  /// the tuner (the chip, or host) and its `report` is not used.
  TLExpandConfigsOptions expand;
  Target target = Target::Auto;
  /// The devices candidates run on, one worker each: "" or "all" (every
  /// device of the target's kind of device 0's model), or ordinals "0,2".
  std::string devices;
  /// The CUDA and HIP compiles (their chip is the chip tuned for) and the
  /// host compile (its cpu: empty, the level this CPU has).
  CudaCompileOptions cuda;
  HipCompileOptions hip;
  HostCompileOptions host;
  /// Compile threads; 0: from the TILELANG_AUTO_TUNING_CPU_* variables.
  uint64_t jobs = 0;
  /// Seconds one config may compile; ptxas or the linker is killed then,
  /// and the config reported as compile_timeout (0: no limit).
  double compileTimeoutSeconds = 120;
  ProfileOptions profile;
  /// Which configs of the space run (drawn with profile.seed).
  SearchOptions search;
  // Caching and results.
  std::string cacheDir; // overrides TILELANG_CACHE_DIR
  bool noCache = false;
  std::string outputDir; // save the best result here (save_to_disk)
  std::string logFile = "autotuner.log";
  /// The caller's own check of a candidate's outputs, on top of (or, with
  /// skipCheck, instead of) the comparison with the reference: called once
  /// per candidate with its index and the file holding its outputs' bytes,
  /// one after the other; false with `why` rejects the candidate.
  std::function<bool(size_t, const std::string &, std::string &)> checkOutputs;
  /// Progress callback: (phase, done, total).
  std::function<void(const std::string &, size_t, size_t)> progress;
};

/// Checks every number against its range, so that a typo cannot become a
/// run of days or a million threads; the message names the option as
/// tl-tune spells it. nullopt when all are in range.
std::optional<std::string> checkRanges(const TuneOptions &options);

/// Whether `mma` (tl-tune's --mma) names instructions of `target`: for
/// auto, of either GPU (checked again once the device is known). nullopt
/// when it does.
std::optional<std::string> checkMma(Target target, const std::string &mma);

/// The compile worker count from --jobs (`requested`, 0: not given) or the
/// guide's environment variables (TILELANG_AUTO_TUNING_CPU_UTILITIES /
/// _CPU_COUNTS / _MAX_CPU_COUNT); nullopt with `error` naming the option or
/// variable whose value is out of range or not a number.
std::optional<unsigned> compileJobs(uint64_t requested, std::string &error);

} // namespace mlir::tl

#endif // TL_TUNER_OPTIONS_H
