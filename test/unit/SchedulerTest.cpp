//===- SchedulerTest.cpp - Screen, prune, time, validate ------------------===//
//
// The scheduler over fake candidates: no compiler, no worker, no device.
//
//===----------------------------------------------------------------------===//

#include "tl/Tuner/Scheduler.h"
#include "tl/Tuner/Search.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "gtest/gtest.h"

using namespace mlir::tl;

namespace {

/// Configs whose compile outcome, speed and answer a test sets; every
/// request is recorded.
class FakeHost : public CandidateHost {
public:
  struct Config {
    bool compiles = true;
    bool compileTimeout = false;
    double ms = 1;
    bool wrong = false;
    bool crashes = false;
  };
  struct Run {
    size_t index;
    RunRequest request;
    size_t compilesHandedOut; // how many compile events preceded it
  };

  explicit FakeHost(std::vector<Config> configs)
      : configs(std::move(configs)) {}

  void compile(const std::vector<size_t> &indices) override {
    for (size_t i : indices) {
      EXPECT_EQ(std::count(asked.begin(), asked.end(), i), 0)
          << "config " << i << " asked for twice";
      asked.push_back(i);
      queue.push_back(i);
    }
  }
  std::optional<CompileEvent>
  nextCompiled(const std::function<bool()> &idle) override {
    if (queue.empty())
      return std::nullopt;
    while (idle()) {
    }
    size_t index = queue.front();
    queue.erase(queue.begin());
    ++handed;
    CompileEvent e;
    e.index = index;
    if (restored.count(index)) {
      e.ok = true;
      e.restored = restored[index];
      return e;
    }
    const Config &c = configs[index];
    e.timedOut = c.compileTimeout;
    e.ok = c.compiles;
    e.message = c.compiles ? "" : "no such op";
    e.seconds = 0.5;
    return e;
  }
  bool prepare(size_t index, std::string &error) override {
    ++prepared;
    return true;
  }
  RunReply run(size_t index, const RunRequest &req) override {
    runs.push_back({index, req, handed});
    const Config &c = configs[index];
    if (c.crashes)
      return RunReply::failure(CandidateStatus::Crashed, "signal 11");
    RunReply reply;
    reply.status = CandidateStatus::Ok;
    if (req.check) {
      EXPECT_TRUE(referenceReadyFlag)
          << "checked before the reference was ready";
      tlrt::CompareResult check;
      check.count = 64;
      check.mismatched = c.wrong ? 64 : 0;
      check.passed = !c.wrong;
      reply.check = check;
      if (c.wrong) {
        reply.status = CandidateStatus::CheckFailed;
        reply.message = "output 2: 64 of 64 elements off";
        return reply;
      }
    }
    if (req.timed())
      reply.samples.assign(req.rep, c.ms);
    return reply;
  }
  double gemmFlops(size_t) override { return 2e9; }
  bool advanceReference(bool wait, std::string &error) override {
    if (referenceFails) {
      error = "the host reference failed to run";
      return false;
    }
    if (wait || ++polls >= readyAfterPolls)
      referenceReadyFlag = true;
    return true;
  }
  bool referenceReady() override { return referenceReadyFlag; }
  bool externalVerdict(size_t index, std::string &why) override {
    verdicts.push_back(index);
    EXPECT_TRUE(runs.back().request.dumpOutputs)
        << "judged without its outputs";
    if (index != rejected)
      return true;
    why = "C differs from A @ B";
    return false;
  }
  void phaseEnded(const std::string &phase) override {
    phases.push_back(phase);
  }
  void settled(size_t index, const CandidateRecord &record) override {
    if (killed)
      return;
    journal.push_back(recordLine(record));
    // A kill: the run stops at the next step (nothing after is journaled).
    if (journal.size() >= killAfter)
      referenceFails = killed = true;
  }

