//===- Scheduler.h - Screen, prune, time, validate --------------*- C++ -*-===//
//
// The order in which candidates are run. The search strategy (Search.h)
// proposes configs, which are compiled as proposed, at most
// SchedulePolicy::window at a time, until it has nothing more or the budget
// is spent. Each is screened with a few runs as it compiles (on a GPU; on
// the host, compiling would disturb the timings, so screening waits until
// no compile runs), and the strategy learns its median. Then those within
// --prune-ratio of the best screened median get the full warm-up and
// repetitions (with successive halving: the best third, rung by rung), the
// others keep their screening figures as "pruned". The full runs are
// interleaved in rounds (SchedulePolicy::rounds): a GPU under a long load
// holds its power limit by lowering its clocks for a while, and that
// stretch must fall on every contender alike, not on whichever ran then
// (measured on the H200 at 8192^3: the same kernel's median 1.89 or
// 2.16 ms, run alone). A check rides along
// with the first run that finds the reference ready; the rest are checked
// while waiting for compiles, or at the end.
//
// A record that settles (a failed compile, a run's figures) is handed to
// CandidateHost::settled as it does: the journal a resumed run restores
// (CompileEvent::restored) instead of compiling and screening again.
//
// With several devices (CandidateHost::devices), the runs of a phase (a
// round of full runs, a rung, the checks) are spread over them through a
// RunPool, and the finalists are timed again on one device (see
// SchedulePolicy::kRetimeRatio); screening stays on device 0.
//
// The scheduler sees compiles, runs and the reference only through
// CandidateHost, so it is tested with fake candidates.
//
//===----------------------------------------------------------------------===//

#ifndef TL_TUNER_SCHEDULER_H
#define TL_TUNER_SCHEDULER_H

#include "tl/Tuner/Options.h"
#include "tl/Tuner/Protocol.h"
#include "tl/Tuner/Records.h"
#include "tl/Tuner/Search.h"

#include <algorithm>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace mlir::tl {

/// What the scheduler learns of one config's compile.
struct CompileEvent {
  size_t index = 0;
  /// Abandoned at the compile timeout (the rest is then unset).
  bool timedOut = false;
  bool ok = false;
  std::string message;
  double seconds = 0;
  /// Resumed: the record an interrupted run settled for this config (its
  /// compile failed, or it ran), taken instead of running it again.
  std::optional<CandidateRecord> restored;
};

/// The compiles, the runs and the reference, as the scheduler uses them.
class CandidateHost {
public:
  virtual ~CandidateHost() = default;
  /// Starts compiling configs `indices` (each asked for once).
  virtual void compile(const std::vector<size_t> &indices) = 0;
  /// The next asked-for config whose compile ended (or was abandoned, or
  /// is restored); while there is none, runs `idle`, which returns whether
  /// it did some work. nullopt once every asked-for config was handed out.
  virtual std::optional<CompileEvent>
  nextCompiled(const std::function<bool()> &idle) = 0;
  /// Called once, for the first config that compiled, before any run (the
  /// workload and the worker are set up from it); false with `error`
  /// stops the tuning.
  virtual bool prepare(size_t index, std::string &error) = 0;
  virtual RunReply run(size_t index, const RunRequest &request) = 0;
  /// Devices runs can go to at once (GPUs of one model: --devices); runs
  /// then go through runOn, from one thread per device.
  virtual int devices() { return 1; }
  /// Runs config `index` on device `device` (of devices()).
  virtual RunReply runOn(int device, size_t index, const RunRequest &request) {
    return run(index, request);
  }
  /// FLOPs of config `index`'s gemms, for TFLOP/s (0: unknown).
  virtual double gemmFlops(size_t index) = 0;
  /// Moves the reference along (with `wait`, until it is ready); false with
  /// `error` when it cannot be had.
  virtual bool advanceReference(bool wait, std::string &error) = 0;
  virtual bool referenceReady() = 0;
  /// With an external check (SchedulePolicy::externalCheck): the verdict of
  /// the caller's own check on config `index`'s outputs, which its first run
  /// wrote to <dir>/outputs.bin; false with `why` when they are wrong.
  virtual bool externalVerdict(size_t index, std::string &why) { return true; }
  virtual void progress(const std::string &phase, size_t done, size_t total) {}
  /// Record `index` settled: its compile failed, or a run reported.
  virtual void settled(size_t index, const CandidateRecord &record) {}
  /// A phase (compile, benchmark, validate) ended.
  virtual void phaseEnded(const std::string &phase) {}
};

