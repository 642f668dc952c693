//===- ExpandConfigs.cpp - One specialized module per config --------------===//
//
// tl-expand-configs: enumerate a template's config space, filter it by the
// constraints, specialize every config, check its resources against the
// target, keep what fits. See Passes.td for the contract.
//
//===----------------------------------------------------------------------===//

#include "tl/Dialect/TL/Transforms/Passes.h"

#include "SameKernels.h"

#include "tl/Dialect/TL/IR/TLOps.h"
#include "tl/Dialect/TL/Transforms/ConstraintExpr.h"
#include "tl/Dialect/TL/Transforms/ResourceModel.h"
#include "tl/Dialect/TL/Transforms/Specialize.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Threading.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/ToolOutputFile.h"

#include <limits>

namespace mlir::tl {
#define GEN_PASS_DEF_TLEXPANDCONFIGS
#include "tl/Dialect/TL/Transforms/Passes.h.inc"
} // namespace mlir::tl

using namespace mlir;
using namespace mlir::tl;

namespace {

/// What became of one config of the space.
struct ConfigOutcome {
  DictionaryAttr config;
  std::string name;
  /// Empty when kept; else the rule that dropped it (`constraint`,
  /// `duplicate`, or a resource rule) and the message.
  std::string rule;
  std::string message;
  KernelResources resources;
  bool specialized = false;
  /// The kept kernel, detached until inserted.
  FuncOp kernel;
};

/// Drops the kept configs whose kernel is the same as an earlier kept
/// config's (rule same_kernel): the first is kept. (A parameter `tmpl`
/// does not use at all is left alone: configs that differ in one are the
/// user's to drop.)
static void dropSameKernels(FuncOp tmpl,
                            MutableArrayRef<ConfigOutcome> outcomes,
                            const ChipInfo &chip) {
  llvm::StringSet<> used;
  tmpl.walk([&](ParamOp param) { used.insert(param.getName()); });
  llvm::StringMap<size_t> firstKernel;
  for (auto [i, out] : llvm::enumerate(outcomes)) {
    if (!out.kernel)
      continue;
    std::string key = kernelFingerprint(out.kernel);
    for (NamedAttribute entry : out.config)
      if (!used.contains(entry.getName().getValue()))
        llvm::raw_string_ostream(key)
            << entry.getName().getValue() << '=' << entry.getValue();
    auto [it, inserted] = firstKernel.try_emplace(key, i);
    if (inserted)
      continue;
    out.rule = "same_kernel";
    out.message =
        llvm::formatv("is the same kernel as config {0} for {1}: {2} "
                      "changes nothing there",
                      it->second, chip.name,
                      differingParams(out.config, outcomes[it->second].config))
            .str();
    out.kernel->erase();
    out.kernel = FuncOp();
  }
}

/// Parses `NAME=VALUE,NAME=VALUE`.
static FailureOr<DictionaryAttr>
parseAssignments(MLIRContext *ctx, StringRef text, std::string &error) {
  NamedAttrList entries;
  SmallVector<StringRef> items;
  text.split(items, ',', /*MaxSplit=*/-1, /*KeepEmpty=*/false);
  for (StringRef item : items) {
    auto [name, value] = item.split('=');
    name = name.trim();
    value = value.trim();
    int64_t number;
    if (name.empty() || value.getAsInteger(10, number)) {
      error = "instantiate: expected NAME=INTEGER, got '" + item.str() +
              "' (example: instantiate=M=4096,N=4096,K=4096)";
      return failure();
    }
    if (entries.get(name)) {
      error = "instantiate: '" + name.str() +
              "' is given twice; give each parameter once";
      return failure();
    }
    entries.set(name, IntegerAttr::get(IntegerType::get(ctx, 64), number));
  }
  return entries.getDictionary(ctx);
}

/// Reads a JSON list of {name: integer} objects.
static FailureOr<SmallVector<DictionaryAttr>>
readConfigsFile(MLIRContext *ctx, StringRef path, std::string &error) {
  std::string message;
  std::unique_ptr<llvm::MemoryBuffer> file = openInputFile(path, &message);
  if (!file) {
    error = "configs-file '" + path.str() + "': " + message;
    return failure();
  }
  llvm::Expected<llvm::json::Value> json = llvm::json::parse(file->getBuffer());
  if (!json) {
    error = "configs-file '" + path.str() +
            "' is not valid JSON: " + llvm::toString(json.takeError());
    return failure();
  }
  const llvm::json::Array *list = json->getAsArray();
  if (!list) {
    error = "configs-file '" + path.str() +
            "' must hold a list of objects, like [{\"block_M\": 128}, ...]";
    return failure();
  }
  SmallVector<DictionaryAttr> configs;
  for (auto [i, item] : llvm::enumerate(*list)) {
    const llvm::json::Object *object = item.getAsObject();
    if (!object) {
      error = llvm::formatv("configs-file '{0}': entry {1} is not an object",
                            path, i)
                  .str();
      return failure();
    }
    NamedAttrList entries;
    for (const auto &[key, value] : *object) {
      std::optional<int64_t> number = value.getAsInteger();
      if (!number) {
        error = llvm::formatv("configs-file '{0}': entry {1} sets '{2}' to a "
                              "non-integer value",
                              path, i, key.str())
                    .str();
        return failure();
      }
      entries.set(key.str(),
                  IntegerAttr::get(IntegerType::get(ctx, 64), *number));
    }
    configs.push_back(entries.getDictionary(ctx));
  }
  return configs;
}

static llvm::json::Object resourcesJson(const KernelResources &res) {
  return llvm::json::Object{{"shared_memory_bytes", res.sharedBytes},
                            {"threads", res.threads},
                            {"registers_per_thread", res.registersPerThread},
                            {"fragment_bytes", res.fragmentBytes},
                            {"grid", llvm::json::Array(res.grid)}};
}

static DictionaryAttr resourcesAttr(MLIRContext *ctx,
                                    const KernelResources &res) {
  Builder b(ctx);
  return b.getDictionaryAttr(
      {b.getNamedAttr("shared_memory_bytes",
                      b.getI64IntegerAttr(res.sharedBytes)),
       b.getNamedAttr("threads", b.getI64IntegerAttr(res.threads)),
       b.getNamedAttr("registers_per_thread",
                      b.getI64IntegerAttr(res.registersPerThread))});
}

struct ExpandConfigsPass
    : public tl::impl::TLExpandConfigsBase<ExpandConfigsPass> {
  using Base::Base;

  LogicalResult initialize(MLIRContext *ctx) override {
    patterns = getSpecializationPatterns(ctx);
    return success();
  }

  void runOnOperation() override;

private:
  LogicalResult expand(FuncOp tmpl, const ChipInfo &chip,
                       DictionaryAttr instantiation,
                       const SmallVector<DictionaryAttr> *fileConfigs,
                       ArrayRef<const ConstraintExpr *> optionConstraints,
                       llvm::json::Array &report);

  FrozenRewritePatternSet patterns;
};

void ExpandConfigsPass::runOnOperation() {
  ModuleOp module = getOperation();
  MLIRContext *ctx = &getContext();

  const ChipInfo *chip = lookupChip(target);
  if (!chip) {
    module.emitError() << "tl-expand-configs: unknown target '" << target
                       << "'; known targets: " << knownChipNames();
    return signalPassFailure();
  }

  std::string error;
  FailureOr<DictionaryAttr> instantiation =
      parseAssignments(ctx, instantiate, error);
  if (failed(instantiation)) {
    module.emitError() << "tl-expand-configs: " << error;
    return signalPassFailure();
  }

  SmallVector<DictionaryAttr> fileConfigs;
  bool haveFile = !configsFile.empty();
  if (haveFile) {
    FailureOr<SmallVector<DictionaryAttr>> read =
        readConfigsFile(ctx, configsFile, error);
    if (failed(read)) {
      module.emitError() << "tl-expand-configs: " << error;
      return signalPassFailure();
    }
    fileConfigs = std::move(*read);
  }

  std::unique_ptr<ConstraintExpr> optionConstraint;
  if (!constraint.empty()) {
    optionConstraint = ConstraintExpr::parse(constraint, error);
    if (!optionConstraint) {
      module.emitError() << "tl-expand-configs: " << error;
      return signalPassFailure();
    }
  }
  SmallVector<const ConstraintExpr *> optionConstraints;
  if (optionConstraint)
    optionConstraints.push_back(optionConstraint.get());

  SmallVector<FuncOp> templates;
  module.walk([&](FuncOp func) {
    if (func.getParamsAttr() &&
        (funcName.empty() || func.getSymName() == funcName))
      templates.push_back(func);
  });
  if (!funcName.empty() && templates.empty()) {
    module.emitError() << "tl-expand-configs: no template named '" << funcName
                       << "' (a tl.func with params) in the module";
    return signalPassFailure();
  }

  llvm::json::Array report;
  bool failedAny = false;
  for (FuncOp tmpl : templates) {
    if (failed(expand(tmpl, *chip, *instantiation,
                      haveFile ? &fileConfigs : nullptr, optionConstraints,
                      report)))
      failedAny = true;
  }

  if (!this->report.empty()) {
    std::string message;
    std::unique_ptr<llvm::ToolOutputFile> out =
        openOutputFile(this->report, &message);
    if (!out) {
      module.emitError() << "tl-expand-configs: cannot write report '"
                         << this->report << "': " << message;
      return signalPassFailure();
    }
    out->os() << llvm::formatv(
        "{0:2}\n", llvm::json::Value(
                       llvm::json::Object{{"target", std::string(chip->name)},
                                          {"templates", std::move(report)}}));
    out->keep();
  }
  if (failedAny)
    signalPassFailure();
}

LogicalResult
ExpandConfigsPass::expand(FuncOp tmpl, const ChipInfo &chip,
                          DictionaryAttr instantiationOption,
                          const SmallVector<DictionaryAttr> *fileConfigs,
                          ArrayRef<const ConstraintExpr *> optionConstraints,
                          llvm::json::Array &report) {
  MLIRContext *ctx = &getContext();
  SmallVector<ParamAttr> params = tmpl.getParamDecls();

  // The space: the configs file, else the template's attribute, else the
  // defaults alone.
  SmallVector<DictionaryAttr> space;
  int64_t spaceSize = fileConfigs ? static_cast<int64_t>(fileConfigs->size())
                      : tmpl.getConfigSpace() ? tmpl.getConfigSpace().size()
                                              : 1;
  if (spaceSize > maxConfigs)
    return tmpl.emitError()
           << "the config space of '" << tmpl.getSymName() << "' has "
           << (spaceSize == std::numeric_limits<int64_t>::max()
                   ? std::string("more than 2^63")
                   : std::to_string(spaceSize))
           << " configs, more than max-configs=" << maxConfigs.getValue()
           << " allows; narrow the space (fewer values per parameter) or "
              "raise the bound (tl-expand-configs max-configs=N, tl-tune "
              "--max-configs N)";
  if (fileConfigs) {
    space.assign(fileConfigs->begin(), fileConfigs->end());
  } else if (ConfigSpaceAttrInterface attr = tmpl.getConfigSpace()) {
    attr.enumerate(params, space);
  } else {
    space.push_back(DictionaryAttr::get(ctx));
  }
  if (space.empty())
    return tmpl.emitError()
           << "No configurations to tune: the config space of '"
           << tmpl.getSymName()
           << "' is empty; give a non-empty configs attribute or configs-file";

  // Instantiation values: the template's attribute, overridden by the option.
  NamedAttrList instantiation;
  if (auto attr = tmpl->getAttrOfType<DictionaryAttr>("tl.instantiate"))
    instantiation.append(attr.getValue());
  for (NamedAttribute entry : instantiationOption)
    instantiation.set(entry.getName(), entry.getValue());
  DictionaryAttr instance = instantiation.getDictionary(ctx);

  // Constraints: the template's own, then the option's.
  SmallVector<std::unique_ptr<ConstraintExpr>> owned;
  SmallVector<const ConstraintExpr *> constraints;
  if (auto list = tmpl->getAttrOfType<ArrayAttr>("tl.constraints")) {
    for (Attribute item : list) {
      auto text = dyn_cast<StringAttr>(item);
      std::string error;
      std::unique_ptr<ConstraintExpr> expr =
          text ? ConstraintExpr::parse(text.getValue(), error) : nullptr;
      if (!expr)
        return tmpl.emitError()
               << (text ? error : "tl.constraints must be a list of strings");
      constraints.push_back(expr.get());
      owned.push_back(std::move(expr));
    }
  }
  llvm::append_range(constraints, optionConstraints);
  for (const ConstraintExpr *expr : constraints)
    for (const std::string &name : expr->getIdentifiers())
      if (!tmpl.lookupParam(name)) {
        InFlightDiagnostic diag = tmpl.emitError();
        diag << "constraint '" << expr->getText() << "' reads '" << name
             << "', which is not a parameter of '" << tmpl.getSymName()
             << "'; its parameters are ";
        llvm::interleaveComma(
            params, diag, [&](ParamAttr p) { diag << p.getName().getValue(); });
        return diag;
      }

  // Resolve every config up front: a config naming an unknown parameter or
  // a disallowed value is the user's error, not a dropped config.
  SmallVector<ParamValues> values;
  values.reserve(space.size());
  for (auto [i, config] : llvm::enumerate(space)) {
    std::string error;
    FailureOr<ParamValues> resolved =
        resolveParamValues(tmpl, config, instance, error);
    if (failed(resolved))
      return tmpl.emitError() << "config " << i << " "
                              << formatConfig(tmpl, config) << ": " << error;
    values.push_back(std::move(*resolved));
  }

  // Constraints and duplicates, before anything is built.
  SmallVector<ConfigOutcome> outcomes(space.size());
  llvm::StringMap<size_t> firstByName;
  for (auto [i, config] : llvm::enumerate(space)) {
    ConfigOutcome &out = outcomes[i];
    out.config = config;
    out.name = specializedName(tmpl, config);
    auto [it, inserted] = firstByName.try_emplace(out.name, i);
    if (!inserted) {
      out.rule = "duplicate";
      out.message = llvm::formatv("repeats config {0}", it->second).str();
      continue;
    }
    const ParamValues &known = values[i];
    for (const ConstraintExpr *expr : constraints) {
      std::string error;
      std::optional<int64_t> result = expr->evaluate(
          [&](StringRef name) -> std::optional<int64_t> {
            auto found = known.find(StringAttr::get(ctx, name));
            if (found == known.end())
              return std::nullopt;
            return found->second;
          },
          error);
      if (!result || *result == 0) {
        out.rule = "constraint";
        out.message = result
                          ? "breaks constraint '" + expr->getText().str() + "'"
                          : error;
        break;
      }
    }
  }

  // Specialize and check resources, in parallel across configs.
  std::mutex errorMutex;
  std::string fatal;
  mlir::parallelFor(ctx, 0, space.size(), [&](size_t i) {
    ConfigOutcome &out = outcomes[i];
    if (!out.rule.empty())
      return;
    std::string error;
    FailureOr<FuncOp> kernel =
        specializeTemplate(tmpl, values[i], out.name, patterns, error);
    if (failed(kernel)) {
      std::lock_guard<std::mutex> lock(errorMutex);
      if (fatal.empty())
        fatal = llvm::formatv("config {0} {1}: does not specialize to a static "
                              "kernel: {2}",
                              i, formatConfig(tmpl, out.config), error)
                    .str();
      return;
    }
    out.specialized = true;
    foldUnusedKnobs(*kernel, chip);
    out.resources = computeResources(*kernel, &chip);
    SmallVector<Violation> violations =
        checkLimits(*kernel, out.resources, chip);
    // A kernel the rules keep: its shared memory as the GPU lowering will
    // allocate it (barriers, scratch, staging, alignment), checked again.
    if (violations.empty() &&
        countSharedMemoryAsLowered(*kernel, out.resources, chip))
      if (std::optional<Violation> shared =
              checkSharedMemory(out.resources, chip))
        violations.push_back(*shared);
    if (!violations.empty()) {
      out.rule = violations.front().rule;
      SmallVector<std::string> messages;
      for (const Violation &v : violations)
        messages.push_back(v.message);
      out.message = llvm::join(messages, "; and ");
      (*kernel)->erase();
      return;
    }
    out.kernel = *kernel;
  });
  auto eraseKept = [&] {
    for (ConfigOutcome &out : outcomes)
      if (out.kernel)
        out.kernel->erase();
  };
  if (!fatal.empty()) {
    eraseKept();
    return tmpl.emitError() << fatal;
  }

  // Knobs folded away (AMD, the host): configs that became the same
  // kernel.
  if (chip.vendor == Vendor::AMD || chip.vendor == Vendor::Host)
    dropSameKernels(tmpl, outcomes, chip);

  // Report, in space order.
  llvm::StringMap<int64_t> droppedByRule;
  SmallVector<std::string> ruleOrder;
  int64_t kept = 0;
  llvm::json::Array configsJson;
  for (auto [i, out] : llvm::enumerate(outcomes)) {
    llvm::json::Object values;
    for (NamedAttribute entry : out.config)
      values[entry.getName().getValue()] =
          cast<IntegerAttr>(entry.getValue()).getInt();
    llvm::json::Object item{{"index", static_cast<int64_t>(i)},
                            {"config", std::move(values)},
                            {"kernel", out.name},
                            {"status", out.rule.empty() ? "kept" : "dropped"}};
    if (!out.rule.empty()) {
      item["rule"] = out.rule;
      item["reason"] = out.message;
      if (droppedByRule[out.rule]++ == 0)
        ruleOrder.push_back(out.rule);
      emitRemark(tmpl.getLoc())
          << "config " << i << " " << formatConfig(tmpl, out.config)
          << " dropped: " << out.message;
    } else {
      ++kept;
    }
    if (out.specialized)
      item["resources"] = resourcesJson(out.resources);
    configsJson.push_back(std::move(item));
  }

  std::string counts;
  for (StringRef rule : ruleOrder)
    counts += llvm::formatv("{0}{1}: {2}", counts.empty() ? "" : ", ", rule,
                            droppedByRule[rule])
                  .str();
  int64_t dropped = static_cast<int64_t>(space.size()) - kept;
  std::string summary = llvm::formatv(
      "expanded '{0}' for {1}: {2} configs, {3} kept, {4} dropped{5}",
      tmpl.getSymName(), chip.name, space.size(), kept, dropped,
      counts.empty() ? "" : " (" + counts + ")");
  report.push_back(
      llvm::json::Object{{"template", tmpl.getSymName()},
                         {"space", static_cast<int64_t>(space.size())},
                         {"kept", kept},
                         {"dropped", dropped},
                         {"dropped_by_rule",
                          [&] {
                            llvm::json::Object byRule;
                            // Keys that own their text: ruleOrder is gone
                            // when the report is written.
                            for (StringRef rule : ruleOrder)
                              byRule[rule.str()] = droppedByRule[rule];
                            return byRule;
                          }()},
                         {"configs", std::move(configsJson)}});

  if (kept == 0)
    return tmpl.emitError()
           << "every config of '" << tmpl.getSymName() << "' was dropped for "
           << chip.name << " (" << counts
           << "); see the remarks above for each config, "
              "widen the space or pick another target";
  emitRemark(tmpl.getLoc()) << summary;

  // One module per kept config, in space order, where the template was.
  OpBuilder builder(tmpl);
  Builder b(ctx);
  for (auto [i, out] : llvm::enumerate(outcomes)) {
    if (!out.kernel)
      continue;
    auto module = ModuleOp::create(builder, tmpl.getLoc(), out.name);
    NamedAttrList attrs;
    attrs.set("tl.config", out.config);
    attrs.set("tl.config_index", b.getI64IntegerAttr(i));
    attrs.set("tl.target", b.getStringAttr(chip.name));
    attrs.set("tl.resources", resourcesAttr(ctx, out.resources));
    for (NamedAttribute attr : attrs)
      module->setAttr(attr.getName(), attr.getValue());
    out.kernel.setConfigAttr(out.config);
    module.getBody()->push_back(out.kernel);
  }
  tmpl->erase();
  return success();
}

} // namespace