  /// How often `index` was run with `rep` repetitions (not counting the
  /// full runs' rounds).
  size_t runsOf(size_t index, int rep) const {
    size_t n = 0;
    for (const Run &r : runs)
      n += r.index == index && r.request.rep == rep && !isRound(r.request);
    return n;
  }
  /// How many screenings `index` had.
  size_t screensOf(size_t index) const {
    size_t n = 0;
    for (const Run &r : runs)
      n += r.index == index && r.request.capMs > 0;
    return n;
  }
  /// The repetitions of `index`'s full runs, over all rounds.
  int fullRepsOf(size_t index) const {
    int n = 0;
    for (const Run &r : runs)
      n += r.index == index && isRound(r.request) ? r.request.rep : 0;
    return n;
  }
  /// A round of a full run: gpuPolicy's warm-up (5) in the first,
  /// kRoundWarmup in the others; screenings are capped, halving's rungs
  /// warm up once.
  bool isRound(const RunRequest &r) const {
    return r.capMs == 0 &&
           (r.warmup == 5 || r.warmup == SchedulePolicy::kRoundWarmup);
  }
  size_t checksOf(size_t index) const {
    size_t n = 0;
    for (const Run &r : runs)
      n += r.index == index && r.request.check;
    return n;
  }

  std::vector<Config> configs;
  std::vector<Run> runs;
  std::vector<std::string> phases;
  std::vector<size_t> asked, queue;
  /// What settle() was handed, as journal lines; a "kill" after killAfter.
  std::vector<std::string> journal;
  size_t killAfter = SIZE_MAX;
  bool killed = false;
  std::map<size_t, CandidateRecord> restored;
  size_t handed = 0, prepared = 0;
  int polls = 0, readyAfterPolls = 0;
  bool referenceFails = false;
  std::vector<size_t> verdicts;
  size_t rejected = SIZE_MAX;
  bool referenceReadyFlag = false;
};

/// The schedule over every config, in order.
ScheduleResult schedule(const SchedulePolicy &policy, CandidateHost &host,
                        std::vector<CandidateRecord> &records,
                        std::string &error) {
  SearchOptions exhaustive;
  std::unique_ptr<SearchStrategy> strategy = makeStrategy(
      exhaustive, KnobTable(records.size(), std::vector<double>{}), 0, error);
  return mlir::tl::schedule(policy, *strategy, host, records, error);
}

std::vector<CandidateRecord> recordsFor(size_t n) {
  std::vector<CandidateRecord> records(n);
  for (size_t i = 0; i < n; ++i)
    records[i].index = static_cast<int>(i);
  return records;
}

SchedulePolicy gpuPolicy(int rep = 100) {
  ProfileOptions profile;
  profile.warmup = 5;
  profile.rep = rep;
  profile.pruneRatio = 1.1;
  return SchedulePolicy::from(profile, /*overlap=*/true, 120);
}

TEST(Scheduler, ScreensPrunesAndTimesTheFastFully) {
  FakeHost host({{true, false, 1.0},
                 {true, false, 1.05},
                 {true, false, 2.0},
                 {true, false, 3.0}});
  std::vector<CandidateRecord> records = recordsFor(4);
  std::string error;
  ASSERT_EQ(schedule(gpuPolicy(), host, records, error), ScheduleResult::Done)
      << error;
  EXPECT_EQ(records[0].status, CandidateStatus::Ok);
  EXPECT_EQ(records[1].status, CandidateStatus::Ok);
  EXPECT_EQ(records[2].status, CandidateStatus::Pruned);
  EXPECT_EQ(records[3].status, CandidateStatus::Pruned);
  EXPECT_NE(records[2].message.find("--prune-ratio 1.1"), std::string::npos)
      << records[2].message;
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(host.screensOf(i), 1u) << i;
    EXPECT_EQ(host.fullRepsOf(i), i < 2 ? 100 : 0) << i;
    EXPECT_EQ(host.checksOf(i), 1u) << "candidate " << i << " checked once";
  }
  EXPECT_EQ(records[0].samples.size(), 100u) << "the full run's figures";
  EXPECT_EQ(records[2].samples.size(), size_t(SchedulePolicy::kScreenRuns));
  EXPECT_DOUBLE_EQ(records[0].tflops, 2e9 / 1e-3 / 1e12);
  EXPECT_EQ(pickBest(records), 0);
  EXPECT_EQ(host.prepared, 1u);
  EXPECT_EQ(host.phases,
            (std::vector<std::string>{"compile", "benchmark", "validate"}));
}

