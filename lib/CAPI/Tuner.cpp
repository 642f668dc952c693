//===- Tuner.cpp - The autotuner through the C API ------------------------===//
//
// Each handle owns its C++ object; strings handed out point into it. No
// C++ error escapes: failures become TlError messages.
//
//===----------------------------------------------------------------------===//

#include "tl-c/Tuner.h"

#include "Error.h"

#include "tl/Runtime/Device.h"
#include "tl/Target/KernelMetadata.h"
#include "tl/Tuner/Cache.h"
#include "tl/Tuner/ParCompile.h"
#include "tl/Tuner/Records.h"
#include "tl/Tuner/Tuner.h"

#include "mlir/CAPI/Support.h"
#include "llvm/Support/FileSystem.h"

#include <cstring>
#include <memory>

using namespace mlir;
using namespace mlir::tl;
using namespace mlir::tl::capi;

namespace {

/// The options, with the names a run resolves (an unknown name is the run's
/// error, with the setter's option named).
struct Options {
  TuneOptions tune;
  std::string target = "auto", supply = "auto", reference = "auto";
  /// The chip and the tensor-core choice of whichever GPU target runs
  /// (an empty chip: the device's; sm_90a or gfx942 compiling without one).
  std::string chip, mma = "auto";
};

struct Result {
  TuneResult result;
  std::vector<std::string> records; // per candidate, JSON
  std::string bestConfig;
};

struct Compiled {
  ParCompileResult result;
};

Options &unwrap(TlTuneOptions o) { return *static_cast<Options *>(o.ptr); }
Result &unwrap(TlTuneResult r) { return *static_cast<Result *>(r.ptr); }
Compiled &unwrap(TlCompileResult r) { return *static_cast<Compiled *>(r.ptr); }

/// The tuner's options with the named choices resolved; nullopt with
/// `message`.
std::optional<TuneOptions> resolve(const Options &o, std::string &message) {
  TuneOptions t = o.tune;
  std::optional<Target> target = parseTarget(o.target);
  if (!target) {
    message = "target must be auto, cuda, hip or host, not '" + o.target + "'";
    return std::nullopt;
  }
  t.target = *target;
  t.cuda.mma = t.hip.mma = o.mma;
  t.cuda.chip = t.hip.chip = o.chip;
  std::optional<tlrt::SupplyType> supply = tlrt::parseSupplyType(o.supply);
  if (!supply) {
    message = "supply type '" + o.supply +
              "' is not one of auto, integer, uniform, normal, randn, zero, "
              "one";
    return std::nullopt;
  }
  t.profile.supply = *supply;
  std::optional<ReferenceKind> reference = parseReference(o.reference);
  if (!reference) {
    message = "reference must be auto, device, host or none, not '" +
              o.reference + "'";
    return std::nullopt;
  }
  t.profile.reference = *reference;
  if (std::optional<std::string> bad = checkRanges(t)) {
    message = *bad;
    return std::nullopt;
  }
  if (t.input.empty()) {
    message = "no input: set the template's file with tlTuneOptionsSetInput";
    return std::nullopt;
  }
  return t;
}

TlTuneResult wrapResult(TuneResult r) {
  auto *out = new Result{std::move(r), {}, ""};
  for (const CandidateRecord &c : out->result.candidates)
    out->records.push_back(recordLine(c));
  if (out->result.best >= 0)
    out->bestConfig = out->result.candidates[out->result.best].configJson;
  return TlTuneResult{out};
}

} // namespace

//===----------------------------------------------------------------------===//
// Errors and options
//===----------------------------------------------------------------------===//

TlTuneOptions tlTuneOptionsCreate(void) {
  auto *o = new Options();
  // A library's caller decides where logs go: none unless asked.
  o->tune.logFile = "/dev/null";
  return TlTuneOptions{o};
}
void tlTuneOptionsDestroy(TlTuneOptions o) { delete &unwrap(o); }

#define TL_STRING_SETTER(Name, field)                                          \
  void tlTuneOptionsSet##Name(TlTuneOptions o, MlirStringRef value) {          \
    unwrap(o).field = str(value);                                              \
  }
#define TL_VALUE_SETTER(Name, Type, field)                                     \
  void tlTuneOptionsSet##Name(TlTuneOptions o, Type value) {                   \
    unwrap(o).field = value;                                                   \
  }
