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
#include <vector>

namespace mlir::tl {

struct ProbedDevice {
  Target target; // Cuda, Hip or Host
  /// Every device of that kind here, by ordinal (the host: one).
  std::vector<tlrt::DeviceFingerprint> devices;
};

/// The device for `requested` (auto: a CUDA device, else a HIP device, else
/// the host); nullopt with `error` when the requested target has no device
/// here.
std::optional<ProbedDevice>
probeDevice(Target requested, const CacheSettings &cache, std::string &error);

/// Every HIP device's fingerprint, probed without initializing HIP in this
/// process; empty with `why`.
std::vector<tlrt::DeviceFingerprint> hipFingerprints(std::string &why);

/// The ordinals --devices `spec` picks among `visible`: "" or "all" every
/// device of device 0's model (the others left out, said in `note`), or a
/// list "0,2" whose devices must all be one model. nullopt with `error`
/// naming the option, the device and the fix.
std::optional<std::vector<int>>
selectDevices(llvm::StringRef spec,
              const std::vector<tlrt::DeviceFingerprint> &visible,
              std::string &note, std::string &error);

/// The chip TileMLIR compiles for on a CUDA device of compute capability
/// `cc` ("8.0" -> sm_80, "8.6" -> sm_86, "8.9" -> sm_89, "9.0" -> sm_90a);
/// nullopt for one it has no target for.
std::optional<std::string> cudaChipFor(llvm::StringRef cc);

/// `ptxas --version` of the toolkit at `toolkit`, or "missing".
std::string ptxasVersion(const std::string &toolkit);

} // namespace mlir::tl

#endif // TL_TUNER_DEVICEPROBE_H