TEST(Scheduler, OnAGpuScreensWhileOthersCompile) {
  FakeHost host({{}, {}, {}});
  std::vector<CandidateRecord> records = recordsFor(3);
  std::string error;
  ASSERT_EQ(schedule(gpuPolicy(), host, records, error), ScheduleResult::Done);
  ASSERT_FALSE(host.runs.empty());
  EXPECT_EQ(host.runs.front().compilesHandedOut, 1u)
      << "the first candidate ran before the second compiled";
}

TEST(Scheduler, OnTheHostWaitsForTheCompilesAndTheReference) {
  ProfileOptions profile;
  profile.rep = 100;
  FakeHost host({{}, {}, {}});
  host.readyAfterPolls = 1000; // only a wait makes it ready
  std::vector<CandidateRecord> records = recordsFor(3);
  std::string error;
  ASSERT_EQ(schedule(SchedulePolicy::from(profile, /*overlap=*/false, 0), host,
                     records, error),
            ScheduleResult::Done);
  for (const FakeHost::Run &r : host.runs)
    EXPECT_EQ(r.compilesHandedOut, 3u) << "ran while compiling";
  EXPECT_TRUE(host.runs.front().request.check)
      << "the reference was ready before the first screening";
  for (size_t i = 0; i < 3; ++i)
    EXPECT_EQ(host.checksOf(i), 1u);
}

TEST(Scheduler, ChecksRideAlongOnceTheReferenceIsReady) {
  FakeHost host({{}, {}, {}, {}});
  host.readyAfterPolls = 3;
  std::vector<CandidateRecord> records = recordsFor(4);
  std::string error;
  ASSERT_EQ(schedule(gpuPolicy(), host, records, error), ScheduleResult::Done);
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(host.checksOf(i), 1u) << i;
    EXPECT_EQ(records[i].check.count, 64u) << i;
  }
}

TEST(Scheduler, AWrongOrCrashingCandidateFailsAlone) {
  FakeHost host({{true, false, 2.0},
                 {true, false, 0.5, /*wrong=*/true},
                 {true, false, 0.1, false, /*crashes=*/true},
                 {/*compiles=*/false},
                 {true, /*compileTimeout=*/true}});
  std::vector<CandidateRecord> records = recordsFor(5);
  std::string error;
  ASSERT_EQ(schedule(gpuPolicy(), host, records, error), ScheduleResult::Done);
  EXPECT_EQ(records[0].status, CandidateStatus::Ok);
  EXPECT_EQ(records[1].status, CandidateStatus::CheckFailed);
  EXPECT_EQ(records[2].status, CandidateStatus::Crashed);
  EXPECT_EQ(records[3].status, CandidateStatus::CompileError);
  EXPECT_EQ(records[3].message, "no such op");
  EXPECT_EQ(records[4].status, CandidateStatus::CompileTimeout);
  EXPECT_NE(records[4].message.find("--compile-timeout 120"),
            std::string::npos);
  EXPECT_EQ(host.screensOf(3) + host.screensOf(4), 0u);
  EXPECT_EQ(pickBest(records), 0) << "the faster wrong one is not the best";
}

TEST(Scheduler, TheContendersFullRunsTakeTurns) {
  FakeHost host({{true, false, 1.0}, {true, false, 1.02}, {true, false, 3.0}});
  std::vector<CandidateRecord> records = recordsFor(3);
  std::string error;
  ASSERT_EQ(schedule(gpuPolicy(/*rep=*/95), host, records, error),
            ScheduleResult::Done);
  // After the three screenings, rounds of kRoundRuns: 0, 1, 0, 1, ...; the
  // first with the full warm-up, the last with what is left.
  std::vector<FakeHost::Run> rounds(host.runs.begin() + 3, host.runs.end());
  ASSERT_EQ(rounds.size(), 20u);
  for (size_t k = 0; k < rounds.size(); ++k) {
    EXPECT_EQ(rounds[k].index, k % 2) << "round " << k / 2;
    EXPECT_EQ(rounds[k].request.warmup,
              k < 2 ? 5 : SchedulePolicy::kRoundWarmup);
    EXPECT_EQ(rounds[k].request.rep, k < 18 ? SchedulePolicy::kRoundRuns : 5);
  }
  EXPECT_EQ(records[0].samples.size(), 95u) << "every round's samples";
  EXPECT_EQ(records[1].samples.size(), 95u);
  EXPECT_EQ(records[2].status, CandidateStatus::Pruned);
  EXPECT_EQ(pickBest(records), 0);
}

