//===- tl-compile.cpp - Compile every config of a tl template -------------===//
//
// The guide's par_compile as a command: expand a template's config space,
// compile every kept config for a target in parallel on the MLIR thread
// pool, and write one directory per kernel (binary + kernel.json) plus an
// index.json listing every config with its status.
//
//   tl-compile matmul.mlir --instantiate=M=4096,N=4096,K=4096 \
//       --target=cuda --chip=sm_90a -o out/
//   tl-compile examples/matmul.mlir --instantiate=M=4096,N=4096,K=4096 \
//       --target=hip --chip=gfx942 -o out/    (HSACO; no AMD GPU needed)
//
//===----------------------------------------------------------------------===//

#include "tl/Tuner/ParCompile.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
namespace cl = llvm::cl;

static cl::opt<std::string> inputFile(cl::Positional, cl::desc("<kernel.mlir>"),
                                      cl::Required);
static cl::opt<std::string> outputDir("o", cl::desc("Output directory"),
                                      cl::value_desc("dir"), cl::Required);
static cl::opt<std::string> target("target", cl::desc("cuda, hip or host"),
                                   cl::init("cuda"));
static cl::opt<std::string>
    chip("chip",
         cl::desc("NVIDIA chip for cuda (default sm_90a), AMD chip for hip "
                  "(default gfx942)"),
         cl::init(""));
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
        cl::desc("tensor-core instructions for tl.gemm: auto (cuda: wgmma on "
                 "sm_90a where the tile allows, else mma.sync; hip: MFMA "
                 "where it allows, else SIMT), wgmma, mma.sync, mfma, simt "
                 "(no tensor cores)"),
        cl::init("auto"));
static cl::opt<bool> wgmmaInFlight(
    "wgmma-in-flight",
    cl::desc("cuda: keep one wgmma group in flight across pipelined "
             "iterations"),
    cl::init(true));
static cl::opt<bool>
    tma("tma",
        cl::desc("cuda: on sm_90a, TMA loads into mbarrier stages for "
                 "pipelined wgmma operand tiles (false: cp.async)"),
        cl::init(true));
static cl::opt<bool> warpSpecialize(
    "warp-specialize",
    cl::desc("cuda: on sm_90a, a producer warpgroup issues a TMA loop's "
             "loads (default false: every thread waits, one issues)"),
    cl::init(false));
static cl::opt<unsigned> jobs("j", cl::desc("Parallel compile jobs (0: all)"),
                              cl::init(0));

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::ParseCommandLineOptions(argc, argv, "TileMLIR: compile every config\n");
  if (target != "cuda" && target != "hip" && target != "host") {
    llvm::errs() << "tl-compile: --target must be cuda, hip or host, not '"
                 << target << "'\n";
    return 2;
  }
  if (indexBitwidth != 32 && indexBitwidth != 64) {
    llvm::errs() << "tl-compile: --index-bitwidth must be 64 or 32, not "
                 << indexBitwidth << "\n";
    return 2;
  }

  if (jobs > tl::kMaxCompileJobs) {
    llvm::errs() << "tl-compile: -j " << jobs << " asks for more than the "
                 << tl::kMaxCompileJobs << " compile threads allowed\n";
    return 2;
  }

  tl::TuneOptions options;
  options.input = inputFile;
  options.target = target == "cuda"  ? tl::Target::Cuda
                   : target == "hip" ? tl::Target::Hip
                                     : tl::Target::Host;
  options.expand.instantiate = instantiate;
  options.expand.configsFile = configsFile;
  options.expand.constraint = constraint;
  options.expand.funcName = funcName;
  options.cuda.chip = chip.empty() ? std::string("sm_90a") : chip.getValue();
  options.hip.chip = chip.empty() ? std::string("gfx942") : chip.getValue();
  options.hip.mma = mma;
  options.cuda.indexBitwidth = indexBitwidth;
  options.cuda.mma = mma;
  options.cuda.wgmmaInFlight = wgmmaInFlight;
  options.cuda.tma = tma;
  options.cuda.warpSpecialize = warpSpecialize;
  options.jobs = jobs;
  if (std::optional<std::string> bad = tl::checkRanges(options)) {
    llvm::errs() << "tl-compile: " << *bad << "\n";
    return 2;
  }
  std::string error;
  std::optional<tl::ParCompileResult> result =
      tl::parCompile(options, outputDir, error);
  if (!result) {
    llvm::errs() << error << (error.back() == '\n' ? "" : "\n");
    return 1;
  }
  for (const tl::CompiledKernel &k : result->kernels)
    if (!k.ok)
      llvm::errs() << "tl-compile: " << k.name << ": " << k.error << "\n";
  size_t failures = result->failures();
  llvm::outs() << llvm::formatv(
      "tl-compile: {0} of {1} configs compiled for {2} in {3:F2} s ({4} "
      "jobs) -> {5}\n",
      result->kernels.size() - failures, result->kernels.size(), result->target,
      result->seconds, result->jobs, outputDir);
  return failures ? 1 : 0;
}
