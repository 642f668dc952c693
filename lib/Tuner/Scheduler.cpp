//===- Scheduler.cpp - Screen, prune, time, validate ----------------------===//

#include "tl/Tuner/Scheduler.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"

#include <chrono>

using namespace mlir::tl;

SchedulePolicy SchedulePolicy::from(const ProfileOptions &profile, bool overlap,
                                    double compileTimeout) {
  SchedulePolicy p;
  p.overlap = overlap;
  p.check = !profile.skipCheck;
  p.full = RunRequest{false, profile.warmup, profile.rep, profile.warmupMs,
                      profile.repMs};
  p.pruneRatio = profile.pruneRatio;
  p.compileTimeout = compileTimeout;
  return p;
}

int mlir::tl::pickBest(const std::vector<CandidateRecord> &records) {
  int best = -1;
  for (size_t i = 0; i < records.size(); ++i)
    if (records[i].status == CandidateStatus::Ok &&
        (best < 0 || records[i].medianMs < records[best].medianMs))
      best = static_cast<int>(i);
  return best;
}

namespace {

/// One run of the schedule; each phase a method.
class Schedule {
public:
  Schedule(const SchedulePolicy &policy, CandidateHost &host,
           std::vector<CandidateRecord> &records, std::string &error)
      : policy(policy), host(host), records(records), error(error),
        checked(records.size(), 0), judged(records.size(), 0),
        start(std::chrono::steady_clock::now()) {}

  ScheduleResult run() {
    if (!compilePhase())
      return ScheduleResult::Stopped;
    if (runnable.empty())
      return ScheduleResult::NoneCompiled;
    if (!benchmarkPhase() || !validatePhase())
      return ScheduleResult::Stopped;
    return ScheduleResult::Done;
  }

private:
  /// Runs candidate `i` as `req` says (checked, if nothing checked it yet
  /// and the reference is ready) and folds the reply into its record.
  void measure(size_t i, RunRequest req) {
    req.check = policy.check && !checked[i] && host.referenceReady();
    bool judge = policy.externalCheck && !judged[i];
    req.dumpOutputs = judge;
    RunReply reply = host.run(i, req);
    CandidateRecord &r = records[i];
    r.finishedSeconds = elapsed();
    if (reply.status != CandidateStatus::Ok) {
      r.status = reply.status;
      r.message = reply.message;
    } else if (r.status == CandidateStatus::Pending) {
      r.status = CandidateStatus::Ok;
    }
    if (req.check && reply.check)
      r.check = *reply.check;
    if (!reply.samples.empty()) {
      r.samples = reply.samples;
      r.medianMs = median(r.samples);
      double flops = host.gemmFlops(i);
      r.tflops =
          flops > 0 && r.medianMs > 0 ? flops / (r.medianMs * 1e-3) / 1e12 : 0;
    }
    checked[i] |= req.check;
    if (judge && reply.status == CandidateStatus::Ok) {
      judged[i] = 1;
      std::string why;
      if (!host.externalVerdict(i, why)) {
        r.status = CandidateStatus::CheckFailed;
        r.message = why;
      }
    }
  }

  /// Moves the reference along; false (and stopped) once it failed.
  bool advance(bool wait) {
    if (!stopped && !host.advanceReference(wait, error))
      stopped = true;
    return !stopped;
  }

  /// While waiting for compiles: move the reference along, and on a GPU
  /// check the candidates screened before it was ready.
  bool idle() {
    if (!advance(false) || !policy.overlap || runnable.empty() ||
        !host.referenceReady())
      return false;
    for (size_t i : runnable)
      if (policy.check && !checked[i] &&
          records[i].status == CandidateStatus::Ok) {
        measure(i, RunRequest{});
        return true;
      }
    return false;
  }

