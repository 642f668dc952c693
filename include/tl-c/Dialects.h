/*===- tl-c/Dialects.h - The tl dialect through the C API ---------*- C -*-===*\
|*                                                                            *|
|* The `tl` dialect's handle, in MLIR's C API style: a framework registers it *|
|* into its own MlirDialectRegistry or context next to upstream dialects.     *|
|* tlRegisterAllDialects adds every dialect tl's pipelines lower through.     *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/

#ifndef TL_C_DIALECTS_H
#define TL_C_DIALECTS_H

#include "mlir-c/IR.h"

#ifdef __cplusplus
extern "C" {
#endif

MLIR_DECLARE_CAPI_DIALECT_REGISTRATION(TL, tl);

/// Inserts tl and every dialect its pipelines produce (gpu, nvvm, llvm,
/// scf, ...) into `registry`.
MLIR_CAPI_EXPORTED void tlRegisterAllDialects(MlirDialectRegistry registry);

#ifdef __cplusplus
}
#endif

#endif // TL_C_DIALECTS_H
