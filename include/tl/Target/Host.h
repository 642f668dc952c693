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
  /// The x86-64 level to compile for (x86-64, x86-64-v2, x86-64-v3,
  /// x86-64-v4); empty: $TILEMLIR_HOST_CPU, else the highest level this CPU
  /// has, up to v3. Recorded in kernel.json as "cpu".
  std::string cpu;
  /// The linker; empty: ld.lld beside the running tool, then on PATH, then
  /// LLVM 22's.
  std::string linker;
  /// The linker is stopped, and the compile fails, at this point in time.
  Deadline deadline = kNoDeadline;
};

/// Lowers `module` (one specialized kernel: a builtin.module holding one
/// tl.func) with tl-lower-to-host, compiles it for an x86-64 level and
/// links `<dir>/kernel.so`; writes its metadata to `<dir>/kernel.json`.
/// `module` is modified (lowered in place). Fails with a message.
/// Everything of `options` that shapes the binary (the lowering's pipeline
/// options as printed, the optimization level), for cache keys; give it
/// the resolved cpu (resolveHostCpu).
std::string describeCompile(const HostCompileOptions &options);

LogicalResult compileHostKernel(ModuleOp module, StringRef dir,
                                const HostCompileOptions &options,
                                std::string &error);

/// Loads every dialect the host and CUDA pipelines depend on into `ctx`.
/// Call before compiling configs in parallel on one context: a pass
/// manager loads missing dependent dialects when it runs, and loading
/// dialects concurrently is not allowed.
void preloadPipelineDialects(MLIRContext *ctx);

/// The x86-64 level host code is compiled for: `requested` if given, else
/// $TILEMLIR_HOST_CPU, else the highest level this CPU has (up to
/// x86-64-v3). Fails with a message for a name that is not a level. Tuners
/// put it in their cache keys: a binary of one level runs on every CPU of
/// that level, and only there.
FailureOr<std::string> resolveHostCpu(StringRef requested, std::string &error);

/// Translates an LLVM-dialect module to an object file for the x86-64
/// level `cpu`.
FailureOr<std::string> emitHostObject(Operation *llvmModule, StringRef cpu,
                                      unsigned optLevel, std::string &error);

/// Fails, naming them, when the shared object `soPath` needs symbols that
/// neither libc nor libm defines (a compiler runtime call left behind).
LogicalResult checkUndefinedSymbols(StringRef soPath, std::string &error);

/// Links `objectPath` into the shared object `soPath`.
LogicalResult linkSharedObject(StringRef objectPath, StringRef soPath,
                               const HostCompileOptions &options,
                               std::string &error);

} // namespace mlir::tl

#endif // TL_TARGET_HOST_H
