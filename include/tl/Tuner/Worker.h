//===- Worker.h - A process that runs candidates ----------------*- C++ -*-===//
//
// Candidates run in a worker process fed one request at a time (Protocol.h):
// a fault or a hang costs only that candidate, and the worker is replaced.
// The worker sets up its device once (buffers, pristine input copies) and
// restores the inputs and poisons the outputs before every candidate.
//
// A worker is the tl-worker program, started with exec on the setup file
// (Workload.h), when it is found beside the tools or the library: a fresh
// process, which can use CUDA even when the tuner's own process (Python with
// torch, say) initialized it. Without tl-worker, the tuner forks itself.
//
//===----------------------------------------------------------------------===//

#ifndef TL_TUNER_WORKER_H
#define TL_TUNER_WORKER_H

#include "tl/Tuner/Protocol.h"
#include "tl/Tuner/Workload.h"

#include <sys/types.h>

namespace mlir::tl {

/// Serves requests read from `in` with replies written to `out` on device
/// `ordinal` of the setup's kind, until `in` ends; then exits the process.
/// tl-worker's main, and a forked worker's.
[[noreturn]] void serveWorker(const WorkerSetup &setup, int ordinal, int in,
                              int out);

class Worker {
public:
  /// Candidates of `setup` on its device `ordinal`; a run longer than
  /// `timeoutSeconds` is killed. With `executable` (tl-worker) and
  /// `setupFile` (writeWorkerSetup's), each worker is that program; else a
  /// fork of this process.
  Worker(const WorkerSetup &setup, int ordinal, double timeoutSeconds,
         std::string executable = "", std::string setupFile = "");
  ~Worker();
  Worker(const Worker &) = delete;
  Worker &operator=(const Worker &) = delete;

  /// Runs the candidate in `dir` as `req` says; a worker that dies or runs
  /// past the timeout gives a Crashed or Timeout reply and is replaced by
  /// the next run.
  RunReply run(const std::string &dir, const RunRequest &req);

  /// Starts the worker process now, when none is running, and returns at
  /// once: its set-up (the device, the inputs) overlaps what the caller
  /// does next. run() starts one otherwise. False if it cannot fork.
  bool start();

private:
  RunReply died();
  void stop();
  void closeFds();

  const WorkerSetup &setup;
  int ordinal;
  double timeoutSeconds;
  std::string executable, setupFile;
  pid_t pid = -1;
  int toChild = -1, fromChild = -1;
};

} // namespace mlir::tl

#endif // TL_TUNER_WORKER_H
