//===- GpuModule.h - What the GPU targets share -----------------*- C++ -*-===//
//
// The steps the CUDA and HIP targets take alike once a config is lowered to
// a gpu.module: the launch facts the lowering recorded on the kernel, and
// the gpu.module serialized by its target attribute (#nvvm.target,
// #rocdl.target).
//
//===----------------------------------------------------------------------===//

#ifndef TL_TARGET_GPUMODULE_H
#define TL_TARGET_GPUMODULE_H

#include "tl/Runtime/Kernel.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassManager.h"

#include <string>

namespace mlir::tl {

/// Runs `pm` on `op`, the error diagnostics of this thread becoming
/// `error`.
LogicalResult runCapturing(PassManager &pm, Operation *op, std::string &error);

/// Copies the dynamic shared memory (tl.shared_memory_bytes) and the block
/// size (tl.launch_threads) the lowering recorded on the kernel of `module`
/// into `info`; fails when the shared-memory figure is missing.
LogicalResult readLoweredLaunch(ModuleOp module, tlrt::KernelInfo &info,
                                std::string &error);

/// The first object gpu-module-to-binary makes of `module`'s gpu.module in
/// `format` (isa, bin) with the toolkit at `toolkit`.
FailureOr<std::string> serializeGpuModule(ModuleOp module, StringRef format,
                                          StringRef toolkit,
                                          std::string &error);

} // namespace mlir::tl

#endif // TL_TARGET_GPUMODULE_H
