//===- RunPool.h - Candidate runs spread over devices -----------*- C++ -*-===//
//
// Runs go to one runner per device (in the tuner, a worker process on each
// GPU of one model: tl-tune --devices). A run is handed to whichever device
// frees up first, so that a slow, hanging or faulting candidate on one device
// costs only that device's time; a run can instead be pinned to one device
// (the final re-timing, whose figures must all come from one device). With
// one device, runs happen on the caller's thread when collected.
//
// The pool sees devices only through its runner, so it is tested with fake
// devices.
//
//===----------------------------------------------------------------------===//

#ifndef TL_TUNER_RUNPOOL_H
#define TL_TUNER_RUNPOOL_H

#include "tl/Tuner/Protocol.h"

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace mlir::tl {

/// One run of one candidate: on any device (-1) or on `device`.
struct RunJob {
  size_t index = 0;
  RunRequest request;
  int device = -1;
};

/// A run that ended, and the device it ran on.
struct RunDone {
  RunJob job;
  RunReply reply;
  int device = 0;
};

class RunPool {
public:
  /// Runs `request` for candidate `index` on device `device` (0 .. n-1).
  using Runner =
      std::function<RunReply(int device, size_t index, const RunRequest &)>;

  /// `devices` devices (at least 1), each running one job at a time.
  RunPool(int devices, Runner runner);
  /// Queued jobs are dropped; running ones are waited for.
  ~RunPool();
  RunPool(const RunPool &) = delete;
  RunPool &operator=(const RunPool &) = delete;

  int devices() const { return numDevices; }
  /// Queues `job` (its device must be -1 or below devices()).
  void submit(RunJob job);
  /// The next run to end (in the order they end); waits for one. nullopt
  /// when no job is queued or running.
  std::optional<RunDone> collect();

private:
  void serve(int device);
  /// The first queued job `device` may take; nullopt when none.
  std::optional<RunJob> take(int device);

  int numDevices;
  Runner runner;
  std::mutex mutex;
  std::condition_variable wake, finished;
  std::deque<RunJob> queue;
  std::deque<RunDone> done;
  size_t running = 0;
  bool closing = false;
  std::vector<std::thread> threads; // one per device when there are several
};

} // namespace mlir::tl

#endif // TL_TUNER_RUNPOOL_H