/// FakeHost on `n` devices, each run on its own thread: device d's figures
/// are (1 - 0.03 d) times the config's, as a second device of one model
/// may run a little faster, so a ranking that mixed devices could pick the
/// wrong best.
class MultiDeviceHost : public FakeHost {
public:
  MultiDeviceHost(std::vector<Config> configs, int n)
      : FakeHost(std::move(configs)), n(n) {}
  int devices() override { return n; }
  RunReply runOn(int device, size_t index, const RunRequest &req) override {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    std::lock_guard<std::mutex> lock(mutex);
    RunReply reply = FakeHost::run(index, req);
    for (double &ms : reply.samples)
      ms *= 1 - 0.03 * device;
    deviceOfRun.push_back(device);
    return reply;
  }

  int n;
  std::mutex mutex;
  std::vector<int> deviceOfRun; // per FakeHost::runs entry
};

TEST(Scheduler, OnSeveralDevicesTheFinalistsAreTimedAgainOnOne) {
  MultiDeviceHost host({{true, false, 1.0},
                        {true, false, 1.02},
                        {true, false, 1.03},
                        {true, false, 1.04},
                        {true, false, 1.3}},
                       2);
  std::vector<CandidateRecord> records = recordsFor(5);
  std::string error;
  ASSERT_EQ(schedule(gpuPolicy(/*rep=*/30), host, records, error),
            ScheduleResult::Done)
      << error;
  EXPECT_EQ(records[4].status, CandidateStatus::Pruned);
  std::set<int> fullRunDevices;
  for (size_t k = 0; k < host.runs.size(); ++k) {
    if (host.runs[k].request.capMs > 0)
      EXPECT_EQ(host.deviceOfRun[k], 0) << "screened on device 0";
    else if (host.isRound(host.runs[k].request))
      fullRunDevices.insert(host.deviceOfRun[k]);
  }
  EXPECT_EQ(fullRunDevices, (std::set<int>{0, 1}))
      << "the full runs went to both devices";
  // Every finalist's figures are device 0's full run, nothing else.
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(records[i].status, CandidateStatus::Ok) << i;
    EXPECT_EQ(records[i].device, 0) << i;
    EXPECT_EQ(records[i].samples.size(), 30u) << i;
    EXPECT_DOUBLE_EQ(records[i].medianMs, host.configs[i].ms) << i;
    EXPECT_EQ(host.checksOf(i), 1u) << i;
  }
  EXPECT_EQ(pickBest(records), 0);
}

TEST(Scheduler, ShortRunsAreNotScreened) {
  FakeHost host({{true, false, 1.0}, {true, false, 5.0}});
  std::vector<CandidateRecord> records = recordsFor(2);
  std::string error;
  SchedulePolicy policy = gpuPolicy(/*rep=*/3);
  EXPECT_FALSE(policy.prunes());
  ASSERT_EQ(schedule(policy, host, records, error), ScheduleResult::Done);
  EXPECT_EQ(records[1].status, CandidateStatus::Ok) << "not pruned";
  EXPECT_EQ(host.fullRepsOf(0), 3);
  EXPECT_EQ(host.fullRepsOf(1), 3);
  EXPECT_EQ(host.runs.size(), 2u) << "three runs are one round";
}

TEST(Scheduler, NothingCompiledRunsNothing) {
  FakeHost host({{false}, {false}});
  std::vector<CandidateRecord> records = recordsFor(2);
  std::string error;
  EXPECT_EQ(schedule(gpuPolicy(), host, records, error),
            ScheduleResult::NoneCompiled);
  EXPECT_TRUE(host.runs.empty());
  EXPECT_EQ(host.prepared, 0u);
  EXPECT_EQ(records[0].status, CandidateStatus::CompileError);
}

TEST(Scheduler, AFailedReferenceStopsTheTuning) {
  FakeHost host({{}, {}});
  host.referenceFails = true;
  std::vector<CandidateRecord> records = recordsFor(2);
  std::string error;
  EXPECT_EQ(schedule(gpuPolicy(), host, records, error),
            ScheduleResult::Stopped);
  EXPECT_NE(error.find("host reference"), std::string::npos) << error;
}

