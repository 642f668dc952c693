//===- tl-tune.cpp - The autotuner command --------------------------------===//
//
//   tl-tune examples/matmul.mlir --instantiate=M=1024,N=1024,K=1024
//
// Expands the template's config space, compiles every config in parallel,
// validates and benchmarks each in a worker process, prints a table, and
// caches the best under $TILELANG_CACHE_DIR/autotuner/<key>/.
//
//===----------------------------------------------------------------------===//

#include "tl/Tuner/Tuner.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <cstdlib>
#include <unistd.h>

using namespace mlir;
namespace cl = llvm::cl;

static cl::OptionCategory category("tl-tune options");
static cl::opt<std::string> input(cl::Positional, cl::desc("<kernel.mlir>"),
                                  cl::cat(category));
static cl::opt<std::string>
    instantiate("instantiate",
                cl::desc("Values of the non-tuned parameters: M=1024,N=..."),
                cl::cat(category));
static cl::opt<std::string> configs("configs",
                                    cl::desc("JSON file with the configs"),
                                    cl::cat(category));
static cl::opt<std::string> constraint("constraint",
                                       cl::desc("Constraint over parameters"),
                                       cl::cat(category));
static cl::opt<std::string> func("func", cl::desc("Template to tune"),
                                 cl::cat(category));
static cl::opt<int64_t>
    maxConfigs("max-configs",
               cl::desc("Refuse a config space larger than this"),
               cl::init(100000), cl::cat(category));
static cl::opt<std::string> target("target",
                                   cl::desc("auto | cuda | hip | host"),
                                   cl::init("auto"), cl::cat(category));
static cl::opt<std::string> chip("chip", cl::desc("NVIDIA chip"),
                                 cl::init("sm_90a"), cl::cat(category));
static cl::opt<int> warmup("warmup", cl::desc("Warm-up runs"), cl::init(25),
                           cl::cat(category));
static cl::opt<int> rep("rep", cl::desc("Timed runs"), cl::init(100),
                        cl::cat(category));
static cl::opt<double> warmupMs("warmup-ms",
                                cl::desc("Warm-up budget in ms (replaces "
                                         "--warmup when set, as do_bench)"),
                                cl::init(0), cl::cat(category));
static cl::opt<double> repMs("rep-ms",
                             cl::desc("Timing budget in ms (replaces --rep "
                                      "when set, as do_bench)"),
                             cl::init(0), cl::cat(category));
static cl::opt<double>
    pruneRatio("prune-ratio",
               cl::desc("Give the full warm-up and repetitions only to "
                        "candidates whose median over 10 screening runs is "
                        "within this factor of the best's (0: to all)"),
               cl::init(1.1), cl::cat(category));
static cl::opt<double> timeout("timeout",
                               cl::desc("Seconds a candidate may run"),
                               cl::init(60), cl::cat(category));
static cl::opt<double>
    compileTimeout("compile-timeout",
                   cl::desc("Seconds a config may compile (0: no limit)"),
                   cl::init(120), cl::cat(category));
static cl::opt<std::string>
    supply("supply-type",
           cl::desc("auto|integer|uniform|normal|randn|zero|one"),
           cl::init("auto"), cl::cat(category));
static cl::opt<unsigned> seed("seed", cl::desc("Input generator seed"),
                              cl::init(0), cl::cat(category));
static cl::list<std::string>
    inputs("input", cl::desc(".npy file per input tensor"), cl::cat(category));
static cl::list<std::string> refs("ref", cl::desc(".npy file per output"),
                                  cl::cat(category));
static cl::list<int> outIdx("out-idx", cl::desc("Output arguments (-1: last)"),
                            cl::cat(category));
static cl::opt<double> relTol("rtol", cl::desc("Relative tolerance"),
                              cl::init(1e-2), cl::cat(category));
static cl::opt<double> absTol("atol", cl::desc("Absolute tolerance"),
                              cl::init(1e-2), cl::cat(category));
static cl::opt<double>
    maxMismatched("max-mismatched-ratio",
                  cl::desc("Fraction of elements allowed outside the "
                           "tolerances"),
                  cl::init(0.01), cl::cat(category));
static cl::opt<bool> skipCheck("skip-check", cl::desc("Skip validation"),
                               cl::cat(category));
static cl::opt<std::string> cacheDir("cache-dir",
                                     cl::desc("Overrides TILELANG_CACHE_DIR"),
                                     cl::cat(category));
static cl::opt<bool> noCache("no-cache", cl::desc("Do not use the disk cache"),
                             cl::cat(category));
