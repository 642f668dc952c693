//===- Worker.h - A process that runs candidates ----------------*- C++ -*-===//
//
// Candidates run in a worker process fed one request at a time (Protocol.h):
// a fault or a hang costs only that candidate, and the worker is replaced.
// The worker sets up its device once (buffers, pristine input copies) and
// restores the inputs and poisons the outputs before every candidate.
//
//===----------------------------------------------------------------------===//

#ifndef TL_TUNER_WORKER_H
#define TL_TUNER_WORKER_H

#include "tl/Tuner/Protocol.h"
#include "tl/Tuner/Workload.h"

#include <sys/types.h>

namespace mlir::tl {

class Worker {
public:
  /// Candidates of `work` on a CUDA device (`cuda`) or the host; a run
  /// longer than `timeoutSeconds` is killed.
  Worker(const Workload &work, const ProfileOptions &profile, bool cuda);
  ~Worker();
  Worker(const Worker &) = delete;
  Worker &operator=(const Worker &) = delete;

  /// Runs the candidate in `dir` as `req` says; a worker that dies or runs
  /// past the timeout gives a Crashed or Timeout reply and is replaced by
  /// the next run.
  RunReply run(const std::string &dir, const RunRequest &req);

private:
  bool start();
  RunReply died();
  void stop();
  void closeFds();

  const Workload &work;
  const ProfileOptions &profile;
  bool cuda;
  pid_t pid = -1;
  int toChild = -1, fromChild = -1;
};

} // namespace mlir::tl

#endif // TL_TUNER_WORKER_H