TEST(Scheduler, SkipCheckNeverChecks) {
  ProfileOptions profile;
  profile.skipCheck = true;
  FakeHost host({{true, false, 1.0, /*wrong=*/true}});
  std::vector<CandidateRecord> records = recordsFor(1);
  std::string error;
  ASSERT_EQ(
      schedule(SchedulePolicy::from(profile, true, 0), host, records, error),
      ScheduleResult::Done);
  EXPECT_EQ(host.checksOf(0), 0u);
  EXPECT_EQ(records[0].status, CandidateStatus::Ok);
}

TEST(Scheduler, TheCallersCheckJudgesEachCandidateOnce) {
  FakeHost host({{true, false, 1.0},
                 {true, false, 0.5},
                 {true, false, 3.0},
                 {/*compiles=*/false}});
  host.rejected = 1; // the fastest: it must not win
  std::vector<CandidateRecord> records = recordsFor(4);
  std::string error;
  SchedulePolicy policy = gpuPolicy();
  policy.externalCheck = true;
  ASSERT_EQ(schedule(policy, host, records, error), ScheduleResult::Done);
  EXPECT_EQ(host.verdicts, (std::vector<size_t>{0, 1, 2}))
      << "each candidate that ran, once";
  EXPECT_EQ(records[1].status, CandidateStatus::CheckFailed);
  EXPECT_EQ(records[1].message, "C differs from A @ B");
  EXPECT_EQ(records[2].status, CandidateStatus::Pruned)
      << "judged, then pruned as usual";
  size_t dumps = 0;
  for (const FakeHost::Run &r : host.runs)
    dumps += r.request.dumpOutputs;
  EXPECT_EQ(dumps, 3u) << "outputs are written only for the judged run";
  EXPECT_EQ(pickBest(records), 0);
}

TEST(Scheduler, PickBestIgnoresAllButOk) {
  std::vector<CandidateRecord> records = recordsFor(3);
  records[0].status = CandidateStatus::Pruned;
  records[0].medianMs = 0.1;
  records[1].status = CandidateStatus::Ok;
  records[1].medianMs = 2;
  records[2].status = CandidateStatus::Ok;
  records[2].medianMs = 1;
  EXPECT_EQ(pickBest(records), 2);
  records[1].status = records[2].status = CandidateStatus::Timeout;
  EXPECT_EQ(pickBest(records), -1);
}

TEST(Scheduler, ACountBudgetAsksForThatManyConfigs) {
  FakeHost host({{}, {}, {}, {}});
  std::vector<CandidateRecord> records = recordsFor(4);
  SchedulePolicy policy = gpuPolicy();
  policy.budget = 2;
  std::string error;
  ASSERT_EQ(schedule(policy, host, records, error), ScheduleResult::Done);
  EXPECT_EQ(host.asked, (std::vector<size_t>{0, 1}));
  EXPECT_EQ(records[2].status, CandidateStatus::Pending) << "never visited";
}

TEST(Scheduler, ATimeBudgetStopsProposingButFinishesWhatRuns) {
  FakeHost host({{}, {}, {}, {}, {}, {}});
  std::vector<CandidateRecord> records = recordsFor(6);
  SchedulePolicy policy = gpuPolicy();
  policy.budgetSeconds = 1e-9; // spent as soon as anything is proposed
  policy.window = 2;
  std::string error;
  ASSERT_EQ(schedule(policy, host, records, error), ScheduleResult::Done);
  EXPECT_EQ(host.asked, (std::vector<size_t>{0, 1})) << "one window";
  EXPECT_EQ(records[0].status, CandidateStatus::Ok);
  EXPECT_EQ(records[1].status, CandidateStatus::Ok);
}

