//===- tl-compile.cpp - Compile every config of a tl template -------------===//
//
// The guide's par_compile as a command: expand a template's config space,
// compile every kept config for a target in parallel on the MLIR thread
// pool, and write one directory per kernel (binary + kernel.json) plus an
// index.json listing every config with its status.
//
//   tl-compile matmul.mlir --instantiate=M=4096,N=4096,K=4096 \
//       --target=cuda --chip=sm_90a -o out/
//
//===----------------------------------------------------------------------===//

#include "tl/InitAll.h"
#include "tl/ParseSource.h"
#include "tl/Tuner/CompileSession.h"
#include "tl/Tuner/Expand.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>

using namespace mlir;
namespace cl = llvm::cl;

static cl::opt<std::string> inputFile(cl::Positional, cl::desc("<kernel.mlir>"),
                                      cl::Required);
static cl::opt<std::string> outputDir("o", cl::desc("Output directory"),
                                      cl::value_desc("dir"), cl::Required);
static cl::opt<std::string> target("target", cl::desc("cuda or host"),
                                   cl::init("cuda"));
static cl::opt<std::string> chip("chip", cl::desc("NVIDIA chip for cuda"),
                                 cl::init("sm_90a"));
static cl::opt<std::string>
    instantiate("instantiate",
                cl::desc("Values of the non-tuned parameters, NAME=V,..."),
                cl::init(""));
static cl::opt<std::string>
    configsFile("configs-file", cl::desc("JSON list of configs"), cl::init(""));
static cl::opt<std::string>
    constraint("constraint", cl::desc("Constraint expression"), cl::init(""));
static cl::opt<std::string> funcName("func", cl::desc("Template to compile"),
                                     cl::init(""));
static cl::opt<unsigned>
    indexBitwidth("index-bitwidth",
                  cl::desc("cuda: index width, 64 or 32 (tensors under "
                           "2^31 elements)"),
                  cl::init(64));
static cl::opt<std::string>
    mma("mma",
        cl::desc("cuda: tensor-core instructions for tl.gemm: auto (wgmma on "
                 "sm_90a where the tile allows, else mma.sync), wgmma, "
                 "mma.sync"),
        cl::init("auto"));
static cl::opt<bool> wgmmaInFlight(
    "wgmma-in-flight",
    cl::desc("cuda: keep one wgmma group in flight across pipelined "
             "iterations"),
    cl::init(true));
static cl::opt<unsigned> jobs("j", cl::desc("Parallel compile jobs (0: all)"),
                              cl::init(0));

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::ParseCommandLineOptions(argc, argv, "TileMLIR: compile every config\n");
  if (target != "cuda" && target != "host") {
    llvm::errs() << "tl-compile: --target must be cuda or host, not '" << target
                 << "'\n";
    return 2;
  }
  if (indexBitwidth != 32 && indexBitwidth != 64) {
    llvm::errs() << "tl-compile: --index-bitwidth must be 64 or 32, not "
                 << indexBitwidth << "\n";
    return 2;
  }
  if (mma != "auto" && mma != "wgmma" && mma != "mma.sync") {
    llvm::errs() << "tl-compile: --mma must be auto, wgmma or mma.sync, not '"
                 << mma << "'\n";
    return 2;
  }

  if (jobs > tl::kMaxCompileJobs) {
    llvm::errs() << "tl-compile: -j " << jobs << " asks for more than the "
                 << tl::kMaxCompileJobs << " compile threads allowed\n";
    return 2;
  }

  DialectRegistry registry;
  tl::registerAllDialects(registry);
  tl::registerAllPasses();
  tl::CompileSession session(registry, jobs);
  MLIRContext &ctx = session.ctx;
  // An error names the config and the parameter; the whole template in
  // generic form after it would only bury that.
  ctx.printOpOnDiagnostic(false);

  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler handler(sourceMgr, &ctx);
  session.module = tl::parseSourceFileChecked(inputFile, sourceMgr, &ctx);
  if (!session.module)
    return 1;

  if (std::error_code ec = llvm::sys::fs::create_directories(outputDir)) {
    llvm::errs() << "tl-compile: cannot create " << outputDir << ": "
                 << ec.message() << "\n";
    return 1;
  }
  tl::TLExpandConfigsOptions expand;
  expand.target = target == "cuda" ? chip.getValue() : std::string("host");
  expand.instantiate = instantiate;
  expand.configsFile = configsFile;
  expand.constraint = constraint;
  expand.funcName = funcName;
  expand.report = outputDir + "/space.json";
  FailureOr<SmallVector<ModuleOp>> configs =
      tl::expandConfigs(*session.module, expand);
  if (failed(configs))
    return 1;

  tl::preloadPipelineDialects(&ctx);
  tl::CudaCompileOptions cudaOptions;
  cudaOptions.chip = chip;
  cudaOptions.indexBitwidth = indexBitwidth;
  cudaOptions.mma = mma;
  cudaOptions.wgmmaInFlight = wgmmaInFlight;
  struct Result {
    std::string name, error;
    double seconds = 0;
  };
  std::vector<Result> results(configs->size());
  for (auto [i, config] : llvm::enumerate(*configs))
    results[i].name = config.getSymName() ? config.getSymName()->str()
                                          : "kernel" + std::to_string(i);
  auto start = std::chrono::steady_clock::now();
  // One compile per config, in parallel; each owns its module. A config's
  // failure is recorded and reported, not fatal.
  session.start(configs->size(), [&](size_t i) {
    SmallString<256> dir(outputDir);
    llvm::sys::path::append(dir, results[i].name);
    auto t0 = std::chrono::steady_clock::now();
    tl::CompileSession::Outcome outcome;
    outcome.ok = succeeded(tl::compileConfig((*configs)[i], dir,
                                             target == "cuda", cudaOptions, {},
                                             tl::kNoDeadline, outcome.message));
    outcome.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0)
            .count();
    return outcome;
  });
  while (std::optional<tl::CompileSession::Event> event =
             session.next(1e300, [] { return false; })) {
    tl::CompileSession::Outcome outcome = session.outcome(event->index);
    results[event->index].error = outcome.ok ? "" : outcome.message;
    results[event->index].seconds = outcome.seconds;
  }
  double total =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();

  llvm::json::Array index;
  int failures = 0;
  for (const Result &r : results) {
    llvm::json::Object entry{{"name", r.name},
                             {"dir", r.name},
                             {"compile_seconds", r.seconds},
                             {"status", r.error.empty() ? "ok" : "error"}};
    if (!r.error.empty()) {
      entry["error"] = r.error;
      ++failures;
      llvm::errs() << "tl-compile: " << r.name << ": " << r.error << "\n";
    }
    index.push_back(std::move(entry));
  }
  std::string indexPath = outputDir + "/index.json";
  std::error_code ec;
  llvm::raw_fd_ostream os(indexPath, ec);
  if (ec) {
    llvm::errs() << "tl-compile: cannot write " << indexPath << "\n";
    return 1;
  }
  os << llvm::formatv(
      "{0:2}\n",
      llvm::json::Value(llvm::json::Object{
          {"target", target == "cuda" ? chip.getValue() : std::string("host")},
          {"kernels", std::move(index)}}));
  llvm::outs() << llvm::formatv(
      "tl-compile: {0} of {1} configs compiled for {2} in {3:F2} s ({4} "
      "jobs) -> {5}\n",
      configs->size() - failures, configs->size(),
      target == "cuda" ? chip.getValue() : std::string("host"), total,
      session.pool.getMaxConcurrency(), outputDir);
  return failures ? 1 : 0;
}
