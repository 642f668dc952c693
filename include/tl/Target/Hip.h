//===- Hip.h - Compile tl kernels to HSACO ----------------------*- C++ -*-===//
//
// AMD GPUs: a specialized kernel through tl-lower-to-rocdl to an HSACO code
// object (LLVM's AMDGPU backend, lld-22's ld.lld; no ROCm installation),
// plus kernel.json. Built on CPU machines: no AMD GPU is needed.
//
//===----------------------------------------------------------------------===//

#ifndef TL_TARGET_HIP_H
#define TL_TARGET_HIP_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"
#include "tl/Target/Tool.h"

#include <string>

namespace mlir::tl {

struct HipCompileOptions {
  std::string chip = "gfx942";
  unsigned optLevel = 3;
  /// Matrix instructions for tl.gemm: auto (MFMA where the tile allows,
  /// else SIMT), mfma, or simt.
  std::string mma = "auto";
  /// Directory holding llvm/bin/ld.lld; empty: findRocmToolkit's choice.
  std::string toolkit;
  /// The compile fails once past this point in time (checked between the
  /// lowering and the code object).
  Deadline deadline = kNoDeadline;
};

/// Everything of `options` that shapes the binary, for cache keys.
std::string describeCompile(const HipCompileOptions &options);

/// Lowers `module` (one specialized kernel: a builtin.module holding one
/// tl.func) with tl-lower-to-rocdl and writes `<dir>/kernel.hsaco` (the
/// code object) and `<dir>/kernel.json`. `module` is lowered in place.
LogicalResult compileHipKernel(ModuleOp module, StringRef dir,
                               const HipCompileOptions &options,
                               std::string &error);

} // namespace mlir::tl

#endif // TL_TARGET_HIP_H
