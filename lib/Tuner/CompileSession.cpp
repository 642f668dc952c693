//===- CompileSession.cpp - Every config compiled in parallel -------------===//

#include "tl/Tuner/CompileSession.h"

#include "mlir/IR/Threading.h"

using namespace mlir;
using namespace mlir::tl;

LogicalResult mlir::tl::compileConfig(ModuleOp config, StringRef dir, bool cuda,
                                      CudaCompileOptions cudaOptions,
                                      HostCompileOptions hostOptions,
                                      Deadline deadline, std::string &error) {
  if (cuda) {
    cudaOptions.deadline = deadline;
    return compileCudaKernel(config, dir, cudaOptions, error);
  }
  hostOptions.deadline = deadline;
  return compileHostKernel(config, dir, hostOptions, error);
}

static double secondsSince(CompileSession::Clock::time_point t) {
  return std::chrono::duration<double>(CompileSession::Clock::now() - t)
      .count();
}

CompileSession::CompileSession(const DialectRegistry &registry, unsigned jobs)
    : pool(llvm::hardware_concurrency(jobs)),
      ctx(registry, MLIRContext::Threading::DISABLED) {
  ctx.setThreadPool(pool);
  ctx.loadAllAvailableDialects();
}

CompileSession::~CompileSession() {
  cancelled = true;
  if (driver.joinable())
    driver.join();
}

void CompileSession::start(size_t n, std::function<Outcome(size_t)> compile) {
  outcomes.resize(n);
  startedAt.resize(n);
  state.assign(n, kPending);
  driver = std::thread([this, n, compile = std::move(compile)] {
    (void)failableParallelForEachN(&ctx, 0, n, [&](size_t i) {
      {
        std::lock_guard<std::mutex> lock(mutex);
        state[i] = kRunning;
        startedAt[i] = Clock::now();
      }
      Outcome outcome = cancelled ? Outcome{} : compile(i);
      {
        std::lock_guard<std::mutex> lock(mutex);
        outcomes[i] = std::move(outcome);
        if (state[i] == kRunning)
          finished.push_back(i);
        state[i] = state[i] == kAbandoned ? kDoneLate : kDone;
      }
      wake.notify_all();
      return success();
    });
  });
}

std::optional<CompileSession::Event>
CompileSession::next(double timeoutSeconds, const std::function<bool()> &idle) {
  std::unique_lock<std::mutex> lock(mutex);
  while (handed < state.size()) {
    if (!finished.empty()) {
      size_t i = finished.front();
      finished.pop_front();
      ++handed;
      return Event{i, false};
    }
    for (size_t i = 0; i < state.size(); ++i)
      if (state[i] == kRunning &&
          secondsSince(startedAt[i]) > timeoutSeconds + 1) {
        state[i] = kAbandoned;
        ++handed;
        return Event{i, true};
      }
    lock.unlock();
    bool worked = idle();
    lock.lock();
    if (!worked && finished.empty())
      wake.wait_for(lock, std::chrono::milliseconds(20));
  }
  return std::nullopt;
}

CompileSession::Outcome CompileSession::outcome(size_t i) {
  std::lock_guard<std::mutex> lock(mutex);
  return outcomes[i];
}

size_t CompileSession::stillRunning() {
  std::lock_guard<std::mutex> lock(mutex);
  return std::count(state.begin(), state.end(), kAbandoned);
}

bool CompileSession::leakIfRunning(std::unique_ptr<CompileSession> &session) {
  if (!session || !session->stillRunning())
    return false;
  session->driver.detach();
  (void)session.release(); // intentionally leaked: a compile thread uses it
  return true;
}
