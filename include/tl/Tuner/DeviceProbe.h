//===- DeviceProbe.h - The device a tuning runs on --------------*- C++ -*-===//
//
// Resolves --target auto|cuda|hip|host to the device candidates run on and
// its fingerprint (part of the cache key). A CUDA probe initializes CUDA,
// so it runs in a child process; its answer is remembered per driver
// identity under <cache>/devices/.
//
//===----------------------------------------------------------------------===//

#ifndef TL_TUNER_DEVICEPROBE_H
#define TL_TUNER_DEVICEPROBE_H

#include "tl/Runtime/Device.h"
#include "tl/Tuner/Cache.h"
#include "tl/Tuner/Options.h"

#include <optional>
#include <string>

namespace mlir::tl {

struct ProbedDevice {
  Target target; // Cuda or Host
  tlrt::DeviceFingerprint fingerprint;
};

/// The device for `requested`; nullopt with `error` when the requested
/// target has no device here or is not implemented.
std::optional<ProbedDevice>
probeDevice(Target requested, const CacheSettings &cache, std::string &error);

/// `ptxas --version` of the toolkit at `toolkit`, or "missing".
std::string ptxasVersion(const std::string &toolkit);

} // namespace mlir::tl

#endif // TL_TUNER_DEVICEPROBE_H
