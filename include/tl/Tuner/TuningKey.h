//===- TuningKey.h - What a cached tuning depends on ------------*- C++ -*-===//
//
// The cache key of a tuning, derived from the option structs: the expansion
// as its full textual pipeline, the compile as the lowering's printed
// pipeline options, the profile's every field; plus the template, the
// configs, the toolchain and the device. key.json in the entry lists the
// parts, so that a miss can be explained.
//
//===----------------------------------------------------------------------===//

#ifndef TL_TUNER_TUNINGKEY_H
#define TL_TUNER_TUNINGKEY_H

#include "tl/Runtime/Device.h"
#include "tl/Tuner/Cache.h"
#include "tl/Tuner/Options.h"

#include <string>

namespace mlir::tl {

struct KeyInputs {
  /// The template, printed in generic form.
  std::string templateIR;
  /// One line per kept config: its name and tl.config.
  std::string configs;
  /// Cuda or Host; the expansion's target and the compile follow from it.
  Target target = Target::Host;
  /// The host compile's resolved x86-64 level.
  std::string hostCpu;
  tlrt::DeviceFingerprint device;
};

/// The key of tuning `inputs` with `options` (options.expand's target is
/// taken from `inputs`).
CacheKey tuningKey(const TuneOptions &options, const KeyInputs &inputs);

/// The expansion options a tuning runs: options.expand for `target` (the
/// CUDA chip or host).
TLExpandConfigsOptions tuningExpansion(const TuneOptions &options,
                                       Target target);

} // namespace mlir::tl

#endif // TL_TUNER_TUNINGKEY_H
