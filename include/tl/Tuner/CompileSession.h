//===- CompileSession.h - Every config compiled in parallel -----*- C++ -*-===//
//
// The guide's parallel compile: one MLIR context with its thread pool, the
// expanded module, and the configs compiled on the pool as they are
// requested (all at once, or a few at a time as a search strategy asks for
// them); each config's outcome is handed out as it finishes, so that
// benchmarking can start while the rest compile. tl-tune and tl-compile
// both compile through it.
//
//===----------------------------------------------------------------------===//

#ifndef TL_TUNER_COMPILESESSION_H
#define TL_TUNER_COMPILESESSION_H

#include "tl/Target/Cuda.h"
#include "tl/Target/Hip.h"
#include "tl/Target/Host.h"
#include "tl/Tuner/Options.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/Support/ThreadPool.h"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

namespace mlir::tl {

/// What a config is compiled for, and how.
struct CompileTarget {
  Target target = Target::Host; // Cuda, Hip or Host
  CudaCompileOptions cuda;
  HipCompileOptions hip;
  HostCompileOptions host;
};

/// Compiles `config` (one specialized kernel) into `dir` as `how` says; the
/// external tools stop at `deadline`.
LogicalResult compileConfig(ModuleOp config, StringRef dir, CompileTarget how,
                            Deadline deadline, std::string &error);

/// The configs are compiled by `jobs` threads of the session's own, which
/// take the requested configs in order; passes that run in parallel inside
/// one config's compile use the context's thread pool. (Configs are not
/// tasks of that pool: a pool thread waiting for a config's nested tasks
/// may run any queued task meanwhile, and another whole config would then
/// stall the first.)
///
/// A config that runs past the compile timeout is reported as such and no
/// longer waited for. Its external tools (ptxas, ld.lld) are killed at the
/// deadline, but a thread inside LLVM cannot be stopped: when one is still
/// running at the end, the owner leaks the session (leakIfRunning: the
/// thread keeps using it) instead of destroying it.
class CompileSession {
public:
  using Clock = std::chrono::steady_clock;
  /// What a compile task produced; written by the task only.
  struct Outcome {
    bool ok = false;
    std::string message;
    double seconds = 0;
  };
  /// A finished config, or one reported as timed out.
  struct Event {
    size_t index;
    bool timedOut;
  };

  /// `jobs` compile threads, and as many in the pool (0: every hardware
  /// thread).
  CompileSession(const DialectRegistry &registry, unsigned jobs);
  /// Compiles not yet started are skipped; running ones are waited for.
  ~CompileSession();

  /// Configs [0, n) are compiled with `compile` when requested, by `jobs`
  /// threads. The task must capture nothing that may end before it.
  void prepare(size_t n, std::function<Outcome(size_t)> compile);
  /// Starts compiling `indices` (each requested at most once).
  void request(const std::vector<size_t> &indices);
  /// prepare(n, compile) and request every config.
  void start(size_t n, std::function<Outcome(size_t)> compile);

  /// The next finished config, or one compiling for longer than
  /// `timeoutSeconds` (plus a second for its tool to be killed); nullopt
  /// once every requested config has been handed out. While there is none,
  /// `idle` runs (without the lock); it returns whether it did some work.
  std::optional<Event> next(double timeoutSeconds,
                            const std::function<bool()> &idle);

  /// The outcome of config `i` once `next` handed it out as finished.
  Outcome outcome(size_t i);

  /// Configs abandoned at the timeout whose compile has not ended yet.
  size_t stillRunning();

  /// Leaves the session to the compiles still running (see the class
  /// comment); returns whether it did.
  static bool leakIfRunning(std::unique_ptr<CompileSession> &session);

  llvm::DefaultThreadPool pool;
  MLIRContext ctx; // after the pool: destroyed before it
  /// The template and its expanded configs, which the compiles work on.
  OwningOpRef<ModuleOp> module;

private:
  enum State : char {
    kIdle, // not requested
    kPending,
    kRunning,
    kDone,
    kAbandoned,
    kDoneLate
  };
  void compileOne(size_t i);
  void work();

  std::function<Outcome(size_t)> compile;
  std::mutex mutex;
  std::condition_variable wake;
  std::vector<Outcome> outcomes;
  std::vector<Clock::time_point> startedAt;
  std::vector<State> state;
  std::deque<size_t> finished, queue;
  size_t handed = 0, requested = 0;
  std::atomic<bool> cancelled{false};
  std::vector<std::thread> threads;
};

} // namespace mlir::tl

#endif // TL_TUNER_COMPILESESSION_H
