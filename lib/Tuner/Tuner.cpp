//===- Tuner.cpp - Compile, benchmark, validate, pick, cache --------------===//
//
// tune() as one TuningRun: probe the device, parse and expand the template,
// answer from the cache when the key is known, else compile the configs the
// search strategy proposes on the thread pool while the scheduler runs them
// in a worker and the reference is built, then store the result. Each phase
// is a method of TuningRun (TuningRun.h; what the scheduler drives is in
// TuningRunCandidates.cpp); the phases' own logic lives in the files
// Tuner.h lists.
//
// A run that can cache works in <tmp>/resume/<key>/ and journals each
// record that settles there (Journal.h), so that a killed run resumes.
//
//===----------------------------------------------------------------------===//

#include "TuningRun.h"

#include "tl/InitAll.h"
#include "tl/Tuner/ParCompile.h"
#include "tl/Tuner/ResultFiles.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

#include <fstream>

using namespace mlir;
using namespace mlir::tl;

namespace {

/// In-process cache: key -> result.
std::mutex memoryMutex;
std::map<std::string, TuneResult> &memoryCache() {
  static std::map<std::string, TuneResult> cache;
  return cache;
}

} // namespace

namespace mlir::tl::detail {

TuningRun::~TuningRun() {
  diagnostics.reset();
  workers.clear();
  reference.reset();
  // What is kept was copied to the cache or --output; an abandoned compile
  // may still write into the work directory.
  if (!workDir.empty() && (!session || !session->stillRunning())) {
    if (journal)
      journal->remove();
    else
      llvm::sys::fs::remove_directories(workDir);
  }
  journal.reset();
  CompileSession::leakIfRunning(session);
}

bool TuningRun::probe(std::string &error) {
  std::optional<ProbedDevice> device =
      probed ? probed : probeDevice(options.target, cache, error);
  if (!device)
    return false;
  runsOn = device->target;
  // --target auto let --mma name either GPU's instructions: this one's?
  if (options.target == Target::Auto && runsOn != Target::Host)
    if (std::optional<std::string> bad =
            checkMma(runsOn, runsOn == Target::Hip ? options.hip.mma
                                                   : options.cuda.mma)) {
      error =
          *bad + " (--target auto found a " + targetName(runsOn) + " device)";
      return false;
    }
  std::string note;
  std::optional<std::vector<int>> chosen =
      selectDevices(options.devices, device->devices, note, error);
  if (!chosen)
    return false;
  if (!note.empty())
    llvm::errs() << "tl-tune: " << note << "\n";
  ordinals = *chosen;
  // Timings are cached per device model: the chosen devices are one.
  const tlrt::DeviceFingerprint &model = device->devices[ordinals.front()];
  if (runsOn == Target::Cuda && options.cuda.chip.empty()) {
    // The chip the device is, unless --chip says otherwise.
    std::optional<std::string> chip = cudaChipFor(model.computeCapability);
    if (!chip) {
      error = "--target cuda: " + model.name + " is compute capability " +
              model.computeCapability +
              ", which TileMLIR has no target for; give --chip sm_80, sm_86, "
              "sm_89 or sm_90a to compile for one of those";
      return false;
    }
    options.cuda.chip = *chip;
  }
  if (runsOn == Target::Hip && options.hip.chip.empty()) {
    // The chip the device is, unless --chip says otherwise.
    options.hip.chip = model.computeCapability;
    if (!llvm::StringRef(options.hip.chip).starts_with("gfx")) {
      error = "--target hip: the ISA of " + model.name +
              " is not known (no /sys/class/kfd topology); give --chip "
              "gfx90a, gfx942, ...";
      return false;
    }
  }
  if (!options.outputDir.empty() &&
      failed(checkOutputDir(options.outputDir, error)))
    return false;
  // Host code is compiled for an x86-64 level, part of the key: a binary
  // runs on every CPU of its level and is reused there.
  FailureOr<std::string> cpu = resolveHostCpu(options.host.cpu, error);
  if (failed(cpu))
    return false;
  hostCpu = *cpu;
  result.device = model;
  result.devices = ordinals;
  result.target = tuningExpansion(options, runsOn).target;
  phaseEnded("probe");
  return true;
}

bool TuningRun::parseAndExpand(std::string &error) {
  registerAllDialects(registry);
  registerAllPasses();
  std::optional<unsigned> jobs = compileJobs(options.jobs, error);
  if (!jobs)
    return false;
  session = std::make_unique<CompileSession>(registry, *jobs);
  MLIRContext &ctx = session->ctx;
  diagnostics = std::make_unique<CollectedDiagnostics>(&ctx, options.input);
  FailureOr<SmallVector<ModuleOp>> expanded = mlir::tl::parseAndExpand(
      options.input, &ctx, session->module, tuningExpansion(options, runsOn),
      *diagnostics, error, [&](ModuleOp parsed) {
        llvm::raw_string_ostream os(templateIR);
        parsed.print(os, OpPrintingFlags().printGenericOpForm());
        return success();
      });
  if (failed(expanded))
    return false;
  configs = std::move(*expanded);
  if (configs.empty()) {
    error = "No configurations to tune: " + options.input +
            " has no template to expand (a tl.func with params)";
    return false;
  }
  phaseEnded("expand");
  return true;
}

/// The result of the same tuning from memory or the disk cache; a damaged
/// entry is removed (and said so), to be rebuilt.
std::optional<TuneResult> TuningRun::lookUp() {
  KeyInputs inputs;
  inputs.templateIR = templateIR;
  for (ModuleOp config : configs)
    llvm::raw_string_ostream(inputs.configs)
        << config.getSymName().value_or("") << " "
        << config->getAttr("tl.config") << "\n";
  inputs.target = runsOn;
  inputs.hostCpu = hostCpu;
  inputs.device = result.device;
  key = tuningKey(options, inputs);
  keyHex = key.hex();
  if (!cache.disableAll) {
    std::lock_guard<std::mutex> lock(memoryMutex);
    auto it = memoryCache().find(keyHex);
    if (it != memoryCache().end()) {
      TuneResult hit = it->second;
      hit.fromCache = true;
      return finished(hit);
    }
  }
  LookupResult lookup = lookupEntry(cache, keyHex);
  if (lookup.status == LookupStatus::Hit) {
    TuneResult hit = result;
    hit.fromCache = true;
    hit.cacheEntry = hit.bestDir = lookup.dir;
    std::string why;
    if (readResultFiles(lookup.files, hit.candidates, hit.best, why))
      return finished(hit);
    // Consistent with its manifest but not a sound result: rebuilt.
    lookup.status = LookupStatus::Damaged;
    lookup.reason = why;
    removeCacheEntry(cache, lookup.dir);
  }
  if (lookup.status == LookupStatus::Damaged)
    llvm::errs() << "tl-tune: cache entry " << keyHex << " was damaged ("
                 << lookup.reason << "); it was removed and is rebuilt\n";
  return std::nullopt;
}

/// <tmp>/resume/<key>/ when the run can cache and no other tuner of the
/// same key holds it, else a directory of its own.
bool TuningRun::makeWorkDir(std::string &error) {
  if (cache.diskEnabled()) {
    std::string dir = cache.tmpDir + "/resume/" + keyHex;
    auto resumed = std::make_unique<ResumeJournal>();
    if (resumed->open(dir, [&](size_t i) {
          return i < configs.size() ? configJson(configs[i]) : std::string();
        })) {
      journal = std::move(resumed);
      workDir = dir;
      if (size_t n = journal->restored().size())
        llvm::errs() << "tl-tune: resuming an interrupted tuning: " << n
                     << " of " << configs.size()
                     << " configs' records restored from " << dir
                     << "/journal.jsonl\n";
      return true;
    }
  }
  llvm::SmallString<128> work;
  llvm::sys::fs::create_directories(cache.tmpDir);
  if (llvm::sys::fs::createUniqueDirectory(cache.tmpDir + "/run", work) &&
      llvm::sys::fs::createUniqueDirectory("tl-tune", work)) {
    error = "cannot create a work directory in " + cache.tmpDir +
            " or the system's temporary directory";
    return false;
  }
  workDir = std::string(work);
  return true;
}

void TuningRun::keepVisited() {
  std::vector<CandidateRecord> kept;
  std::vector<std::string> keptDirs, keptIrs;
  for (size_t i = 0; i < result.candidates.size(); ++i) {
    if (result.candidates[i].status == CandidateStatus::Pending)
      continue;
    kept.push_back(std::move(result.candidates[i]));
    keptDirs.push_back(std::move(dirs[i]));
    keptIrs.push_back(std::move(irs[i]));
  }
  result.candidates = std::move(kept);
  dirs = std::move(keptDirs);
  irs = std::move(keptIrs);
}

void TuningRun::writeLog() {
  std::ofstream log(options.logFile, std::ios::app);
  for (const CandidateRecord &c : result.candidates)
    log << recordLine(c) << "\n";
}

/// Stores the result in the cache and in --output.
bool TuningRun::store(std::string &error) {
  const CandidateRecord &best = result.candidates[result.best];
  ResultFiles files = makeResultFiles(result.candidates, result.best,
                                      dirs[result.best], irs[result.best], key);
  result.bestDir.clear(); // the work directory goes away
  if (cache.diskEnabled()) {
    std::string storeError;
    if (std::optional<std::string> entry =
            storeEntry(cache, keyHex, files, storeError))
      result.cacheEntry = result.bestDir = *entry;
    else
      llvm::errs() << "tl-tune: not cached: " << storeError << "\n";
  }
  if (!options.outputDir.empty()) {
    std::string saveError;
    if (failed(saveResult(options.outputDir, files, saveError))) {
      error = "tuned (best: " + best.configJson + ", " +
              llvm::formatv("{0:F4}", best.medianMs).str() + " ms" +
              (result.cacheEntry.empty() ? ""
                                         : "; cached in " + result.cacheEntry) +
              ") but not saved: " + saveError;
      return false;
    }
    if (result.bestDir.empty())
      result.bestDir = options.outputDir;
  }
  phaseEnded("store");
  if (!cache.disableAll) {
    std::lock_guard<std::mutex> lock(memoryMutex);
    memoryCache()[keyHex] = result;
  }
  return true;
}

std::optional<TuneResult> TuningRun::run(std::string &error) {
  if (!probe(error) || !parseAndExpand(error))
    return std::nullopt;
  if (std::optional<TuneResult> hit = lookUp())
    return hit;
  if (!startCompiles(error))
    return std::nullopt;
  SchedulePolicy policy = SchedulePolicy::from(
      options.profile, /*overlap=*/gpu(), options.compileTimeoutSeconds);
  policy.externalCheck = static_cast<bool>(options.checkOutputs);
  // --reference none without --ref files: nothing to compare with.
  if (options.profile.reference == ReferenceKind::None &&
      options.profile.refFiles.empty())
    policy.check = false;
  const SearchOptions &search = options.search;
  std::unique_ptr<SearchStrategy> strategy =
      makeStrategy(search, knobTable(configs), options.profile.seed, error);
  if (!strategy)
    return std::nullopt;
  policy.budget = search.budget;
  policy.budgetSeconds = search.budgetSeconds;
  policy.halving = search.strategy == "halving";
  // With a time budget, no more compiles in flight than twice the threads,
  // so that the search stops near the deadline.
  if (search.budgetSeconds > 0)
    policy.window = 2 * session->pool.getMaxConcurrency();
  switch (schedule(policy, *strategy, *this, result.candidates, error)) {
  case ScheduleResult::Stopped:
    return std::nullopt;
  case ScheduleResult::NoneCompiled:
    keepVisited();
    error = "every config failed to compile; first error: " +
            result.candidates.front().message;
    writeLog();
    return std::nullopt;
  case ScheduleResult::Done:
    break;
  }
  workers.clear();
  keepVisited();
  result.best = pickBest(result.candidates);
  result.referenceSeconds = reference->readySeconds();
  result.referenceBuiltSeconds = reference->builtSeconds();
  result.referenceKind = referenceName(reference->kind());
  result.abandonedCompiles = session->stillRunning();
  writeLog();
  if (result.best < 0) {
    result.bestDir.clear();
    return finished(result);
  }
  if (!store(error))
    return std::nullopt;
  return finished(result);
}

} // namespace mlir::tl::detail