TEST(Scheduler, SuccessiveHalvingPromotesTheBestThirdRungByRung) {
  std::vector<FakeHost::Config> configs(30);
  for (size_t i = 0; i < configs.size(); ++i)
    configs[i].ms = 3.0 - 0.1 * i; // config 29 is the fastest
  FakeHost host(configs);
  std::vector<CandidateRecord> records = recordsFor(30);
  SchedulePolicy policy = gpuPolicy(/*rep=*/100);
  policy.halving = true;
  std::string error;
  ASSERT_EQ(schedule(policy, host, records, error), ScheduleResult::Done);
  // 30 screened with 3 runs; 10 get 9, 4 get 27, 2 get 81, then the full.
  size_t screened = 0, rung1 = 0, rung2 = 0, rung3 = 0;
  for (size_t i = 0; i < 30; ++i) {
    screened += host.runsOf(i, 3);
    rung1 += host.runsOf(i, 9);
    rung2 += host.runsOf(i, 27);
    rung3 += host.runsOf(i, 81);
  }
  EXPECT_EQ(screened, 30u);
  EXPECT_EQ(rung1, 10u);
  EXPECT_EQ(rung2, 4u);
  EXPECT_EQ(rung3, 2u);
  EXPECT_EQ(host.fullRepsOf(29), 100);
  EXPECT_EQ(host.fullRepsOf(28), 100);
  EXPECT_EQ(host.fullRepsOf(27), 0);
  EXPECT_EQ(host.runsOf(20, 9), 1u) << "config 20 is 10th fastest";
  EXPECT_EQ(host.runsOf(19, 9), 0u);
  EXPECT_EQ(records[19].status, CandidateStatus::Pruned);
  EXPECT_NE(records[19].message.find("successive halving"), std::string::npos);
  EXPECT_EQ(pickBest(records), 29);
}

/// The journal's last record of each config, as a resumed run restores it.
std::map<size_t, CandidateRecord>
restoredFrom(const std::vector<std::string> &journal) {
  std::map<size_t, CandidateRecord> restored;
  for (const std::string &line : journal) {
    llvm::Expected<llvm::json::Value> v = llvm::json::parse(line);
    EXPECT_TRUE(static_cast<bool>(v)) << line;
    if (!v)
      continue;
    std::optional<CandidateRecord> r = parseRecord(*v->getAsObject());
    EXPECT_TRUE(r.has_value()) << line;
    if (r)
      restored[r->index] = *r;
  }
  return restored;
}

TEST(Scheduler, AResumedRunEndsAsAnUninterruptedOne) {
  std::vector<FakeHost::Config> configs = {
      {true, false, 2.0},  {false},
      {true, false, 1.0},  {true, false, 1.05, /*wrong=*/true},
      {true, false, 1.02}, {true, false, 5.0, false, /*crash=*/true},
      {true, false, 4.0},  {true, false, 1.5}};
  auto fresh = [&] {
    std::vector<CandidateRecord> records = recordsFor(configs.size());
    for (size_t i = 0; i < records.size(); ++i) {
      records[i].name = "k" + std::to_string(i);
      records[i].configJson = "{\"i\":" + std::to_string(i) + "}";
    }
    return records;
  };
  std::string error;
  FakeHost whole(configs);
  std::vector<CandidateRecord> expected = fresh();
  ASSERT_EQ(schedule(gpuPolicy(), whole, expected, error),
            ScheduleResult::Done);
  ASSERT_GT(whole.journal.size(), 8u);
  // A kill after every possible number of journal lines, then a resume.
  for (size_t kill = 1; kill < whole.journal.size(); ++kill) {
    FakeHost first(configs);
    first.killAfter = kill;
    std::vector<CandidateRecord> records = fresh();
    ASSERT_EQ(schedule(gpuPolicy(), first, records, error),
              ScheduleResult::Stopped);
    FakeHost second(configs);
    second.restored = restoredFrom(first.journal);
    records = fresh();
    ASSERT_EQ(schedule(gpuPolicy(), second, records, error),
              ScheduleResult::Done)
        << "kill after " << kill << ": " << error;
    for (size_t i = 0; i < records.size(); ++i) {
      EXPECT_EQ(records[i].status, expected[i].status)
          << "config " << i << ", kill after " << kill;
      EXPECT_EQ(records[i].medianMs, expected[i].medianMs) << "config " << i;
      EXPECT_EQ(records[i].check.passed, expected[i].check.passed);
    }
    EXPECT_EQ(pickBest(records), pickBest(expected));
    for (const auto &[index, record] : second.restored)
      EXPECT_EQ(second.screensOf(index), 0u)
          << "restored config " << index << " screened again";
  }
}

} // namespace
