//===- CompileSession.cpp - Every config compiled in parallel -------------===//

#include "tl/Tuner/CompileSession.h"

#include <numeric>

using namespace mlir;
using namespace mlir::tl;

LogicalResult mlir::tl::compileConfig(ModuleOp config, StringRef dir,
                                      CompileTarget how, Deadline deadline,
                                      std::string &error) {
  switch (how.target) {
  case Target::Cuda:
    how.cuda.deadline = deadline;
    return compileCudaKernel(config, dir, how.cuda, error);
  case Target::Hip:
    how.hip.deadline = deadline;
    return compileHipKernel(config, dir, how.hip, error);
  default:
    how.host.deadline = deadline;
    return compileHostKernel(config, dir, how.host, error);
  }
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
  {
    std::lock_guard<std::mutex> lock(mutex);
    cancelled = true;
  }
  wake.notify_all();
  for (std::thread &t : threads)
    t.join();
}

void CompileSession::prepare(size_t n, std::function<Outcome(size_t)> compile) {
  this->compile = std::move(compile);
  outcomes.assign(n, Outcome{});
  startedAt.resize(n);
  state.assign(n, kIdle);
  for (unsigned t = 0; t < pool.getMaxConcurrency(); ++t)
    threads.emplace_back([this] { work(); });
}

void CompileSession::work() {
  for (;;) {
    size_t i;
    {
      std::unique_lock<std::mutex> lock(mutex);
      wake.wait(lock, [&] { return cancelled || !queue.empty(); });
      if (cancelled)
        return;
      i = queue.front();
      queue.pop_front();
    }
    compileOne(i);
  }
}

void CompileSession::request(const std::vector<size_t> &indices) {
  {
    std::lock_guard<std::mutex> lock(mutex);
    for (size_t i : indices) {
      if (state[i] != kIdle)
        continue;
      state[i] = kPending;
      ++requested;
      queue.push_back(i);
    }
  }
  wake.notify_all();
}

void CompileSession::start(size_t n, std::function<Outcome(size_t)> compile) {
  prepare(n, std::move(compile));
  std::vector<size_t> all(n);
  std::iota(all.begin(), all.end(), 0);
  request(all);
}

void CompileSession::compileOne(size_t i) {
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
}

std::optional<CompileSession::Event>
CompileSession::next(double timeoutSeconds, const std::function<bool()> &idle) {
  std::unique_lock<std::mutex> lock(mutex);
  while (handed < requested) {
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
  for (std::thread &t : session->threads)
    t.detach();
  (void)session.release(); // intentionally leaked: a compile thread uses it
  return true;
}
