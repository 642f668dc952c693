//===- Expand.h - Template to specialized config modules --------*- C++ -*-===//
//
// The expansion step tl-tune and tl-compile share: tl-expand-configs built
// from its generated options struct (never a pipeline string), run on a
// parsed template.
//
//===----------------------------------------------------------------------===//

#ifndef TL_TUNER_EXPAND_H
#define TL_TUNER_EXPAND_H

#include "tl/Dialect/TL/Transforms/Passes.h"
#include "tl/Tuner/Search.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/OwningOpRef.h"

#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace mlir::tl {

/// Collects the diagnostics of a context as a tool prints them
/// (`file:line:col: error: message`): the errors, and the remarks that say
/// why a config was dropped, so that a caller without a terminal (tl-tune,
/// the C API) can report them.
class CollectedDiagnostics {
public:
  /// `fallbackLocation` names places without a file location.
  CollectedDiagnostics(MLIRContext *ctx, std::string fallbackLocation);
  ~CollectedDiagnostics();

  std::string errors() const;
  /// The errors, after the first `maxRemarks` remarks (and how many more
  /// there were); empty when there was no error.
  std::string report(size_t maxRemarks = 5) const;

private:
  mutable std::mutex mutex; // compiles on the thread pool report too
  std::string fallback, errorText;
  std::vector<std::string> remarks;
  std::unique_ptr<ScopedDiagnosticHandler> handler;
};

/// Runs tl-expand-configs with `options` on `module` and returns the kept
/// configs (the nested modules it made); failure when the pass failed (its
/// diagnostics went to the context's handlers).
FailureOr<SmallVector<ModuleOp>>
expandConfigs(ModuleOp module, const TLExpandConfigsOptions &options);

/// Parses the template in `input` into `module` (in `ctx`, whose errors and
/// remarks `diagnostics` collects) and expands it with `options`: the kept
/// configs, or failure with `error` (the parse's errors, or the expansion's
/// with the remarks of the configs it dropped). `beforeExpansion`, when
/// given, sees the parsed template first; its failure (with `error` set)
/// stops there.
FailureOr<SmallVector<ModuleOp>> parseAndExpand(
    const std::string &input, MLIRContext *ctx, OwningOpRef<ModuleOp> &module,
    const TLExpandConfigsOptions &options,
    const CollectedDiagnostics &diagnostics, std::string &error,
    llvm::function_ref<LogicalResult(ModuleOp)> beforeExpansion = {});

/// The `tl.config` of an expanded config module as a JSON object text
/// (`{"block_M":128,...}`), as records and results show it.
std::string configJson(ModuleOp config);

/// The knob values of each config (its `tl.config` integers, in name
/// order; a knob a config lacks reads 0), as the search strategy sees them.
KnobTable knobTable(ArrayRef<ModuleOp> configs);

/// The expansion as a textual pipeline, every option spelled out: for cache
/// keys (a new option of the pass is in the key without anyone adding it).
std::string expandPipelineText(const TLExpandConfigsOptions &options);

} // namespace mlir::tl

#endif // TL_TUNER_EXPAND_H
