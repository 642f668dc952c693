//===- Host.h - Compile tl kernels to native shared objects -----*- C++ -*-===//

#ifndef TL_TARGET_HOST_H
#define TL_TARGET_HOST_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"
#include "tl/Target/Tool.h"

#include <string>

namespace mlir::tl {

struct HostCompileOptions {
  /// LLVM optimization level of the generated code.
  unsigned optLevel = 3;
  /// f32 lanes of the gemm micro-kernel (tl-lower-to-host's vector-width).
  unsigned vectorWidth = 8;
  /// The linker; empty: ld.lld beside the running tool, then on PATH, then
  /// LLVM 22's.
  std::string linker;
  /// The linker is stopped, and the compile fails, at this point in time.
  Deadline deadline = kNoDeadline;
};

/// Lowers `module` (one specialized kernel: a builtin.module holding one
/// tl.func) with tl-lower-to-host, compiles it for this machine's CPU and
/// links `<dir>/kernel.so`; writes its metadata to `<dir>/kernel.json`.
/// `module` is modified (lowered in place). Fails with a message.
LogicalResult compileHostKernel(ModuleOp module, StringRef dir,
                                const HostCompileOptions &options,
                                std::string &error);

/// Loads every dialect the host and CUDA pipelines depend on into `ctx`.
/// Call before compiling configs in parallel on one context: a pass
/// manager loads missing dependent dialects when it runs, and loading
/// dialects concurrently is not allowed.
void preloadPipelineDialects(MLIRContext *ctx);

/// Translates an LLVM-dialect module to an object file for the host CPU.
FailureOr<std::string> emitHostObject(Operation *llvmModule, unsigned optLevel,
                                      std::string &error);

/// Links `objectPath` into the shared object `soPath`.
LogicalResult linkSharedObject(StringRef objectPath, StringRef soPath,
                               const HostCompileOptions &options,
                               std::string &error);

} // namespace mlir::tl

#endif // TL_TARGET_HOST_H