TL_STRING_SETTER(Input, tune.input)
TL_STRING_SETTER(Instantiate, tune.expand.instantiate)
TL_STRING_SETTER(ConfigsFile, tune.expand.configsFile)
TL_STRING_SETTER(Constraint, tune.expand.constraint)
TL_STRING_SETTER(Func, tune.expand.funcName)
TL_VALUE_SETTER(MaxConfigs, int64_t, tune.expand.maxConfigs)
TL_STRING_SETTER(Target, target)
TL_STRING_SETTER(Chip, chip)
TL_STRING_SETTER(Devices, tune.devices)
TL_STRING_SETTER(Mma, mma)
TL_VALUE_SETTER(Tma, bool, tune.cuda.tma)
TL_VALUE_SETTER(WarpSpecialize, bool, tune.cuda.warpSpecialize)
TL_VALUE_SETTER(Jobs, uint64_t, tune.jobs)
TL_VALUE_SETTER(CompileTimeout, double, tune.compileTimeoutSeconds)
TL_VALUE_SETTER(Warmup, int, tune.profile.warmup)
TL_VALUE_SETTER(Rep, int, tune.profile.rep)
TL_VALUE_SETTER(WarmupMs, double, tune.profile.warmupMs)
TL_VALUE_SETTER(RepMs, double, tune.profile.repMs)
TL_VALUE_SETTER(PruneRatio, double, tune.profile.pruneRatio)
TL_VALUE_SETTER(Timeout, double, tune.profile.timeoutSeconds)
TL_VALUE_SETTER(HostThreads, unsigned, tune.profile.hostThreads)
TL_STRING_SETTER(SupplyType, supply)
TL_STRING_SETTER(Reference, reference)
TL_VALUE_SETTER(Seed, uint64_t, tune.profile.seed)
TL_STRING_SETTER(Strategy, tune.search.strategy)
TL_VALUE_SETTER(Budget, uint64_t, tune.search.budget)
TL_VALUE_SETTER(BudgetSeconds, double, tune.search.budgetSeconds)
TL_VALUE_SETTER(SkipCheck, bool, tune.profile.skipCheck)
TL_STRING_SETTER(CacheDir, tune.cacheDir)
TL_VALUE_SETTER(NoCache, bool, tune.noCache)
TL_STRING_SETTER(OutputDir, tune.outputDir)
TL_STRING_SETTER(LogFile, tune.logFile)
#undef TL_STRING_SETTER
#undef TL_VALUE_SETTER

void tlTuneOptionsAddInputFile(TlTuneOptions o, MlirStringRef path) {
  unwrap(o).tune.profile.inputFiles.push_back(str(path));
}
void tlTuneOptionsAddRefFile(TlTuneOptions o, MlirStringRef path) {
  unwrap(o).tune.profile.refFiles.push_back(str(path));
}
void tlTuneOptionsSetOutIdx(TlTuneOptions o, const int *indices, intptr_t n) {
  unwrap(o).tune.profile.outIdx.assign(indices,
                                       indices + std::max<intptr_t>(n, 0));
}
void tlTuneOptionsSetCheckCallback(TlTuneOptions o,
                                   TlCheckOutputsCallback callback,
                                   void *userData, MlirStringRef identity) {
  TuneOptions &t = unwrap(o).tune;
  t.profile.checkIdentity = str(identity);
  if (!callback) {
    t.checkOutputs = nullptr;
    return;
  }
  t.checkOutputs = [callback, userData](size_t index, const std::string &file,
                                        std::string &why) {
    char message[4096] = {0};
    bool ok = callback(userData, static_cast<intptr_t>(index), toRef(file),
                       message, sizeof(message));
    if (!ok)
      why = message[0] ? std::string(message, strnlen(message, sizeof(message)))
                       : "rejected by the caller's check of its outputs";
    return ok;
  };
}

void tlTuneOptionsSetTolerance(TlTuneOptions o, double rtol, double atol,
                               double maxMismatchedRatio) {
  unwrap(o).tune.profile.tolerance =
      tlrt::Tolerance{rtol, atol, maxMismatchedRatio};
}

//===----------------------------------------------------------------------===//
// Tuning and its result
//===----------------------------------------------------------------------===//

TlTuneResult tlTune(TlTuneOptions options, TlError *error) {
  std::string message;
  std::optional<TuneOptions> resolved = resolve(unwrap(options), message);
  if (!resolved)
    return fail<TlTuneResult>(error, message);
  std::optional<TuneResult> result = tune(*resolved, message);
  if (!result)
    return fail<TlTuneResult>(error, message);
  return wrapResult(std::move(*result));
}

