//===- Cuda.h - Compile tl kernels to CUBIN and PTX -------------*- C++ -*-===//

#ifndef TL_TARGET_CUDA_H
#define TL_TARGET_CUDA_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"
#include "tl/Target/Tool.h"

#include <string>

namespace mlir::tl {

struct CudaCompileOptions {
  std::string chip = "sm_90a";
  std::string features = "+ptx80";
  unsigned optLevel = 3;
  /// Index arithmetic width in the kernel: 64, or 32 for tensors of fewer
  /// than 2^31 elements (refused otherwise). 64 lets LLVM fold constant
  /// tile offsets into addresses; it was the faster GEMM on the H100.
  unsigned indexBitwidth = 64;
  /// Tensor-core instructions for tl.gemm: auto (wgmma on sm_90a where the
  /// tile allows, else mma.sync), wgmma, mma.sync, or simt (no tensor cores).
  std::string mma = "auto";
  /// Keep one wgmma group in flight across pipelined iterations.
  bool wgmmaInFlight = true;
  /// On sm_90a, TMA loads (mbarrier stages) for pipelined wgmma operands.
  bool tma = true;
  /// On sm_90a, a producer warpgroup for a TMA loop (off: slower for the
  /// example's best configs on the H200, docs/performance.md).
  bool warpSpecialize = false;
  /// CUDA toolkit holding bin/ptxas; empty: $CUDA_HOME, then /usr/local/cuda.
  std::string toolkit;
  /// ptxas is stopped, and the compile fails, at this point in time.
  Deadline deadline = kNoDeadline;
};

/// Lowers `module` (one specialized kernel: a builtin.module holding one
/// tl.func) with tl-lower-to-nvvm, writes `<dir>/kernel.ptx` (through
/// #nvvm.target serialization), runs ptxas on it for `<dir>/kernel.cubin`
/// (stopped at `deadline`), then writes `<dir>/kernel.json`. `module` is
/// lowered in place. Fails with a message (a missing ptxas is named as
/// such).
/// Everything of `options` that shapes the binary (the lowering's pipeline
/// options as printed, and ptxas's flags), for cache keys; the deadline and
/// the toolkit's location are not part of it.
std::string describeCompile(const CudaCompileOptions &options);

LogicalResult compileCudaKernel(ModuleOp module, StringRef dir,
                                const CudaCompileOptions &options,
                                std::string &error);

} // namespace mlir::tl

#endif // TL_TARGET_CUDA_H