/// --target hip where no HIP device is: every config is compiled to HSACO
/// for --chip (parCompile's default without one: gfx942; what can be done
/// without an AMD GPU), then
/// the tuning stops, saying why (`noDevice`). The compiles' files are
/// removed with their temporary directory.
static void compileForHipWithoutDevice(const TuneOptions &options,
                                       const std::string &noDevice,
                                       std::string &error) {
  CacheSettings cache = CacheSettings::fromEnvironment(options.cacheDir);
  llvm::SmallString<128> dir;
  llvm::sys::fs::create_directories(cache.tmpDir);
  if (llvm::sys::fs::createUniqueDirectory(cache.tmpDir + "/hip", dir)) {
    error = "cannot create a work directory in " + cache.tmpDir;
    return;
  }
  std::optional<ParCompileResult> compiled =
      parCompile(options, std::string(dir), error);
  llvm::sys::fs::remove_directories(dir);
  if (!compiled)
    return;
  size_t ok = compiled->kernels.size() - compiled->failures();
  error = llvm::formatv("--target hip: compiled {0} of {1} configs for {2} to "
                        "HSACO in {3:F2} s; nothing was timed or checked: no "
                        "HIP device is available ({4}); `tl-compile --target "
                        "hip --chip {2} -o DIR` keeps the code objects",
                        ok, compiled->kernels.size(), compiled->target,
                        compiled->seconds, noDevice)
              .str();
  for (const CompiledKernel &k : compiled->kernels)
    if (!k.ok) {
      error += "; first compile error (" + k.name + "): " + k.error;
      break;
    }
}

std::optional<TuneResult> mlir::tl::tune(const TuneOptions &options,
                                         std::string &error) {
  if (std::optional<std::string> bad = checkRanges(options)) {
    error = *bad;
    return std::nullopt;
  }
  // --target hip: the devices are probed here, once, to choose between
  // tuning and compiling only.
  std::optional<ProbedDevice> probed;
  if (options.target == Target::Hip) {
    std::string noDevice;
    std::vector<tlrt::DeviceFingerprint> devices = hipFingerprints(noDevice);
    if (devices.empty()) {
      compileForHipWithoutDevice(options, noDevice, error);
      return std::nullopt;
    }
    probed = ProbedDevice{Target::Hip, std::move(devices)};
  }
  return detail::TuningRun(options, std::move(probed)).run(error);
}
