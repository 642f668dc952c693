//===- ReferenceRun.h - The outputs candidates are checked against -*- C++
//-*-===//
//
// Without --ref files, the reference is the template itself with its
// default parameters, built on its own thread (while the candidates
// compile) by a simple path and run once on the workload's inputs:
//
// - device (--reference device): compiled for the GPU with no tensor cores
//   (mma=simt: FMAs into f32) and run by the worker, which writes its
//   outputs to the workload's reference file;
// - host: compiled for the CPU and run in a child process (on the CPU,
//   while a GPU times candidates).
//
// Its states: building, running, ready; `advance` moves it along.
//
//===----------------------------------------------------------------------===//

#ifndef TL_TUNER_REFERENCERUN_H
#define TL_TUNER_REFERENCERUN_H

#include "tl/Tuner/Options.h"
#include "tl/Tuner/Workload.h"

#include "mlir/IR/DialectRegistry.h"

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <sys/types.h>
#include <thread>

namespace mlir::tl {

class ReferenceRun {
public:
  /// The workload the reference runs on, built from the reference's
  /// kernel.json when no candidate's was there first; null with `error`.
  using WorkloadFor =
      std::function<const Workload *(const std::string &, std::string &)>;
  /// Runs the device reference built in a directory through a worker;
  /// false with `error`.
  using RunOnDevice = std::function<bool(const std::string &, std::string &)>;

  /// `kind` Device or Host; None (given as files, or no check) is ready
  /// from the start. readySeconds counts from `since`.
  ReferenceRun(ReferenceKind kind, std::chrono::steady_clock::time_point since);
  /// Joins the build and kills a run still going.
  ~ReferenceRun();
  ReferenceRun(const ReferenceRun &) = delete;
  ReferenceRun &operator=(const ReferenceRun &) = delete;

  /// Starts the build of the template in `options.input` (its configs
  /// removed: the default parameters) into `dir`, in its own context: for
  /// `gpu` (the device candidates run on: Cuda or Hip) when the kind is
  /// Device, else for the host.
  void startBuild(const DialectRegistry &registry, const TuneOptions &options,
                  Target gpu, const std::string &hostCpu, std::string dir);

  /// Moves the reference along (built -> running -> ready); with `wait`,
  /// until it is ready. False with `error` when it cannot be had.
  bool advance(bool wait, const WorkloadFor &workloadFor,
               const RunOnDevice &runOnDevice, std::string &error);

  bool ready() const { return state == State::Ready; }
  ReferenceKind kind() const { return which; }
  /// Seconds from `since` until the outputs were ready (0: not yet, or not
  /// needed).
  double readySeconds() const { return readyAfter; }
  /// Seconds from `since` until its build ended (0: not yet, or none).
  double builtSeconds() const { return built ? builtAfter : 0; }

private:
  enum class State { Building, Running, Ready } state;
  ReferenceKind which;
  std::chrono::steady_clock::time_point created;
  std::string dir;
  std::thread builder;
  std::atomic<bool> built{false}; // the builder thread ended
  double builtAfter = 0;          // written before `built`
  bool buildOk = false;
  std::string buildError;
  pid_t pid = -1;
  double readyAfter = 0;
};

} // namespace mlir::tl

#endif // TL_TUNER_REFERENCERUN_H
