/*===- tl-c/Passes.h - tl's passes through the C API --------------*- C -*-===*\
|*                                                                            *|
|* Registers tl's passes and named pipelines (tl-expand-configs,              *|
|* tl-lower-to-nvvm, tl-lower-to-host, ...) in the global pass registry, so   *|
|* that mlirParsePassPipeline and mlir-opt-style tools know them.             *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/

#ifndef TL_C_PASSES_H
#define TL_C_PASSES_H

#include "mlir-c/Support.h"

#ifdef __cplusplus
extern "C" {
#endif

MLIR_CAPI_EXPORTED void tlRegisterAllPasses(void);

/// The TileMLIR version, as the project() of the top CMakeLists.txt says.
MLIR_CAPI_EXPORTED MlirStringRef tlGetVersion(void);

#ifdef __cplusplus
}
#endif

#endif // TL_C_PASSES_H
