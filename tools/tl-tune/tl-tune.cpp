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
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Program.h"
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
static cl::opt<std::string>
    devices("devices",
            cl::desc("GPUs candidates run on, one worker each: all (default: "
                     "every visible device of the target's kind, of device "
                     "0's model) or ordinals such as 0,1"),
            cl::init(""), cl::cat(category));
static cl::opt<std::string> target("target",
                                   cl::desc("auto | cuda | hip | host"),
                                   cl::init("auto"), cl::cat(category));
static cl::opt<std::string>
    chip("chip",
         cl::desc("The chip to compile for: NVIDIA (sm_80, sm_86, sm_89, "
                  "sm_90a) or AMD (gfx90a, gfx942); default: the device's"),
         cl::init(""), cl::cat(category));
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
static cl::opt<unsigned>
    seed("seed",
         cl::desc("Seed of the generated inputs and of the search strategy"),
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
static cl::opt<std::string> reference(
    "reference",
    cl::desc("What candidates are checked against without --ref files: the "
             "template's defaults built with no tensor cores and run on the "
             "device, or built for and run on the host, or none (auto: "
             "the device on a GPU, else the host)"),
    cl::value_desc("auto|device|host|none"), cl::init("auto"),
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
static cl::opt<std::string>
    mma("mma",
        cl::desc("cuda: tensor-core instructions for tl.gemm: auto (wgmma on "
                 "sm_90a where the tile allows, else mma.sync), wgmma, "
                 "mma.sync, simt"),
        cl::init("auto"), cl::cat(category));
static cl::opt<bool>
    tma("tma",
        cl::desc("cuda: on sm_90a, TMA loads into mbarrier stages for "
                 "pipelined wgmma operand tiles (false: cp.async)"),
        cl::init(true), cl::cat(category));
static cl::opt<bool> warpSpecialize(
    "warp-specialize",
    cl::desc("cuda: on sm_90a, a producer warpgroup issues a TMA loop's "
             "loads (default false)"),
    cl::init(false), cl::cat(category));
static cl::opt<std::string>
    strategy("strategy",
             cl::desc("Which configs of the space run, proposed a few at a "
                      "time and compiled as proposed: exhaustive (all, in "
                      "order), random (in an order drawn with --seed), "
                      "halving (random, then successive halving of the "
                      "screened) or model (Bayesian optimisation over the "
                      "knobs)"),
             cl::init("exhaustive"), cl::cat(category));
static cl::opt<std::string>
    budget("budget",
           cl::desc("The search's budget: N configs (200), or seconds of "
                    "search (60s: no config is proposed after); 0: none"),
           cl::init("0"), cl::cat(category));
static cl::opt<std::string> reportDir(
    "report",
    cl::desc("Write the candidates' records (candidates.jsonl) and a report "
             "of them (index.html with PNG plots, through the tilemlir Python "
             "package and matplotlib) to DIR"),
    cl::value_desc("DIR"), cl::cat(category));

/// The directory holding the tilemlir Python package for the report: a
/// bundle's or prefix's python/ beside bin/, else the source tree's (a build
/// tree's tools); empty: an installed package.
static std::string pythonPackageDir(const char *argv0) {
  std::string exe = llvm::sys::fs::getMainExecutable(
      argv0, reinterpret_cast<void *>(&pythonPackageDir));
  llvm::SmallString<256> beside(
      llvm::sys::path::parent_path(llvm::sys::path::parent_path(exe)));
  llvm::sys::path::append(beside, "python");
  for (std::string dir : {beside.str().str(), std::string(TL_PYTHON_DIR)}) {
    llvm::SmallString<256> probe(dir);
    llvm::sys::path::append(probe, "tilemlir", "report.py");
    if (llvm::sys::fs::exists(probe))
      return dir;
  }
  return "";
}

/// Writes `result`'s records to <--report>/candidates.jsonl, then runs
/// `python3 -m tilemlir.report` ($PYTHON, else python3 on PATH) over them.
/// False with `error` saying what is missing; the records are kept.
static bool writeReport(const tl::TuneResult &result, const char *argv0,
                        std::string &error) {
  llvm::SmallString<256> records(reportDir);
  llvm::sys::path::append(records, "candidates.jsonl");
  std::string lines;
  for (const tl::CandidateRecord &c : result.candidates)
    lines += tl::recordLine(c) + "\n";
  std::error_code ec = llvm::sys::fs::create_directories(reportDir);
  if (!ec) {
    llvm::raw_fd_ostream out(records, ec);
    out << lines;
  }
  if (ec) {
    error = "cannot write " + records.str().str() + ": " + ec.message();
    return false;
  }
  std::string kept = "; the records are in " + records.str().str();
  std::string python;
  if (std::optional<std::string> env = llvm::sys::Process::GetEnv("PYTHON"))
    python = *env;
  else if (llvm::ErrorOr<std::string> found =
               llvm::sys::findProgramByName("python3"))
    python = *found;
  if (python.empty()) {
    error =
        "the report needs Python 3: put python3 on PATH or set $PYTHON" + kept;
    return false;
  }
  std::vector<std::string> env;
  std::string package = pythonPackageDir(argv0);
  for (char **e = environ; *e; ++e)
    if (package.empty() || !llvm::StringRef(*e).starts_with("PYTHONPATH="))
      env.push_back(*e);
  if (!package.empty()) {
    std::optional<std::string> old = llvm::sys::Process::GetEnv("PYTHONPATH");
    env.push_back("PYTHONPATH=" + package + (old ? ":" + *old : ""));
  }
  llvm::SmallString<128> log;
  if (llvm::sys::fs::createTemporaryFile("tl-tune-report", "txt", log)) {
    error = "cannot create a temporary file for the report's messages";
    return false;
  }
  std::vector<llvm::StringRef> args{python, "-m", "tilemlir.report",
                                    records.str(), reportDir.getValue()};
  std::vector<llvm::StringRef> envRefs(env.begin(), env.end());
  std::optional<llvm::StringRef> redirects[] = {std::nullopt,
                                                llvm::StringRef(""), log.str()};
  std::string message;
  int rc = llvm::sys::ExecuteAndWait(python, args, envRefs, redirects,
                                     /*SecondsToWait=*/0, /*MemoryLimit=*/0,
                                     &message);
  auto stderrText = llvm::MemoryBuffer::getFile(log);
  llvm::sys::fs::remove(log);
  if (rc != 0) {
    std::string why =
        stderrText ? llvm::StringRef((*stderrText)->getBuffer()).trim().str()
                   : "";
    if (why.empty())
      why = message;
    error = "the report failed (" + python + " -m tilemlir.report): " +
            (why.empty() ? "exit code " + std::to_string(rc) : why) + kept;
    return false;
  }
  return true;
}

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

/// The options struct from the command line; nullopt (after saying why)
/// for a value the tuner would refuse.
static std::optional<tl::TuneOptions> buildOptions() {
  tl::TuneOptions options;
  options.input = input;
  options.expand.instantiate = instantiate;
  options.expand.configsFile = configs;
  options.expand.constraint = constraint;
  options.expand.funcName = func;
  options.expand.maxConfigs = maxConfigs;
  std::optional<tl::Target> parsedTarget = tl::parseTarget(target);
  if (!parsedTarget) {
    llvm::errs() << "tl-tune: --target must be auto, cuda, hip or host, not '"
                 << target << "'\n";
    return std::nullopt;
  }
  options.target = *parsedTarget;
  options.devices = devices;
  options.cuda.chip = chip; // empty: the CUDA device's (sm_90a without one)
  options.hip.chip = chip;  // empty: the HIP device's (gfx942 without one)
  options.cuda.mma = mma;   // checked with the rest (checkRanges)
  options.hip.mma = mma;
  options.cuda.tma = tma;
  options.cuda.warpSpecialize = warpSpecialize;
  options.search.strategy = strategy;
  std::string budgetError;
  if (!tl::parseBudget(budget, options.search, budgetError)) {
    llvm::errs() << "tl-tune: " << budgetError << "\n";
    return std::nullopt;
  }
  options.jobs = jobs;
  options.compileTimeoutSeconds = compileTimeout;
  tl::ProfileOptions &profile = options.profile;
  profile.warmup = warmup;
  profile.rep = rep;
  profile.warmupMs = warmupMs;
  profile.repMs = repMs;
  profile.pruneRatio = pruneRatio;
  profile.timeoutSeconds = timeout;
  profile.hostThreads = threads;
  profile.seed = seed;
  profile.inputFiles.assign(inputs.begin(), inputs.end());
  profile.refFiles.assign(refs.begin(), refs.end());
  if (!outIdx.empty())
    profile.outIdx.assign(outIdx.begin(), outIdx.end());
  profile.tolerance = tlrt::Tolerance{relTol, absTol, maxMismatched};
  profile.skipCheck = skipCheck;
  std::optional<tl::ReferenceKind> referenceKind =
      tl::parseReference(reference);
  if (!referenceKind) {
    llvm::errs() << "tl-tune: --reference must be auto, device, host or none, "
                    "not '"
                 << reference << "'\n";
    return std::nullopt;
  }
  profile.reference = *referenceKind;
  std::optional<tlrt::SupplyType> supplyType = tlrt::parseSupplyType(supply);
  if (!supplyType) {
    llvm::errs() << "tl-tune: --supply-type '" << supply
                 << "' is not one of auto, integer, uniform, normal, randn, "
                    "zero, one\n";
    return std::nullopt;
  }
  profile.supply = *supplyType;
  options.cacheDir = cacheDir;
  options.noCache = noCache;
  options.outputDir = output;
  if (std::optional<std::string> bad = tl::checkRanges(options)) {
    llvm::errs() << "tl-tune: " << *bad << "\n";
    return std::nullopt;
  }
  return options;
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(argc, argv,
                              "TileMLIR autotuner: compile, validate, "
                              "benchmark and cache every config\n");
  std::optional<tl::TuneOptions> parsed = buildOptions();
  if (!parsed)
    return 2;
  tl::TuneOptions &options = *parsed;

  if (!load.empty()) {
    std::string report, error;
    if (!tl::runSaved(load, options.profile, report, error)) {
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

  // The exit code, after the report (--report) when one was asked for: a
  // report that cannot be written fails the command, never the tuning.
  auto finish = [&]() {
    int reportCode = 0;
    if (!reportDir.empty()) {
      std::string why;
      if (!writeReport(*result, argv[0], why)) {
        llvm::outs().flush(); // the table first, then why the report is not
        llvm::errs() << "tl-tune: " << why << "\n";
        reportCode = 1;
      } else if (!json) {
        llvm::outs() << "report: " << reportDir << "/index.html\n";
      }
    }
    return std::max(exitCode(*result), reportCode);
  };

  if (json) {
    llvm::json::Array candidates;
    for (const tl::CandidateRecord &c : result->candidates)
      candidates.push_back(tl::recordToJson(c));
    llvm::json::Object o{{"target", result->target},
                         {"device", result->device.name},
                         {"from_cache", result->fromCache},
                         {"cache_entry", result->cacheEntry},
                         {"tuning_seconds", result->tuningSeconds},
                         {"best", result->best},
                         {"candidates", std::move(candidates)}};
    if (!result->fromCache) {
      llvm::json::Array phases;
      for (const auto &[phase, seconds] : result->phases)
        phases.push_back(llvm::json::Array{phase, seconds});
      o["phases"] = std::move(phases);
      o["reference"] = result->referenceKind;
      o["reference_seconds"] = result->referenceSeconds;
      o["reference_built_seconds"] = result->referenceBuiltSeconds;
      o["first_run_seconds"] = result->firstRunSeconds;
      // A record's "device" indexes this list of ordinals.
      o["devices"] = llvm::json::Array(result->devices);
    }
    llvm::outs() << llvm::formatv("{0:2}\n", llvm::json::Value(std::move(o)));
    return finish();
  }

  // The table: best first, then the rest by latency, failures last.
  std::vector<const tl::CandidateRecord *> rows;
  for (const tl::CandidateRecord &c : result->candidates)
    rows.push_back(&c);
  auto order = [](const tl::CandidateRecord *c) {
    return c->status == tl::CandidateStatus::Ok       ? 0
           : c->status == tl::CandidateStatus::Pruned ? 1
                                                      : 2;
  };
  std::stable_sort(rows.begin(), rows.end(), [&](auto *a, auto *b) {
    if (order(a) != order(b))
      return order(a) < order(b);
    return order(a) < 2 && a->medianMs < b->medianMs;
  });
  // Several GPUs of one model: "2 x NVIDIA H200 (sm_90a; devices 0, 1)".
  bool several = result->devices.size() > 1;
  llvm::outs() << "tl-tune: " << input << " on "
               << (several ? std::to_string(result->devices.size()) + " x "
                           : "")
               << result->device.name << " (" << result->target;
  if (several) {
    llvm::outs() << "; devices ";
    llvm::interleaveComma(result->devices, llvm::outs());
  }
  llvm::outs() << ")" << (result->fromCache ? ", from the disk cache" : "")
               << "\n";
  llvm::outs() << llvm::format("%4s  %-58s %-12s %12s %9s\n", "rank", "config",
                               "status", "median ms", "TFLOP/s");
  int rank = 0;
  for (const tl::CandidateRecord *c : rows) {
    std::string config = c->configJson;
    llvm::outs() << llvm::format(
        "%4s  %-58s %-12s %12s %9s\n",
        c->status == tl::CandidateStatus::Ok ? std::to_string(++rank).c_str()
                                             : "-",
        config.c_str(), tl::statusName(c->status),
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
  if (result->firstRunSeconds > 0)
    llvm::outs() << llvm::formatv("; first run after {0:F3} s",
                                  result->firstRunSeconds);
  if (result->referenceSeconds > 0)
    llvm::outs() << llvm::formatv(
        "; {0} reference built after {1:F3} s, ready after {2:F3} s",
        result->referenceKind, result->referenceBuiltSeconds,
        result->referenceSeconds);
  llvm::outs() << "\n";
  return finish();
}
