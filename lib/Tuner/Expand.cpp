//===- Expand.cpp - Template to specialized config modules ----------------===//

#include "tl/Tuner/Expand.h"

#include "mlir/Pass/PassManager.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::tl;

FailureOr<SmallVector<ModuleOp>>
mlir::tl::expandConfigs(ModuleOp module,
                        const TLExpandConfigsOptions &options) {
  PassManager pm(module->getContext(), ModuleOp::getOperationName());
  pm.addPass(createTLExpandConfigs(options));
  if (failed(pm.run(module)))
    return failure();
  return SmallVector<ModuleOp>(module.getBody()->getOps<ModuleOp>());
}

std::string
mlir::tl::expandPipelineText(const TLExpandConfigsOptions &options) {
  std::string text;
  llvm::raw_string_ostream os(text);
  createTLExpandConfigs(options)->printAsTextualPipeline(os);
  return text;
}
