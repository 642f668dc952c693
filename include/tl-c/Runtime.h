/*===- tl-c/Runtime.h - Compiled kernels on the caller's buffers --*- C -*-===*\
|*                                                                            *|
|* Loads a compiled kernel's directory (a tuning result's, tl-compile's) and  *|
|* launches it: the part of the C API that needs no compiler. Besides the     *|
|* full C API library (libTileMLIRCAPI) it is its own library,                *|
|* libTileMLIRRuntime, which links neither LLVM nor MLIR, for GPU nodes and   *|
|* applications that run saved kernels only.                                 *|
|*                                                                            *|
|* Strings in are MlirStringRef (copied); strings out are valid while the     *|
|* handle that gave them lives. A call that fails returns a null handle (or   *|
|* false) and, when `error` is not NULL, sets *error to a TlError the caller  *|
|* destroys; nothing aborts the caller's process.                             *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/

#ifndef TL_C_RUNTIME_H
#define TL_C_RUNTIME_H

#include "mlir-c/Support.h"

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct TlError {
  void *ptr;
} TlError;

typedef struct TlKernel {
  void *ptr;
} TlKernel;

//===----------------------------------------------------------------------===//
// Errors
//===----------------------------------------------------------------------===//

/// The message: names the input, the place and what to do.
MLIR_CAPI_EXPORTED MlirStringRef tlErrorGetMessage(TlError error);
MLIR_CAPI_EXPORTED void tlErrorDestroy(TlError error);

//===----------------------------------------------------------------------===//
// Running a compiled kernel on the caller's buffers
//===----------------------------------------------------------------------===//

/// Loads the kernel in `dir` (a compiled kernel's or a result's directory):
/// a CUDA binary on CUDA device `device` (through the device's primary
/// context, the one CUDA's runtime and PyTorch use), a HIP one on HIP device
/// `device`, a host one on the CPU.
MLIR_CAPI_EXPORTED TlKernel tlKernelLoad(MlirStringRef dir, int device,
                                         TlError *error);
MLIR_CAPI_EXPORTED void tlKernelDestroy(TlKernel kernel);
MLIR_CAPI_EXPORTED bool tlKernelIsNull(TlKernel kernel);
/// The kernel's kernel.json: argument order, dtypes, shapes, launch shape.
MLIR_CAPI_EXPORTED MlirStringRef tlKernelGetMetadata(TlKernel kernel);
MLIR_CAPI_EXPORTED intptr_t tlKernelGetNumArgs(TlKernel kernel);
/// Launches once. `args[i]` points at argument i's value: for a tensor, a
/// variable holding its data pointer (device memory for GPU kernels, host
/// memory for host kernels); for a scalar, the scalar. `stream` is a
/// CUstream / hipStream_t (NULL: the default stream); GPU launches return
/// without waiting, host launches run to the end.
MLIR_CAPI_EXPORTED bool tlKernelLaunch(TlKernel kernel, void **args,
                                       void *stream, TlError *error);

#ifdef __cplusplus
}
#endif

#endif // TL_C_RUNTIME_H
