//===- Specialize.h - Instantiate a kernel template ------------*- C++ -*-===//
//
// Turning a `tl.func` template plus parameter values into a static kernel:
// the mechanism behind `tl-expand-configs`, usable on its own by tools that
// build one config at a time.
//
//===----------------------------------------------------------------------===//

#ifndef TL_DIALECT_TL_TRANSFORMS_SPECIALIZE_H
#define TL_DIALECT_TL_TRANSFORMS_SPECIALIZE_H

#include "tl/Dialect/TL/IR/TLOps.h"

#include "mlir/Rewrite/FrozenRewritePatternSet.h"
#include "llvm/ADT/MapVector.h"

namespace mlir::tl {

/// A value for every parameter of a template, in declaration order.
using ParamValues = llvm::MapVector<StringAttr, int64_t>;

/// Resolves the value of every parameter of `tmpl`: from `config` (the
/// tuned values), then `instantiation` (problem sizes and other fixed
/// values), then the parameter's default. Fails with a message naming the
/// parameter when one has no value, is set twice, or is set to a value it
/// does not allow.
FailureOr<ParamValues> resolveParamValues(FuncOp tmpl, DictionaryAttr config,
                                          DictionaryAttr instantiation,
                                          std::string &error);

/// The canonicalization patterns of every loaded dialect and registered op:
/// what specialization runs to make shapes static. Build once, reuse.
FrozenRewritePatternSet getSpecializationPatterns(MLIRContext *ctx);

/// Clones `tmpl` as `name` with every `tl.param` replaced by its value and
/// every `tl.shape`-annotated argument made static, then canonicalizes with
/// `patterns`. The clone is created detached; the caller inserts it (into a
/// module) or erases it. Fails, with a message, when a tile shape, grid
/// size, thread count or stage count is still not static afterwards.
FailureOr<FuncOp> specializeTemplate(FuncOp tmpl, const ParamValues &values,
                                     StringRef name,
                                     const FrozenRewritePatternSet &patterns,
                                     std::string &error);

/// `{block_M = 128, block_N = 64}` with keys in the template's parameter
/// order (the order in which `config`'s keys are declared).
std::string formatConfig(FuncOp tmpl, DictionaryAttr config);

/// The deterministic kernel name of `config`: the template's name followed
/// by `_<param><value>` for every entry, in declaration order
/// (`matmul_block_M128_block_N64`).
std::string specializedName(FuncOp tmpl, DictionaryAttr config);

} // namespace mlir::tl

#endif // TL_DIALECT_TL_TRANSFORMS_SPECIALIZE_H
