//===- TuningKey.cpp - What a cached tuning depends on --------------------===//

#include "tl/Tuner/TuningKey.h"
#include "tl/Conversion/Passes.h"
#include "tl/Tuner/DeviceProbe.h"
#include "tl/Tuner/Expand.h"

#include "llvm/Config/llvm-config.h"

#ifndef TL_VERSION_STRING
#error                                                                         \
    "TL_VERSION_STRING comes from the build (CMakeLists.txt's project version)"
#endif

using namespace mlir::tl;

TLExpandConfigsOptions mlir::tl::tuningExpansion(const TuneOptions &options,
                                                 Target target) {
  TLExpandConfigsOptions expand = options.expand;
  expand.target = target == Target::Cuda  ? options.cuda.chip
                  : target == Target::Hip ? options.hip.chip
                                          : "host";
  expand.report.clear();
  return expand;
}

CacheKey mlir::tl::tuningKey(const TuneOptions &options,
                             const KeyInputs &inputs) {
  bool cuda = inputs.target == Target::Cuda;
  CacheKey key;
  key.add("tool", std::string("TileMLIR ") + TL_VERSION_STRING);
  key.add("template", inputs.templateIR);
  key.add("configs", inputs.configs);
  HostCompileOptions host = options.host;
  host.cpu = inputs.hostCpu;
  // The configs are keyed by what they are (above), not by the file they
  // came from.
  TLExpandConfigsOptions expand = tuningExpansion(options, inputs.target);
  expand.configsFile.clear();
  key.add("compile",
          "expand=" + expandPipelineText(expand) + " timeout=" +
              std::to_string(options.compileTimeoutSeconds) + " " +
              (cuda                           ? describeCompile(options.cuda)
               : inputs.target == Target::Hip ? describeCompile(options.hip)
                                              : describeCompile(host)));
  key.add("profile", options.profile.keyText());
  key.add("search", options.search.keyText());
  key.add("toolchain", std::string("LLVM ") + LLVM_VERSION_STRING +
                           (cuda ? " ptxas " + ptxasVersion(findCudaToolkit(
                                                   options.cuda.toolkit))
                                 : ""));
  key.add("device", inputs.device.toJson());
  return key;
}
