//===- KernelMetadata.h - What a runtime needs to launch a kernel -*- C++
//-*-===//
//
// The description written beside every binary (kernel.json): kernel symbol,
// argument order with dtypes and shapes, grid and block sizes, shared memory,
// config. The runtime (no MLIR inside) launches a binary from it alone; its
// struct and its JSON codec live there (tl/Runtime/Kernel.h), this side only
// fills the struct from the IR.
//
//===----------------------------------------------------------------------===//

#ifndef TL_TARGET_KERNELMETADATA_H
#define TL_TARGET_KERNELMETADATA_H

#include "tl/Dialect/TL/IR/TLOps.h"

#include "tl/Runtime/Kernel.h"

namespace mlir::tl {

/// The one specialized tl.func a config module holds (what tl-expand-configs
/// produces); fails with a message otherwise.
FailureOr<FuncOp> getSingleKernel(ModuleOp module, std::string &error);

/// Describes specialized kernel `kernel` (static shapes, one tl.kernel) for
/// `target` (a chip name). `symbol` is the entry the binary exports. Fails
/// with a message when the kernel is not specialized or has an argument of
/// an element type the runtime cannot hold.
FailureOr<tlrt::KernelInfo> describeKernel(FuncOp kernel, StringRef target,
                                           StringRef symbol,
                                           std::string &error);

/// Creates `dir` and writes `info` to `dir/kernel.json`.
LogicalResult writeKernelMetadata(StringRef dir, const tlrt::KernelInfo &info,
                                  std::string &error);

/// Writes `contents` to `path`; fails with a message naming the file.
LogicalResult writeFile(StringRef path, StringRef contents, std::string &error);

/// The dtype name of an element type: f16, bf16, f32, f64, i8, i32, ...
std::string dtypeName(Type type);

} // namespace mlir::tl

#endif // TL_TARGET_KERNELMETADATA_H