  /// Records each compile as it ends; on a GPU screens it at once.
  bool compilePhase() {
    size_t compiled = 0, n = records.size();
    host.progress("compile", 0, n);
    while (std::optional<CompileEvent> event =
               host.nextCompiled([this] { return idle(); })) {
      if (stopped)
        return false;
      CandidateRecord &r = records[event->index];
      host.progress("compile", ++compiled, n);
      if (!recordCompile(*event, r))
        continue;
      if (runnable.empty() && !host.prepare(event->index, error))
        return false;
      runnable.push_back(event->index);
      if (!advance(false))
        return false;
      if (policy.overlap)
        measure(event->index, policy.screen());
    }
    if (stopped)
      return false;
    host.phaseEnded("compile");
    return true;
  }

  /// The record of a compile that ended; whether the config can run.
  bool recordCompile(const CompileEvent &event, CandidateRecord &r) {
    r.finishedSeconds = elapsed();
    if (event.timedOut) {
      r.status = CandidateStatus::CompileTimeout;
      r.compileSeconds = policy.compileTimeout;
      r.message = llvm::formatv("still compiling after --compile-timeout {0} "
                                "s; abandoned",
                                llvm::format("%g", policy.compileTimeout));
      return false;
    }
    r.compileSeconds = event.seconds;
    if (event.ok)
      return true;
    bool late =
        policy.compileTimeout > 0 && event.seconds >= policy.compileTimeout;
    r.status =
        late ? CandidateStatus::CompileTimeout : CandidateStatus::CompileError;
    r.message = event.message;
    return false;
  }

  /// Screens (on the host, now), prunes, and gives the rest the full run.
  bool benchmarkPhase() {
    size_t measured = 0, total = runnable.size();
    // On the host the reference must not share the CPU with the timings.
    if (!policy.overlap && policy.check && !advance(true))
      return false;
    if (!policy.overlap)
      for (size_t i : runnable) {
        host.progress("benchmark", measured++, total);
        if (!advance(false))
          return false;
        measure(i, policy.screen());
      }
    if (policy.prunes()) {
      double best = 0;
      for (size_t i : runnable)
        if (records[i].status == CandidateStatus::Ok &&
            (best == 0 || records[i].medianMs < best))
          best = records[i].medianMs;
      for (size_t i : runnable) {
        CandidateRecord &r = records[i];
        if (r.status != CandidateStatus::Ok)
          continue;
        if (r.medianMs > policy.pruneRatio * best) {
          r.status = CandidateStatus::Pruned;
          r.message = llvm::formatv(
              "median {0:F4} ms over {1} screening runs, more than "
              "--prune-ratio {2} x the best's {3:F4} ms",
              r.medianMs, r.samples.size(),
              llvm::format("%g", policy.pruneRatio), best);
          continue;
        }
        host.progress("benchmark", measured++, total);
        if (!advance(false))
          return false;
        measure(i, policy.full);
      }
    }
    host.progress("benchmark", total, total);
    host.phaseEnded("benchmark");
    return true;
  }

  /// Candidates timed before the reference was ready are checked now.
  bool validatePhase() {
    if (!policy.check)
      return true;
    if (!advance(true))
      return false;
    size_t done = 0;
    for (size_t i : runnable) {
      host.progress("validate", done++, runnable.size());
      if (!checked[i] && isValid(records[i].status))
        measure(i, RunRequest{});
    }
    host.progress("validate", runnable.size(), runnable.size());
    host.phaseEnded("validate");
    return true;
  }

  const SchedulePolicy &policy;
  CandidateHost &host;
  std::vector<CandidateRecord> &records;
  std::string &error;
  std::vector<char> checked, judged;
  std::vector<size_t> runnable; // compiled, in the order they finished
  bool stopped = false;
  std::chrono::steady_clock::time_point start;

  double elapsed() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                         start)
        .count();
  }
};

} // namespace

ScheduleResult mlir::tl::schedule(const SchedulePolicy &policy,
                                  CandidateHost &host,
                                  std::vector<CandidateRecord> &records,
                                  std::string &error) {
  return Schedule(policy, host, records, error).run();
}
