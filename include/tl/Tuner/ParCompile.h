//===- ParCompile.h - Compile a config space without tuning -----*- C++ -*-===//
//
// The guide's par_compile: expand a template's config space and compile
// every kept config for a target in parallel, one directory per kernel
// (binary + kernel.json), plus index.json (every config with its status)
// and space.json (the expansion's report). tl-compile and the C API's
// tlCompileConfigs are this.
//
//===----------------------------------------------------------------------===//

#ifndef TL_TUNER_PARCOMPILE_H
#define TL_TUNER_PARCOMPILE_H

#include "tl/Tuner/Options.h"

#include <optional>
#include <string>
#include <vector>

namespace mlir::tl {

struct CompiledKernel {
  std::string name;
  std::string dir; // absolute, or as outputDir was given
  std::string configJson;
  bool ok = false;
  std::string error;
  double seconds = 0;
};

struct ParCompileResult {
  std::string target; // the chip, or host
  std::vector<CompiledKernel> kernels;
  double seconds = 0;
  unsigned jobs = 0;
  size_t failures() const;
};

/// Compiles every config options.input's template expands to (options.expand,
/// for options.target: Cuda or Host) into `outputDir`. nullopt with `error`
/// for what stops it (the template does not parse or expand, the directory
/// cannot be written); a config that fails to compile is in the result.
std::optional<ParCompileResult> parCompile(const TuneOptions &options,
                                           const std::string &outputDir,
                                           std::string &error);

} // namespace mlir::tl

#endif // TL_TUNER_PARCOMPILE_H