struct SchedulePolicy {
  /// Screen while others compile (GPUs).
  bool overlap = false;
  bool check = true;
  /// The full run: warm-up and repetitions (or budgets).
  RunRequest full;
  /// Screen every candidate first and prune the slow (see the file
  /// comment); < 1: no screening.
  double pruneRatio = 1.1;
  /// The compile timeout in seconds, for messages (0: none).
  double compileTimeout = 0;
  /// Every candidate's outputs are also judged by the caller's own check
  /// (CandidateHost::externalVerdict), once, after its first run.
  bool externalCheck = false;
  /// The most configs compiling at once (0: all the strategy proposes).
  size_t window = 0;
  /// The search's budget (SearchOptions).
  uint64_t budget = 0;
  double budgetSeconds = 0;
  /// Successive halving: screened with kHalvingRuns, then the best third
  /// of each rung gets three times the runs, up to the full run.
  bool halving = false;

  /// On several devices, the full runs of the contenders go to whichever
  /// device is free (a candidate's later rounds to the device of its
  /// first), then the finalists (within kRetimeRatio of the best, at most
  /// kRetimeMax) are timed again on device 0, so that the figures the best
  /// is picked by come from one device.
  static constexpr double kRetimeRatio = 1.05;
  static constexpr size_t kRetimeMax = 8;

  static constexpr int kScreenWarmup = 2, kScreenRuns = 10;
  /// Screening runs stop at about this many ms (at least 3 runs).
  static constexpr double kScreenCapMs = 20;
  static constexpr int kHalvingRuns = 3;
  /// Repetitions per round of the full runs, and the warm-up of each
  /// round after the first (its kernel is loaded again).
  static constexpr int kRoundRuns = 10, kRoundWarmup = 2;
  static SchedulePolicy from(const ProfileOptions &profile, bool overlap,
                             double compileTimeout);
  /// Screening pays only when the full run is longer than the screening.
  bool prunes() const {
    return pruneRatio >= 1 && (full.repMs > 0 || full.rep > 2 * kScreenRuns);
  }
  /// The full run of one round of `rounds()` (0 first: with the full
  /// warm-up; later ones kRoundWarmup); the last takes what is left of
  /// `rep`. Time budgets (--rep-ms) are not split: one round.
  int rounds() const {
    return full.warmupMs > 0 || full.repMs > 0 || full.rep <= kRoundRuns
               ? 1
               : (full.rep + kRoundRuns - 1) / kRoundRuns;
  }
  RunRequest round(int k) const {
    if (rounds() == 1)
      return full;
    RunRequest r = full;
    r.warmup = k == 0 ? full.warmup : kRoundWarmup;
    r.rep = std::min(kRoundRuns, full.rep - k * kRoundRuns);
    return r;
  }
  RunRequest screen() const {
    if (halving)
      return RunRequest{false, 1, kHalvingRuns};
    if (!prunes())
      return full;
    RunRequest screen{false, kScreenWarmup, kScreenRuns};
    screen.capMs = kScreenCapMs;
    return screen;
  }
};

enum class ScheduleResult {
  Done,
  /// No config compiled: nothing was run.
  NoneCompiled,
  /// The host or the reference failed; the error says how.
  Stopped,
};

/// Runs the schedule over `records` (one per config of the space, record i
/// for config i) with the configs `strategy` proposes; sets each visited
/// record's status, figures and check (the others stay Pending).
ScheduleResult schedule(const SchedulePolicy &policy, SearchStrategy &strategy,
                        CandidateHost &host,
                        std::vector<CandidateRecord> &records,
                        std::string &error);

/// The fastest Ok record, or -1.
int pickBest(const std::vector<CandidateRecord> &records);

} // namespace mlir::tl

#endif // TL_TUNER_SCHEDULER_H
