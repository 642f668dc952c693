//===- Scheduler.cpp - Screen, prune, time, validate ----------------------===//

#include "tl/Tuner/Scheduler.h"
#include "tl/Tuner/RunPool.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <chrono>
#include <cstdint>

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
  Schedule(const SchedulePolicy &policy, SearchStrategy &strategy,
           CandidateHost &host, std::vector<CandidateRecord> &records,
           std::string &error)
      : policy(policy), strategy(strategy), host(host), records(records),
        error(error), checked(records.size(), 0), judged(records.size(), 0),
        screened(records.size(), 0),
        pool(host.devices(),
             [&host](int device, size_t i, const RunRequest &req) {
               return host.runOn(device, i, req);
             }),
        start(std::chrono::steady_clock::now()) {}

  ScheduleResult run() {
    if (!searchPhase())
      return ScheduleResult::Stopped;
    if (runnable.empty())
      return ScheduleResult::NoneCompiled;
    if (!benchmarkPhase() || !validatePhase())
      return ScheduleResult::Stopped;
    return ScheduleResult::Done;
  }

private:
  /// Runs candidate `i` as `req` says (checked, if nothing checked it yet
  /// and the reference is ready), on device 0, and folds the reply into its
  /// record: its samples replace the record's, or with `append` join them.
  void measure(size_t i, RunRequest req, bool append = false) {
    measureAll({RunJob{i, req, 0}}, append);
  }

  /// Runs `jobs` as measure() does each, spread over the devices; the
  /// replies are folded in as they come.
  void measureAll(const std::vector<RunJob> &jobs, bool append) {
    for (RunJob job : jobs) {
      size_t i = job.index;
      job.request.check = policy.check && !checked[i] && host.referenceReady();
      job.request.dumpOutputs = policy.externalCheck && !judged[i];
      pool.submit(std::move(job));
    }
    while (std::optional<RunDone> done = pool.collect())
      fold(*done, append);
  }

  /// Folds run `done` into its record.
  void fold(const RunDone &done, bool append) {
    size_t i = done.job.index;
    const RunRequest &req = done.job.request;
    const RunReply &reply = done.reply;
    bool judge = req.dumpOutputs;
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
      if (!append)
        r.samples.clear();
      r.samples.insert(r.samples.end(), reply.samples.begin(),
                       reply.samples.end());
      r.device = done.device;
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
    host.settled(i, r);
  }

  /// The first runs of candidate `i`, which the strategy learns from.
  void screen(size_t i) {
    measure(i, policy.screen());
    screened[i] = 1;
    observe(i);
  }
  void observe(size_t i) {
    strategy.observe(i, isValid(records[i].status), records[i].medianMs);
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

  bool budgetSpent() const {
    // A time budget lets the first configs through, however short.
    return (policy.budget && proposed >= policy.budget) ||
           (policy.budgetSeconds > 0 && proposed > 0 &&
            elapsed() >= policy.budgetSeconds);
  }

  /// Asks the strategy for configs while there is room and budget, and
  /// starts compiling them.
  void propose() {
    while (!budgetSpent()) {
      size_t room = SIZE_MAX;
      if (policy.window)
        room = inFlight < policy.window ? policy.window - inFlight : 0;
      if (policy.budget)
        room = std::min<uint64_t>(room, policy.budget - proposed);
      if (room == 0)
        return;
      std::vector<size_t> next = strategy.propose(room);
      if (next.empty())
        return;
      proposed += next.size();
      inFlight += next.size();
      host.compile(next);
    }
  }

  /// Proposes, compiles and screens until the strategy is done or the
  /// budget spent.
  bool searchPhase() {
    size_t compiled = 0;
    for (;;) {
      propose();
      if (inFlight == 0) {
        // On the host, candidates are screened while nothing compiles;
        // the strategy may then propose more.
        bool waiting = false;
        for (size_t i : runnable)
          waiting |= !screened[i];
        if (!policy.overlap && waiting) {
          if (!screenWaiting())
            return false;
          continue;
        }
        break;
      }
      host.progress("compile", compiled, compiled + inFlight);
      std::optional<CompileEvent> event =
          host.nextCompiled([this] { return idle(); });
      if (stopped)
        return false;
      if (!event)
        break;
      --inFlight;
      ++compiled;
      if (!settleCompile(*event))
        return false;
    }
    host.progress("compile", compiled, compiled);
    host.phaseEnded("compile");
    return true;
  }

  /// A config's compile ended (or its record was restored); on a GPU it
  /// is screened at once.
  bool settleCompile(CompileEvent &event) {
    size_t i = event.index;
    CandidateRecord &r = records[i];
    if (event.restored) {
      int index = r.index;
      r = *event.restored;
      r.index = index;
      if (r.status == CandidateStatus::Pruned) // decided again below
        r.status = CandidateStatus::Ok;
      if (isValid(r.status)) {
        if (runnable.empty() && !host.prepare(i, error))
          return false;
        runnable.push_back(i);
        screened[i] = 1;
        checked[i] = r.check.count > 0;
      }
      observe(i);
      return true;
    }
    if (!recordCompile(event, r)) {
      host.settled(i, r);
      observe(i);
      return true;
    }
    if (runnable.empty() && !host.prepare(i, error))
      return false;
    runnable.push_back(i);
    if (!advance(false))
      return false;
    if (policy.overlap)
      screen(i);
    return true;
  }

  /// The host's screening of the candidates compiled since the last, after
  /// the reference (which must not share the CPU with the timings).
  bool screenWaiting() {
    if (policy.check && !advance(true))
      return false;
    size_t done = 0;
    for (size_t i : runnable) {
      host.progress("benchmark", done++, runnable.size());
      if (screened[i])
        continue;
      if (!advance(false))
        return false;
      screen(i);
    }
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

  /// The valid candidates, fastest screened median first (ties: lower
  /// index, so the order does not depend on when each compiled).
  std::vector<size_t> ranked() {
    std::vector<size_t> ok;
    for (size_t i : runnable)
      if (records[i].status == CandidateStatus::Ok)
        ok.push_back(i);
    std::sort(ok.begin(), ok.end(), [&](size_t a, size_t b) {
      return records[a].medianMs != records[b].medianMs
                 ? records[a].medianMs < records[b].medianMs
                 : a < b;
    });
    return ok;
  }

  void prune(size_t i, std::string why) {
    records[i].status = CandidateStatus::Pruned;
    records[i].message = std::move(why);
    host.settled(i, records[i]);
  }

  /// Prunes the slow, and gives the rest the full run.
  bool benchmarkPhase() {
    if (policy.halving)
      return halvingPhase();
    std::vector<size_t> order = ranked(), contenders;
    if (!policy.prunes() || order.empty()) {
      host.phaseEnded("benchmark");
      return true;
    }
    double best = records[order.front()].medianMs;
    for (size_t i : order) {
      CandidateRecord &r = records[i];
      if (r.medianMs <= policy.pruneRatio * best) {
        contenders.push_back(i);
        continue;
      }
      prune(i, llvm::formatv("median {0:F4} ms over {1} screening runs, more "
                             "than --prune-ratio {2} x the best's {3:F4} ms",
                             r.medianMs, r.samples.size(),
                             llvm::format("%g", policy.pruneRatio), best));
    }
    if (!fullRuns(contenders) || !retimeFinalists())
      return false;
    host.phaseEnded("benchmark");
    return true;
  }

  /// The full runs of `contenders`, round by round (SchedulePolicy::round);
  /// one that fails in a round runs no more. On several devices, a round's
  /// runs go to whichever device is free, and a candidate's later rounds
  /// to the device of its first (`device`: pin every run there instead).
  bool fullRuns(const std::vector<size_t> &contenders, int device = -1) {
    int rounds = policy.rounds();
    size_t total = rounds * contenders.size();
    for (int k = 0; k < rounds; ++k) {
      host.progress("benchmark", k * contenders.size(), total);
      if (!advance(false))
        return false;
      std::vector<RunJob> jobs;
      for (size_t i : contenders)
        if (records[i].status == CandidateStatus::Ok)
          jobs.push_back(RunJob{i, policy.round(k),
                                device >= 0 ? device
                                : k > 0     ? records[i].device
                                            : -1});
      measureAll(jobs, /*append=*/k > 0);
    }
    host.progress("benchmark", total, total);
    return true;
  }

  /// On several devices: the finalists' full runs again, all on device 0.
  bool retimeFinalists() {
    if (pool.devices() < 2)
      return true;
    std::vector<size_t> finalists = ranked();
    if (finalists.empty())
      return true;
    double best = records[finalists.front()].medianMs;
    llvm::erase_if(finalists, [&](size_t i) {
      return records[i].medianMs > SchedulePolicy::kRetimeRatio * best;
    });
    if (finalists.size() > SchedulePolicy::kRetimeMax)
      finalists.resize(SchedulePolicy::kRetimeMax);
    return fullRuns(finalists, /*device=*/0);
  }

  /// Successive halving: rung by rung, the best third of the last rung's
  /// candidates (at least one) runs three times as often; the last rung
  /// gets the full run.
  bool halvingPhase() {
    std::vector<size_t> rung = ranked();
    int runs = SchedulePolicy::kHalvingRuns;
    int fullRep = policy.full.rep > 0 ? policy.full.rep : 100;
    size_t step = 0;
    while (!rung.empty()) {
      runs *= 3;
      bool last = runs >= fullRep || rung.size() <= 3;
      size_t keep = last ? rung.size() : (rung.size() + 2) / 3;
      for (size_t k = keep; k < rung.size(); ++k) {
        const CandidateRecord &r = records[rung[k]];
        prune(rung[k], llvm::formatv("successive halving: median {0:F4} ms "
                                     "over {1} runs, not in the best {2} of "
                                     "rung {3}",
                                     r.medianMs, r.samples.size(), keep, step));
      }
      rung.resize(keep);
      if (last) {
        if (!fullRuns(rung) || !retimeFinalists())
          return false;
        break;
      }
      if (!advance(false))
        return false;
      std::vector<RunJob> jobs;
      for (size_t i : rung)
        jobs.push_back(RunJob{i, RunRequest{false, 1, runs}});
      measureAll(jobs, /*append=*/false);
      rung = ranked(); // the kept ones: every other is pruned or failed
      ++step;
    }
    host.phaseEnded("benchmark");
    return true;
  }

  /// Candidates timed before the reference was ready are checked now.
  bool validatePhase() {
    if (!policy.check)
      return true;
    if (!advance(true))
      return false;
    host.progress("validate", 0, runnable.size());
    std::vector<RunJob> jobs;
    for (size_t i : runnable)
      if (!checked[i] && isValid(records[i].status))
        jobs.push_back(RunJob{i, RunRequest{}});
    measureAll(jobs, /*append=*/false);
    host.progress("validate", runnable.size(), runnable.size());
    host.phaseEnded("validate");
    return true;
  }

  const SchedulePolicy &policy;
  SearchStrategy &strategy;
  CandidateHost &host;
  std::vector<CandidateRecord> &records;
  std::string &error;
  std::vector<char> checked, judged, screened;
  std::vector<size_t> runnable; // compiled, in the order they finished
  RunPool pool;
  uint64_t proposed = 0;
  size_t inFlight = 0;
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
                                  SearchStrategy &strategy, CandidateHost &host,
                                  std::vector<CandidateRecord> &records,
                                  std::string &error) {
  return Schedule(policy, strategy, host, records, error).run();
}