TlTuneResult tlLoadResult(MlirStringRef dir, TlError *error) {
  std::string message;
  std::optional<TuneResult> result = loadResult(str(dir), message);
  if (!result)
    return fail<TlTuneResult>(error, message);
  return wrapResult(std::move(*result));
}

void tlTuneResultDestroy(TlTuneResult r) { delete &unwrap(r); }
bool tlTuneResultIsNull(TlTuneResult r) { return !r.ptr; }
intptr_t tlTuneResultGetBestIndex(TlTuneResult r) {
  return unwrap(r).result.best;
}
MlirStringRef tlTuneResultGetBestConfig(TlTuneResult r) {
  return toRef(unwrap(r).bestConfig);
}
double tlTuneResultGetBestLatencyMs(TlTuneResult r) {
  const TuneResult &t = unwrap(r).result;
  return t.best >= 0 ? t.candidates[t.best].medianMs : 0;
}
MlirStringRef tlTuneResultGetBestDir(TlTuneResult r) {
  return toRef(unwrap(r).result.bestDir);
}
MlirStringRef tlTuneResultGetTarget(TlTuneResult r) {
  return toRef(unwrap(r).result.target);
}
bool tlTuneResultIsFromCache(TlTuneResult r) {
  return unwrap(r).result.fromCache;
}
double tlTuneResultGetTuningSeconds(TlTuneResult r) {
  return unwrap(r).result.tuningSeconds;
}
intptr_t tlTuneResultGetNumCandidates(TlTuneResult r) {
  return static_cast<intptr_t>(unwrap(r).records.size());
}
MlirStringRef tlTuneResultGetCandidate(TlTuneResult r, intptr_t i) {
  const std::vector<std::string> &records = unwrap(r).records;
  if (i < 0 || i >= static_cast<intptr_t>(records.size()))
    return mlirStringRefCreate(nullptr, 0);
  return toRef(records[i]);
}

//===----------------------------------------------------------------------===//
// Compiling without tuning
//===----------------------------------------------------------------------===//

TlCompileResult tlCompileConfigs(TlTuneOptions options,
                                 MlirStringRef configsJson,
                                 MlirStringRef outputDir, TlError *error) {
  std::string message;
  std::optional<TuneOptions> resolved = resolve(unwrap(options), message);
  if (!resolved)
    return fail<TlCompileResult>(error, message);
  if (resolved->target == Target::Auto)
    resolved->target = tlrt::cudaAvailable() ? Target::Cuda : Target::Host;
  std::string dir = str(outputDir);
  if (dir.empty())
    return fail<TlCompileResult>(error, "no output directory given");
  if (configsJson.length) {
    // The space as tl-expand-configs reads it: a file.
    std::string path = dir + "/configs.json";
    if (std::error_code ec = llvm::sys::fs::create_directories(dir))
      return fail<TlCompileResult>(error, "cannot create " + dir + ": " +
                                              ec.message());
    if (failed(writeFile(path, str(configsJson), message)))
      return fail<TlCompileResult>(error, message);
    resolved->expand.configsFile = path;
  }
  std::optional<ParCompileResult> result = parCompile(*resolved, dir, message);
  if (!result)
    return fail<TlCompileResult>(error, message);
  return TlCompileResult{new Compiled{std::move(*result)}};
}

void tlCompileResultDestroy(TlCompileResult r) { delete &unwrap(r); }
bool tlCompileResultIsNull(TlCompileResult r) { return !r.ptr; }
intptr_t tlCompileResultGetNumKernels(TlCompileResult r) {
  return static_cast<intptr_t>(unwrap(r).result.kernels.size());
}

/// Kernel `i`'s field, or an empty string out of range.
template <typename Field>
static MlirStringRef kernelField(TlCompileResult r, intptr_t i, Field field) {
  const std::vector<CompiledKernel> &kernels = unwrap(r).result.kernels;
  if (i < 0 || i >= static_cast<intptr_t>(kernels.size()))
    return mlirStringRefCreate(nullptr, 0);
  return toRef(kernels[i].*field);
}
MlirStringRef tlCompileResultGetName(TlCompileResult r, intptr_t i) {
  return kernelField(r, i, &CompiledKernel::name);
}
MlirStringRef tlCompileResultGetConfig(TlCompileResult r, intptr_t i) {
  return kernelField(r, i, &CompiledKernel::configJson);
}
MlirStringRef tlCompileResultGetDir(TlCompileResult r, intptr_t i) {
  return kernelField(r, i, &CompiledKernel::dir);
}
MlirStringRef tlCompileResultGetError(TlCompileResult r, intptr_t i) {
  return kernelField(r, i, &CompiledKernel::error);
}
