//===- GpuTiming.h - The timing loop of the GPU devices ---------*- C++ -*-===//
//
// Private to lib/Runtime: what CudaDevice and HipDevice time alike. Both
// drivers' events are opaque pointers; each device says how to create,
// record, read and destroy them, flush the L2 and wait for the device.
//
//===----------------------------------------------------------------------===//

#ifndef TL_LIB_RUNTIME_GPUTIMING_H
#define TL_LIB_RUNTIME_GPUTIMING_H

#include <functional>
#include <string>
#include <vector>

namespace tlrt::detail {

/// A driver's events and the device's L2 flush, for timeWithEvents.
struct EventApi {
  std::function<void(void **)> create;
  std::function<void(void *)> record, destroy;
  std::function<float(void *, void *)> elapsedMs;
  /// Overwrites the L2 flush buffer (with a byte that differs run to run).
  std::function<void(int run)> flush;
  /// Waits for the device: empty, or what failed.
  std::function<std::string()> synchronize;
};

/// `warmup` launches, then `reps` launches each between two events with
/// the L2 flushed before it; `samples` gets each run's milliseconds.
inline bool timeWithEvents(const EventApi &events,
                           const std::function<bool(std::string &)> &launch,
                           int warmup, int reps, std::vector<double> &samples,
                           std::string &error) {
  for (int i = 0; i < warmup; ++i)
    if (!launch(error))
      return false;
  std::vector<void *> starts(reps), ends(reps);
  for (int i = 0; i < reps; ++i) {
    events.create(&starts[i]);
    events.create(&ends[i]);
  }
  bool ok = true;
  for (int i = 0; i < reps && ok; ++i) {
    events.flush(i);
    events.record(starts[i]);
    ok = launch(error);
    events.record(ends[i]);
  }
  std::string failed = events.synchronize();
  if (!failed.empty()) {
    error = "kernel failed: " + failed;
    ok = false;
  }
  samples.clear();
  for (int i = 0; i < reps; ++i) {
    samples.push_back(ok ? events.elapsedMs(starts[i], ends[i]) : 0.0);
    events.destroy(starts[i]);
    events.destroy(ends[i]);
  }
  return ok;
}

} // namespace tlrt::detail

#endif // TL_LIB_RUNTIME_GPUTIMING_H
