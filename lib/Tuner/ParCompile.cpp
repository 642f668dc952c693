//===- ParCompile.cpp - Compile a config space without tuning -------------===//

#include "tl/Tuner/ParCompile.h"

#include "tl/InitAll.h"
#include "tl/Target/KernelMetadata.h"
#include "tl/Tuner/CompileSession.h"
#include "tl/Tuner/Expand.h"
#include "tl/Tuner/TuningKey.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"

#include <chrono>

using namespace mlir;
using namespace mlir::tl;

size_t ParCompileResult::failures() const {
  return llvm::count_if(kernels, [](const CompiledKernel &k) { return !k.ok; });
}

/// index.json: the target and every kernel with its status.
static std::string indexJson(const ParCompileResult &result) {
  llvm::json::Array index;
  for (const CompiledKernel &k : result.kernels) {
    llvm::json::Object entry{{"name", k.name},
                             {"dir", k.name},
                             {"compile_seconds", k.seconds},
                             {"status", k.ok ? "ok" : "error"}};
    if (!k.ok)
      entry["error"] = k.error;
    index.push_back(std::move(entry));
  }
  std::string s;
  llvm::raw_string_ostream(s) << llvm::formatv(
      "{0:2}\n",
      llvm::json::Value(llvm::json::Object{{"target", result.target},
                                           {"kernels", std::move(index)}}));
  return s;
}

std::optional<ParCompileResult>
mlir::tl::parCompile(const TuneOptions &options, const std::string &outputDir,
                     std::string &error) {
  if (options.target == Target::Auto) {
    error = "compiling needs a target: cuda, hip or host";
    return std::nullopt;
  }
  DialectRegistry registry;
  registerAllDialects(registry);
  registerAllPasses();
  CompileSession session(registry, static_cast<unsigned>(options.jobs));
  MLIRContext &ctx = session.ctx;
  // An error names the config and the parameter; the whole template in
  // generic form after it would only bury that.
  ctx.printOpOnDiagnostic(false);
  CollectedDiagnostics diagnostics(&ctx, options.input);
  TuneOptions resolved = options;
  // No device to take the chip from: the defaults.
  if (resolved.hip.chip.empty())
    resolved.hip.chip = HipCompileOptions().chip;
  if (resolved.cuda.chip.empty())
    resolved.cuda.chip = CudaCompileOptions().chip;
  TLExpandConfigsOptions expand = tuningExpansion(resolved, options.target);
  expand.report = outputDir + "/space.json";
  FailureOr<SmallVector<ModuleOp>> configs = parseAndExpand(
      options.input, &ctx, session.module, expand, diagnostics, error,
      [&](ModuleOp) -> LogicalResult {
        if (std::error_code ec = llvm::sys::fs::create_directories(outputDir)) {
          error = "cannot create " + outputDir + ": " + ec.message();
          return failure();
        }
        return success();
      });
  if (failed(configs))
    return std::nullopt;
  preloadPipelineDialects(&ctx);

  ParCompileResult result;
  result.target = expand.target;
  result.jobs = session.pool.getMaxConcurrency();
  result.kernels.resize(configs->size());
  for (auto [i, config] : llvm::enumerate(*configs)) {
    CompiledKernel &k = result.kernels[i];
    k.name = config.getSymName() ? config.getSymName()->str()
                                 : "kernel" + std::to_string(i);
    SmallString<256> dir(outputDir);
    llvm::sys::path::append(dir, k.name);
    k.dir = std::string(dir);
    k.configJson = configJson(config);
  }
  auto start = std::chrono::steady_clock::now();
  // One compile per config, in parallel; each owns its module. A config's
  // failure is recorded, not fatal.
  CompileTarget how{options.target, resolved.cuda, resolved.hip, options.host};
  session.start(configs->size(), [&](size_t i) {
    auto t0 = std::chrono::steady_clock::now();
    CompileSession::Outcome outcome;
    outcome.ok = succeeded(compileConfig((*configs)[i], result.kernels[i].dir,
                                         how, kNoDeadline, outcome.message));
    outcome.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0)
            .count();
    return outcome;
  });
  while (std::optional<CompileSession::Event> event =
             session.next(1e300, [] { return false; })) {
    CompileSession::Outcome outcome = session.outcome(event->index);
    CompiledKernel &k = result.kernels[event->index];
    k.ok = outcome.ok;
    k.error = outcome.ok ? "" : outcome.message;
    k.seconds = outcome.seconds;
  }
  result.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  if (failed(writeFile(outputDir + "/index.json", indexJson(result), error)))
    return std::nullopt;
  return result;
}
