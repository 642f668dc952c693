//===- fuzz-ir.cpp - libFuzzer over parse, verify and expand --------------===//
//
// Input: MLIR text. It is parsed (which verifies), then expanded with
// tl-expand-configs for the host and for sm_90a, as tl-tune would. Errors
// are the expected outcome for most inputs; a crash, a hang or a sanitizer
// report is a bug.
//
//===----------------------------------------------------------------------===//

#include "tl/Dialect/TL/Transforms/Passes.h"
#include "tl/InitAll.h"
#include "tl/ParseSource.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"

#include <memory>

using namespace mlir;

namespace {
/// A context reused across inputs (creating one per input is slower than
/// most inputs), renewed now and then so uniqued attributes do not pile up.
MLIRContext &context() {
  static DialectRegistry *registry = [] {
    auto *r = new DialectRegistry();
    tl::registerAllDialects(*r);
    return r;
  }();
  static std::unique_ptr<MLIRContext> ctx;
  static unsigned uses = 0;
  if (!ctx || ++uses % 2000 == 0) {
    ctx = std::make_unique<MLIRContext>(*registry,
                                        MLIRContext::Threading::DISABLED);
    ctx->loadAllAvailableDialects();
    ctx->getDiagEngine().registerHandler(
        [](Diagnostic &) { return success(); });
  }
  return *ctx;
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  MLIRContext &ctx = context();
  std::string text(reinterpret_cast<const char *>(data), size);
  // The tools refuse such input before parsing it (tl/ParseSource.h).
  if (tl::findDeepNesting(text))
    return 0;
  ParserConfig config(&ctx);
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(text, config);
  if (!module)
    return 0;
  for (const char *target : {"host", "sm_90a"}) {
    OwningOpRef<ModuleOp> copy = cast<ModuleOp>((*module)->clone());
    PassManager pm(&ctx);
    tl::TLExpandConfigsOptions options;
    options.target = target;
    options.maxConfigs = 64; // keep one input fast; the bound is tested
    pm.addPass(tl::createTLExpandConfigs(options));
    (void)pm.run(*copy);
  }
  return 0;
}
