//===- MultiDeviceTest.cpp - Runs spread over several devices -------------===//
//
// The run pool over fake devices (a runner that sleeps, fails or answers
// per device), and the choice of devices among fake fingerprints.
//
//===----------------------------------------------------------------------===//

#include "tl/Tuner/DeviceProbe.h"
#include "tl/Tuner/RunPool.h"

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <thread>

#include "gtest/gtest.h"

using namespace mlir::tl;
using namespace std::chrono_literals;

namespace {

RunReply ok(double ms) {
  RunReply r;
  r.status = CandidateStatus::Ok;
  r.samples = {ms};
  return r;
}

/// Collects every run of `pool`, in the order they ended.
std::vector<RunDone> collectAll(RunPool &pool) {
  std::vector<RunDone> all;
  while (std::optional<RunDone> d = pool.collect())
    all.push_back(std::move(*d));
  return all;
}

TEST(RunPool, OneDeviceRunsInOrderOnTheCallersThread) {
  std::thread::id caller = std::this_thread::get_id();
  RunPool pool(1, [&](int device, size_t index, const RunRequest &) {
    EXPECT_EQ(device, 0);
    EXPECT_EQ(std::this_thread::get_id(), caller);
    return ok(static_cast<double>(index));
  });
  for (size_t i = 0; i < 4; ++i)
    pool.submit(RunJob{i, RunRequest{}});
  std::vector<RunDone> done = collectAll(pool);
  ASSERT_EQ(done.size(), 4u);
  for (size_t i = 0; i < 4; ++i)
    EXPECT_EQ(done[i].job.index, i);
  EXPECT_FALSE(pool.collect()) << "nothing left";
}

TEST(RunPool, ASlowCandidateStallsOnlyItsDevice) {
  // Candidate 0 takes 400 ms; the other eight, 5 ms each, all end on the
  // other devices before it does.
  RunPool pool(3, [](int, size_t index, const RunRequest &) {
    std::this_thread::sleep_for(index == 0 ? 400ms : 5ms);
    return ok(1);
  });
  for (size_t i = 0; i < 9; ++i)
    pool.submit(RunJob{i, RunRequest{}});
  std::vector<RunDone> done = collectAll(pool);
  ASSERT_EQ(done.size(), 9u);
  EXPECT_EQ(done.back().job.index, 0u) << "the slow one ends last";
  std::map<int, int> perDevice;
  for (const RunDone &d : done)
    ++perDevice[d.device];
  EXPECT_EQ(perDevice.size(), 3u) << "every device took runs";
  EXPECT_EQ(perDevice[done.back().device], 1)
      << "the slow one's device ran nothing else";
}

TEST(RunPool, ADyingWorkerCostsOnlyItsCandidate) {
  // Device 1's worker dies under candidate 3; the rest run.
  RunPool pool(2, [](int device, size_t index, const RunRequest &) {
    std::this_thread::sleep_for(2ms);
    if (index == 3)
      return RunReply::failure(CandidateStatus::Crashed,
                               "the worker died with signal " +
                                   std::to_string(11 + device));
    return ok(1);
  });
  for (size_t i = 0; i < 8; ++i)
    pool.submit(RunJob{i, RunRequest{}});
  std::vector<RunDone> done = collectAll(pool);
  ASSERT_EQ(done.size(), 8u);
  for (const RunDone &d : done)
    EXPECT_EQ(d.reply.status,
              d.job.index == 3 ? CandidateStatus::Crashed : CandidateStatus::Ok)
        << d.job.index;
}

TEST(RunPool, PinnedRunsGoToTheirDevice) {
  std::mutex m;
  std::vector<std::pair<int, size_t>> order;
  RunPool pool(4, [&](int device, size_t index, const RunRequest &) {
    std::this_thread::sleep_for(1ms);
    std::lock_guard<std::mutex> lock(m);
    order.emplace_back(device, index);
    return ok(1);
  });
  for (size_t i = 0; i < 12; ++i)
    pool.submit(RunJob{i, RunRequest{}, i % 2 ? 0 : -1});
  std::vector<RunDone> done = collectAll(pool);
  ASSERT_EQ(done.size(), 12u);
  for (const RunDone &d : done) {
    if (d.job.index % 2) {
      EXPECT_EQ(d.device, 0) << d.job.index;
    }
  }
  // Device 0 ran its pinned runs in the order they were queued.
  std::vector<size_t> onZero;
  for (auto [device, index] : order)
    if (device == 0 && index % 2)
      onZero.push_back(index);
  EXPECT_TRUE(std::is_sorted(onZero.begin(), onZero.end()));
}

tlrt::DeviceFingerprint gpu(const std::string &name, int sms) {
  tlrt::DeviceFingerprint f;
  f.kind = "cuda";
  f.name = name;
  f.computeCapability = "9.0";
  f.multiprocessors = sms;
  f.l2Bytes = 50 << 20;
  f.driverVersion = "13000";
  return f;
}

TEST(SelectDevices, EveryDeviceOfOneModelByDefault) {
  std::vector<tlrt::DeviceFingerprint> visible = {
      gpu("NVIDIA H200", 132), gpu("NVIDIA H200", 132),
      gpu("NVIDIA H100 PCIe", 114), gpu("NVIDIA H200", 132)};
  std::string note, error;
  auto chosen = selectDevices("", visible, note, error);
  ASSERT_TRUE(chosen) << error;
  EXPECT_EQ(*chosen, (std::vector<int>{0, 1, 3}));
  EXPECT_NE(note.find("left out device 2 (NVIDIA H100 PCIe, 9.0, 114 SMs)"),
            std::string::npos)
      << note;
  note.clear();
  chosen = selectDevices("all", {visible[0], visible[1]}, note, error);
  ASSERT_TRUE(chosen);
  EXPECT_EQ(*chosen, (std::vector<int>{0, 1}));
  EXPECT_EQ(note, "");
}

TEST(SelectDevices, AListMustBeOneModelOfDevicesThatExist) {
  std::vector<tlrt::DeviceFingerprint> visible = {gpu("NVIDIA H200", 132),
                                                  gpu("NVIDIA H100 PCIe", 114),
                                                  gpu("NVIDIA H200", 132)};
  std::string note, error;
  auto chosen = selectDevices("2, 0", visible, note, error);
  ASSERT_TRUE(chosen) << error;
  EXPECT_EQ(*chosen, (std::vector<int>{2, 0}));
  EXPECT_FALSE(selectDevices("0,1", visible, note, error));
  EXPECT_EQ(error, "--devices 0,1: device 1 (NVIDIA H100 PCIe, 9.0, 114 SMs) "
                   "is not the model of device 0 (NVIDIA H200, 9.0, 132 "
                   "SMs); timings of different models are never ranked "
                   "together: tune each model with its own --devices");
  EXPECT_FALSE(selectDevices("0,3", visible, note, error));
  EXPECT_EQ(error, "--devices 0,3: '3' is not a device here: give all, or "
                   "ordinals from 0 to 2 separated by commas");
  EXPECT_FALSE(selectDevices("0,0", visible, note, error));
  EXPECT_EQ(error, "--devices 0,0: device 0 is named twice");
  EXPECT_FALSE(selectDevices("first", visible, note, error));
}

TEST(CudaChip, FromTheComputeCapability) {
  EXPECT_EQ(cudaChipFor("9.0"), std::optional<std::string>("sm_90a"));
  EXPECT_EQ(cudaChipFor("8.0"), std::optional<std::string>("sm_80"));
  EXPECT_EQ(cudaChipFor("8.6"), std::optional<std::string>("sm_86"));
  EXPECT_EQ(cudaChipFor("8.9"), std::optional<std::string>("sm_89"));
  EXPECT_EQ(cudaChipFor("10.0"), std::nullopt) << "no Blackwell target";
  EXPECT_EQ(cudaChipFor("7.5"), std::nullopt);
}

} // namespace
