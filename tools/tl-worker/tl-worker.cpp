//===- tl-worker.cpp - A tuning's worker process --------------------------===//
//
//   tl-worker SETUP-FILE [DEVICE]
//
// Started by the tuner (never by hand): reads the workload from SETUP-FILE
// (writeWorkerSetup), then runs one candidate per request line on stdin, on
// device DEVICE (an ordinal, default 0) of the setup's kind, and answers
// one reply line on stdout (tl/Tuner/Protocol.h). Being its own
// program, it starts with no CUDA state from the process that tunes.
//
//===----------------------------------------------------------------------===//

#include "tl/Tuner/Worker.h"

#include <cstdio>
#include <cstdlib>
#include <unistd.h>

int main(int argc, char **argv) {
  int device = argc == 3 ? std::atoi(argv[2]) : 0;
  if (argc < 2 || argc > 3 || device < 0) {
    std::fprintf(stderr,
                 "usage: tl-worker SETUP-FILE [DEVICE] (started by tl-tune)\n");
    return 2;
  }
  std::string error;
  std::optional<mlir::tl::WorkerSetup> setup =
      mlir::tl::readWorkerSetup(argv[1], error);
  if (!setup) {
    std::fprintf(stderr, "tl-worker: %s\n", error.c_str());
    return 1;
  }
  // Replies go to stdout alone: nothing else may write there.
  int replies = dup(STDOUT_FILENO);
  dup2(STDERR_FILENO, STDOUT_FILENO);
  mlir::tl::serveWorker(*setup, device, STDIN_FILENO, replies);
}
