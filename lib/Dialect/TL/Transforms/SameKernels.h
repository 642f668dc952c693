//===- SameKernels.h - Configs that compile to the same kernel --*- C++ -*-===//
//
// Private to lib/Dialect/TL/Transforms (ExpandConfigs.cpp).
//
//===----------------------------------------------------------------------===//

#ifndef TL_LIB_DIALECT_TL_TRANSFORMS_SAMEKERNELS_H
#define TL_LIB_DIALECT_TL_TRANSFORMS_SAMEKERNELS_H

#include "tl/Dialect/TL/IR/TLOps.h"
#include "tl/Dialect/TL/Transforms/ResourceModel.h"

#include <string>

namespace mlir::tl {

/// Folds the knobs `chip`'s lowering ignores (AMD: stages past its LDS
/// buffers, tl.persistent; the host: stages, tl.persistent, tl.use_swizzle,
/// tl.cluster), so that configs differing only in them print the same.
void foldUnusedKnobs(FuncOp kernel, const ChipInfo &chip);

/// The kernel's body and signature as text, without its name or config:
/// equal for configs that compile to the same code.
std::string kernelFingerprint(FuncOp kernel);

/// "num_stages" or "num_stages, threads": the parameters whose values
/// differ between configs `a` and `b`.
std::string differingParams(DictionaryAttr a, DictionaryAttr b);

} // namespace mlir::tl

#endif // TL_LIB_DIALECT_TL_TRANSFORMS_SAMEKERNELS_H
