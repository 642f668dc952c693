//===- TuningRun.h - One tuning, from the options to the result -*- C++ -*-===//
//
// The class behind tune(), private to lib/Tuner: its phases before and
// after the search in Tuner.cpp, its CandidateHost side (the compiles, the
// workers, the reference) in TuningRunCandidates.cpp.
//
//===----------------------------------------------------------------------===//

#ifndef TL_LIB_TUNER_TUNINGRUN_H
#define TL_LIB_TUNER_TUNINGRUN_H

#include "tl/Tuner/Cache.h"
#include "tl/Tuner/CompileSession.h"
#include "tl/Tuner/DeviceProbe.h"
#include "tl/Tuner/Expand.h"
#include "tl/Tuner/Journal.h"
#include "tl/Tuner/ReferenceRun.h"
#include "tl/Tuner/Scheduler.h"
#include "tl/Tuner/Tuner.h"
#include "tl/Tuner/TuningKey.h"
#include "tl/Tuner/Worker.h"

#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace mlir::tl::detail {

using Clock = std::chrono::steady_clock;

inline double secondsSince(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

/// One tuning, from the options to the result.
class TuningRun : public CandidateHost {
public:
  /// `probed`: the devices, when the caller probed them already.
  TuningRun(const TuneOptions &options, std::optional<ProbedDevice> probed)
      : options(options), probed(std::move(probed)), started(Clock::now()),
        phaseStarted(started),
        cache(CacheSettings::fromEnvironment(options.cacheDir)) {
    if (options.noCache)
      cache.disableAutotuner = true;
  }
  ~TuningRun() override;

  std::optional<TuneResult> run(std::string &error);

  // CandidateHost: what the scheduler drives.
  void compile(const std::vector<size_t> &indices) override;
  std::optional<CompileEvent>
  nextCompiled(const std::function<bool()> &idle) override;
  bool prepare(size_t index, std::string &error) override;
  RunReply run(size_t index, const RunRequest &request) override {
    return runOn(0, index, request);
  }
  int devices() override { return static_cast<int>(ordinals.size()); }
  /// From one thread per device (RunPool): each device has its worker.
  RunReply runOn(int device, size_t index, const RunRequest &request) override {
    RunReply reply = workers[device]->run(dirs[index], request);
    std::call_once(firstRun,
                   [&] { result.firstRunSeconds = secondsSince(started); });
    return reply;
  }
  double gemmFlops(size_t index) override { return flops[index]; }
  bool advanceReference(bool wait, std::string &error) override {
    return reference->advance(
        wait,
        [this](const std::string &kernelJson, std::string &e) {
          return ensureWorkload(kernelJson, e);
        },
        [this](const std::string &dir, std::string &e) {
          return runDeviceReference(dir, e);
        },
        error);
  }
  bool referenceReady() override { return reference->ready(); }
  bool externalVerdict(size_t index, std::string &why) override {
    return options.checkOutputs(index, dirs[index] + "/outputs.bin", why);
  }
  void progress(const std::string &phase, size_t done, size_t total) override {
    if (options.progress)
      options.progress(phase, done, total);
  }
  void phaseEnded(const std::string &phase) override {
    result.phases.emplace_back(phase, secondsSince(phaseStarted));
    phaseStarted = Clock::now();
  }
  void settled(size_t index, const CandidateRecord &record) override;

private:
  bool probe(std::string &error);
  bool parseAndExpand(std::string &error);
  std::optional<TuneResult> lookUp();
  bool makeWorkDir(std::string &error);
  bool startCompiles(std::string &error);
  bool store(std::string &error);
  const Workload *ensureWorkload(const std::string &kernelJson,
                                 std::string &error);
  bool ensureWorker(std::string &error);
  bool runDeviceReference(const std::string &dir, std::string &error);
  void writeLog();
  /// Drops the records of the configs the strategy never proposed; `dirs`
  /// and `irs` follow.
  void keepVisited();
  TuneResult finished(TuneResult r) {
    r.tuningSeconds = secondsSince(started);
    return r;
  }

  /// A copy: the probe settles what was left to the device (the chip).
  TuneOptions options;
  std::optional<ProbedDevice> probed;
  Clock::time_point started, phaseStarted;
  CacheSettings cache;
  TuneResult result;
  /// Where candidates run: Cuda, Hip or Host (probed).
  Target runsOn = Target::Host;
  bool gpu() const { return runsOn != Target::Host; }
  std::string hostCpu;
  DialectRegistry registry;
  /// On the heap: see CompileSession (leaked while a compile still runs).
  std::unique_ptr<CompileSession> session;
  /// The parse's and the expansion's errors and remarks.
  std::unique_ptr<CollectedDiagnostics> diagnostics;
  SmallVector<ModuleOp> configs;
  std::string templateIR;
  CacheKey key;
  std::string keyHex;
  std::string workDir;
  std::vector<std::string> dirs, irs; // per config
  std::vector<double> flops;          // per config
  /// Resuming: the journal (when the work directory is the resume one),
  /// and the restored configs asked for, not yet handed to the scheduler.
  std::unique_ptr<ResumeJournal> journal;
  std::deque<size_t> restoredQueue;
  /// The workload and what a worker needs besides.
  WorkerSetup setup;
  bool haveWorkload = false;
  /// The devices candidates run on (--devices: ordinals of one model) and
  /// a worker on each, in that order.
  std::vector<int> ordinals = {0};
  std::vector<std::unique_ptr<Worker>> workers;
  std::once_flag firstRun;
  std::unique_ptr<ReferenceRun> reference;
};

} // namespace mlir::tl::detail

#endif // TL_LIB_TUNER_TUNINGRUN_H
