//===- SchedulerTest.cpp - Screen, prune, time, validate ------------------===//
//
// The scheduler over fake candidates: no compiler, no worker, no device.
//
//===----------------------------------------------------------------------===//

#include "tl/Tuner/Scheduler.h"
#include "tl/Tuner/Search.h"

#include <algorithm>

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

  std::optional<CompileEvent>
  nextCompiled(const std::function<bool()> &idle) override {
    if (handed == configs.size())
      return std::nullopt;
    while (idle()) {
    }
    const Config &c = configs[handed];
    CompileEvent e;
    e.index = handed++;
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

  /// How often `index` was run with `rep` repetitions.
  size_t runsOf(size_t index, int rep) const {
    size_t n = 0;
    for (const Run &r : runs)
      n += r.index == index && r.request.rep == rep;
    return n;
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
  size_t handed = 0, prepared = 0;
  int polls = 0, readyAfterPolls = 0;
  bool referenceFails = false;
  std::vector<size_t> verdicts;
  size_t rejected = SIZE_MAX;
  bool referenceReadyFlag = false;
};

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
    EXPECT_EQ(host.runsOf(i, SchedulePolicy::kScreenRuns), 1u) << i;
    EXPECT_EQ(host.runsOf(i, 100), i < 2 ? 1u : 0u) << i;
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
  EXPECT_EQ(host.runsOf(3, SchedulePolicy::kScreenRuns) +
                host.runsOf(4, SchedulePolicy::kScreenRuns),
            0u);
  EXPECT_EQ(pickBest(records), 0) << "the faster wrong one is not the best";
}

TEST(Scheduler, ShortRunsAreNotScreened) {
  FakeHost host({{true, false, 1.0}, {true, false, 5.0}});
  std::vector<CandidateRecord> records = recordsFor(2);
  std::string error;
  SchedulePolicy policy = gpuPolicy(/*rep=*/3);
  EXPECT_FALSE(policy.prunes());
  ASSERT_EQ(schedule(policy, host, records, error), ScheduleResult::Done);
  EXPECT_EQ(records[1].status, CandidateStatus::Ok) << "not pruned";
  EXPECT_EQ(host.runsOf(0, 3), 1u);
  EXPECT_EQ(host.runsOf(1, 3), 1u);
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

} // namespace

TEST(Search, ExhaustiveRunsTheSpaceInOrder) {
  std::string error;
  SearchOptions all;
  EXPECT_EQ(*selectConfigs(all, 4, 7, error),
            (std::vector<size_t>{0, 1, 2, 3}));
  all.budget = 2;
  EXPECT_EQ(*selectConfigs(all, 4, 7, error), (std::vector<size_t>{0, 1}));
}

TEST(Search, RandomDrawsTheBudgetReproducibly) {
  std::string error;
  SearchOptions random;
  random.strategy = "random";
  random.budget = 10;
  std::vector<size_t> a = *selectConfigs(random, 1000, 1, error);
  ASSERT_EQ(a.size(), 10u);
  EXPECT_TRUE(std::is_sorted(a.begin(), a.end()));
  EXPECT_EQ(std::adjacent_find(a.begin(), a.end()), a.end()) << "no repeats";
  EXPECT_LT(a.back(), 1000u);
  EXPECT_EQ(*selectConfigs(random, 1000, 1, error), a) << "same seed";
  EXPECT_NE(*selectConfigs(random, 1000, 2, error), a) << "another seed";
  // A budget over the space runs all of it.
  random.budget = 5000;
  EXPECT_EQ(selectConfigs(random, 3, 1, error)->size(), 3u);
  SearchOptions unknown;
  unknown.strategy = "annealing";
  EXPECT_FALSE(selectConfigs(unknown, 3, 1, error));
  EXPECT_NE(error.find("unknown --strategy 'annealing'"), std::string::npos)
      << error;
}
