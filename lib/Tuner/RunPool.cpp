//===- RunPool.cpp - Candidate runs spread over devices -------------------===//

#include "tl/Tuner/RunPool.h"

#include <algorithm>

using namespace mlir::tl;

RunPool::RunPool(int devices, Runner runner)
    : numDevices(std::max(devices, 1)), runner(std::move(runner)) {
  if (numDevices > 1)
    for (int d = 0; d < numDevices; ++d)
      threads.emplace_back([this, d] { serve(d); });
}

RunPool::~RunPool() {
  {
    std::lock_guard<std::mutex> lock(mutex);
    closing = true;
    queue.clear();
  }
  wake.notify_all();
  for (std::thread &t : threads)
    t.join();
}

void RunPool::submit(RunJob job) {
  if (job.device >= numDevices)
    job.device = -1;
  {
    std::lock_guard<std::mutex> lock(mutex);
    queue.push_back(std::move(job));
  }
  wake.notify_all();
}

std::optional<RunJob> RunPool::take(int device) {
  auto it = std::find_if(queue.begin(), queue.end(), [&](const RunJob &j) {
    return j.device < 0 || j.device == device;
  });
  if (it == queue.end())
    return std::nullopt;
  RunJob job = std::move(*it);
  queue.erase(it);
  return job;
}

void RunPool::serve(int device) {
  std::unique_lock<std::mutex> lock(mutex);
  for (;;) {
    std::optional<RunJob> job;
    wake.wait(lock, [&] { return closing || (job = take(device)); });
    if (closing)
      return;
    ++running;
    lock.unlock();
    RunReply reply = runner(device, job->index, job->request);
    lock.lock();
    --running;
    done.push_back(RunDone{std::move(*job), std::move(reply), device});
    finished.notify_all();
  }
}

std::optional<RunDone> RunPool::collect() {
  std::unique_lock<std::mutex> lock(mutex);
  if (threads.empty()) {
    // One device: the run happens here.
    std::optional<RunJob> job = take(0);
    if (!job)
      return std::nullopt;
    lock.unlock();
    RunReply reply = runner(0, job->index, job->request);
    return RunDone{std::move(*job), std::move(reply), 0};
  }
  finished.wait(
      lock, [&] { return !done.empty() || (queue.empty() && running == 0); });
  if (done.empty())
    return std::nullopt;
  RunDone d = std::move(done.front());
  done.pop_front();
  return d;
}
