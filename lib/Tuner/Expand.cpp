//===- Expand.cpp - Template to specialized config modules ----------------===//

#include "tl/Tuner/Expand.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/JSON.h"
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

std::string mlir::tl::configJson(ModuleOp config) {
  llvm::json::Object c;
  if (auto dict = config->getAttrOfType<DictionaryAttr>("tl.config"))
    for (NamedAttribute e : dict)
      if (auto v = dyn_cast<IntegerAttr>(e.getValue()))
        c[e.getName().getValue()] = v.getInt();
  std::string text;
  llvm::raw_string_ostream(text) << llvm::json::Value(std::move(c));
  return text;
}