static cl::opt<std::string>
    output("output", cl::desc("Save the best result here"), cl::cat(category));
static cl::opt<std::string> load("load",
                                 cl::desc("Run a result saved with --output"),
                                 cl::cat(category));
static cl::opt<unsigned> jobs("jobs", cl::desc("Parallel compile jobs"),
                              cl::init(0), cl::cat(category));
static cl::opt<unsigned> threads("host-threads",
                                 cl::desc("CPU threads of host kernels"),
                                 cl::init(0), cl::cat(category));
static cl::opt<bool> json("json", cl::desc("Print the result as JSON"),
                          cl::cat(category));

/// 0 when a candidate passed. A compile abandoned at --compile-timeout
/// still runs on a thread that cannot be stopped: exit without waiting.
static int exitCode(const tl::TuneResult &result) {
  int code = result.best >= 0 ? 0 : 1;
  if (result.abandonedCompiles) {
    llvm::outs().flush();
    llvm::errs().flush();
    std::_Exit(code);
  }
  return code;
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(argc, argv,
                              "TileMLIR autotuner: compile, validate, "
                              "benchmark and cache every config\n");
  tl::TuneOptions options;
  options.input = input;
  options.instantiate = instantiate;
  options.configsFile = configs;
  options.constraint = constraint;
  options.funcName = func;
  options.maxConfigs = maxConfigs;
  options.target = target;
  options.chip = chip;
  options.warmup = warmup;
  options.rep = rep;
  options.warmupMs = warmupMs;
  options.repMs = repMs;
  options.pruneRatio = pruneRatio;
  options.timeoutSeconds = timeout;
  options.compileTimeoutSeconds = compileTimeout;
  options.seed = seed;
  options.inputFiles.assign(inputs.begin(), inputs.end());
  options.refFiles.assign(refs.begin(), refs.end());
  if (!outIdx.empty())
    options.outIdx.assign(outIdx.begin(), outIdx.end());
  options.tolerance = tlrt::Tolerance{relTol, absTol, maxMismatched};
  options.skipCheck = skipCheck;
  options.cacheDir = cacheDir;
  options.noCache = noCache;
  options.outputDir = output;
  options.jobs = jobs;
  options.hostThreads = threads;
  std::optional<tlrt::SupplyType> supplyType = tlrt::parseSupplyType(supply);
  if (!supplyType) {
    llvm::errs() << "tl-tune: --supply-type '" << supply
                 << "' is not one of auto, integer, uniform, normal, randn, "
                    "zero, one\n";
    return 2;
  }
  options.supply = *supplyType;
  // Every number in its range (NaN fails every comparison, so the checks
  // are written as what is allowed).
  auto bad = [](const char *what) {
    llvm::errs() << "tl-tune: " << what << "\n";
    return 2;
  };
  // Bounds on what one run may ask for, so that a typo cannot turn into a
  // run of days or a million threads.
  if (!(warmup >= 0 && warmup <= 1000000 && rep >= 1 && rep <= 1000000))
    return bad("--warmup must be 0 to 1000000 and --rep 1 to 1000000");
  if (!(warmupMs >= 0 && repMs >= 0 && warmupMs <= 600000 && repMs <= 600000))
    return bad("--warmup-ms and --rep-ms must be 0 to 600000 (10 minutes)");
  if (!(compileTimeout >= 0 && compileTimeout <= 86400))
    return bad("--compile-timeout must be 0 (no limit) to 86400 s");
  if (!(timeout > 0 && timeout <= 86400))
    return bad("--timeout must be more than 0 and at most 86400 s");
  if (threads > 1024)
    return bad("--host-threads must be at most 1024");
  if (!(pruneRatio == 0 || pruneRatio >= 1))
    return bad("--prune-ratio must be 0 (off) or >= 1");
  if (!(relTol >= 0 && absTol >= 0 && std::isfinite(relTol) &&
        std::isfinite(absTol)))
    return bad("--rtol and --atol must be finite and >= 0");
  if (!(maxMismatched >= 0 && maxMismatched <= 1))
    return bad("--max-mismatched-ratio must be between 0 and 1");
  if (maxConfigs < 1)
    return bad("--max-configs must be at least 1");

  if (!load.empty()) {
    std::string report, error;
    if (!tl::runSaved(load, options, report, error)) {
      llvm::errs() << "tl-tune: --load " << load << ": " << error << "\n";
      return 1;
    }
    llvm::outs() << report << "\n";
    return 0;
  }
  if (input.empty()) {
    llvm::errs() << "tl-tune: give a kernel file (tl-tune kernel.mlir ...) or "
                    "--load DIR\n";
    return 2;
  }

  bool tty = isatty(STDERR_FILENO) && !json;
  options.progress = [&](const std::string &phase, size_t done, size_t total) {
    if (!tty || !total)
      return;
    int width = 30, filled = static_cast<int>(width * done / total);
    llvm::errs() << "\r" << llvm::format("%-10s", phase.c_str()) << " ["
                 << std::string(filled, '#') << std::string(width - filled, ' ')
                 << "] " << done << "/" << total << "   ";
    if (done == total)
      llvm::errs() << "\n";
  };

  std::string error;
  std::optional<tl::TuneResult> result = tl::tune(options, error);
  if (!result) {
    llvm::errs() << "tl-tune: " << error << (error.back() == '\n' ? "" : "\n");
    return 1;
  }

  if (json) {
    llvm::json::Array candidates;
    for (const tl::CandidateRecord &c : result->candidates) {
      llvm::json::Object o{{"index", c.index},
                           {"kernel", c.name},
                           {"status", c.status},
                           {"median_ms", c.medianMs},
                           {"tflops", c.tflops}};
      if (!c.message.empty())
        o["message"] = c.message;
      llvm::Expected<llvm::json::Value> config =
          llvm::json::parse(c.configJson);
      if (config)
        o["config"] = std::move(*config);
      else
        llvm::consumeError(config.takeError());
      candidates.push_back(std::move(o));
    }
    llvm::json::Object o{{"target", result->target},
                         {"device", result->device.name},
                         {"from_cache", result->fromCache},
                         {"cache_entry", result->cacheEntry},
                         {"tuning_seconds", result->tuningSeconds},
                         {"best", result->best},
                         {"candidates", std::move(candidates)}};
    llvm::outs() << llvm::formatv("{0:2}\n", llvm::json::Value(std::move(o)));
    return exitCode(*result);
  }

  // The table: best first, then the rest by latency, failures last.
  std::vector<const tl::CandidateRecord *> rows;
  for (const tl::CandidateRecord &c : result->candidates)
    rows.push_back(&c);
  auto order = [](const tl::CandidateRecord *c) {
    return c->status == "ok" ? 0 : c->status == "pruned" ? 1 : 2;
  };
  std::stable_sort(rows.begin(), rows.end(), [&](auto *a, auto *b) {
    if (order(a) != order(b))
      return order(a) < order(b);
    return order(a) < 2 && a->medianMs < b->medianMs;
  });
  llvm::outs() << "tl-tune: " << input << " on " << result->device.name << " ("
               << result->target << ")"
               << (result->fromCache ? ", from the disk cache" : "") << "\n";
  llvm::outs() << llvm::format("%4s  %-58s %-12s %12s %9s\n", "rank", "config",
                               "status", "median ms", "TFLOP/s");
  int rank = 0;
  for (const tl::CandidateRecord *c : rows) {
    std::string config = c->configJson;
    llvm::outs() << llvm::format(
        "%4s  %-58s %-12s %12s %9s\n",
        c->status == "ok" ? std::to_string(++rank).c_str() : "-",
        config.c_str(), c->status.c_str(),
        order(c) < 2 ? llvm::formatv("{0:F4}", c->medianMs).str().c_str() : "",
        c->tflops > 0 ? llvm::formatv("{0:F2}", c->tflops).str().c_str() : "");
    if (order(c) == 2 && !c->message.empty())
      llvm::outs() << "        " << c->message.substr(0, 200) << "\n";
  }
  if (result->best >= 0) {
    const tl::CandidateRecord &b = result->candidates[result->best];
    llvm::outs() << "best: " << b.configJson << ", "
                 << llvm::formatv("{0:F4}", b.medianMs) << " ms\n";
  } else {
    llvm::outs() << "no candidate passed\n";
  }
  if (!result->cacheEntry.empty())
    llvm::outs() << "cached: " << result->cacheEntry << "\n";
  llvm::outs() << llvm::formatv("tuning took {0:F3} s", result->tuningSeconds);
  if (!result->phases.empty()) {
    llvm::outs() << " (";
    llvm::interleaveComma(result->phases, llvm::outs(), [&](const auto &p) {
      llvm::outs() << p.first << " " << llvm::formatv("{0:F3}", p.second);
    });
    llvm::outs() << ")";
  }
  if (result->referenceSeconds > 0)
    llvm::outs() << llvm::formatv("; host reference ready after {0:F3} s",
                                  result->referenceSeconds);
  llvm::outs() << "\n";
  return exitCode(*result);
}
