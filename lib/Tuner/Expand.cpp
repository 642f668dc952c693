//===- Expand.cpp - Template to specialized config modules ----------------===//

#include "tl/Tuner/Expand.h"
#include "tl/ParseSource.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::tl;

CollectedDiagnostics::CollectedDiagnostics(MLIRContext *ctx,
                                           std::string fallbackLocation)
    : fallback(std::move(fallbackLocation)) {
  handler =
      std::make_unique<ScopedDiagnosticHandler>(ctx, [this](Diagnostic &d) {
        bool error = d.getSeverity() == DiagnosticSeverity::Error;
        if (!error && d.getSeverity() != DiagnosticSeverity::Remark)
          return success();
        std::string line;
        llvm::raw_string_ostream os(line);
        if (auto file = dyn_cast<FileLineColLoc>(d.getLocation()))
          os << file.getFilename().getValue() << ":" << file.getLine() << ":"
             << file.getColumn();
        else
          os << fallback;
        os << (error ? ": error: " : ": remark: ") << d.str() << "\n";
        std::lock_guard<std::mutex> lock(mutex);
        if (error)
          errorText += line;
        else
          remarks.push_back(line);
        return success();
      });
}

CollectedDiagnostics::~CollectedDiagnostics() = default;

std::string CollectedDiagnostics::errors() const {
  std::lock_guard<std::mutex> lock(mutex);
  return errorText;
}

std::string CollectedDiagnostics::report(size_t maxRemarks) const {
  std::lock_guard<std::mutex> lock(mutex);
  if (errorText.empty())
    return "";
  std::string text;
  for (size_t i = 0; i < remarks.size() && i < maxRemarks; ++i)
    text += remarks[i];
  if (remarks.size() > maxRemarks)
    text +=
        "(" + std::to_string(remarks.size() - maxRemarks) + " more remarks)\n";
  return text + errorText;
}

FailureOr<SmallVector<ModuleOp>>
mlir::tl::expandConfigs(ModuleOp module,
                        const TLExpandConfigsOptions &options) {
  PassManager pm(module->getContext(), ModuleOp::getOperationName());
  pm.addPass(createTLExpandConfigs(options));
  if (failed(pm.run(module)))
    return failure();
  return SmallVector<ModuleOp>(module.getBody()->getOps<ModuleOp>());
}

FailureOr<SmallVector<ModuleOp>> mlir::tl::parseAndExpand(
    const std::string &input, MLIRContext *ctx, OwningOpRef<ModuleOp> &module,
    const TLExpandConfigsOptions &options,
    const CollectedDiagnostics &diagnostics, std::string &error,
    llvm::function_ref<LogicalResult(ModuleOp)> beforeExpansion) {
  llvm::SourceMgr sourceMgr;
  module = parseSourceFileChecked(input, sourceMgr, ctx);
  if (!module) {
    error = diagnostics.errors().empty() ? "cannot parse " + input
                                         : diagnostics.errors();
    return failure();
  }
  if (beforeExpansion && failed(beforeExpansion(*module)))
    return failure();
  FailureOr<SmallVector<ModuleOp>> configs = expandConfigs(*module, options);
  if (failed(configs))
    error = diagnostics.errors().empty() ? "expansion failed"
                                         : diagnostics.report();
  return configs;
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

KnobTable mlir::tl::knobTable(ArrayRef<ModuleOp> configs) {
  std::vector<StringRef> names;
  for (ModuleOp config : configs)
    if (auto dict = config->getAttrOfType<DictionaryAttr>("tl.config"))
      for (NamedAttribute e : dict)
        if (isa<IntegerAttr>(e.getValue()))
          names.push_back(e.getName().getValue());
  llvm::sort(names);
  names.erase(std::unique(names.begin(), names.end()), names.end());
  KnobTable table;
  for (ModuleOp config : configs) {
    std::vector<double> row(names.size(), 0);
    auto dict = config->getAttrOfType<DictionaryAttr>("tl.config");
    for (size_t j = 0; dict && j < names.size(); ++j)
      if (auto v = dict.getAs<IntegerAttr>(names[j]))
        row[j] = static_cast<double>(v.getInt());
    table.push_back(std::move(row));
  }
  return table;
}
