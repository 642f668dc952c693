//===- Tuner.cpp - Compile, benchmark, validate, pick, cache --------------===//
//
// tune() as one TuningRun: probe the device, parse and expand the template,
// answer from the cache when the key is known, else compile the configs the
// search strategy proposes on the thread pool while the scheduler runs them
// in a worker and the reference is built, then store the result. Each phase
// is a method; the phases' own logic lives in the files Tuner.h lists.
//
// A run that can cache works in <tmp>/resume/<key>/ and journals each
// record that settles there (Journal.h), so that a killed run resumes.
//
//===----------------------------------------------------------------------===//

#include "tl/Tuner/Tuner.h"

#include "tl/InitAll.h"
#include "tl/Tuner/Cache.h"
#include "tl/Tuner/CompileSession.h"
#include "tl/Tuner/DeviceProbe.h"
#include "tl/Tuner/Expand.h"
#include "tl/Tuner/Journal.h"
#include "tl/Tuner/ParCompile.h"
#include "tl/Tuner/ReferenceRun.h"
#include "tl/Tuner/ResultFiles.h"
#include "tl/Tuner/Scheduler.h"
#include "tl/Tuner/TuningKey.h"
#include "tl/Tuner/Worker.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

#include <deque>
#include <fstream>
#include <mutex>

using namespace mlir;
using namespace mlir::tl;

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

/// In-process cache: key -> result.
std::mutex memoryMutex;
std::map<std::string, TuneResult> &memoryCache() {
  static std::map<std::string, TuneResult> cache;
  return cache;
}

/// One tuning, from the options to the result.
class TuningRun : public CandidateHost {
public:
  /// `probed`: the devices, when the caller probed them already.
  TuningRun(const TuneOptions &options, std::optional<ProbedDevice> probed)
      : options(options), probed(std::move(probed)), started(Clock::now()),
        phaseStarted(started),
        cache(CacheSettings::fromEnvironment(options.cacheDir)) {
    if (options.noCache)
      cache.disableAutotuner = true;
  }
  ~TuningRun() override;

  std::optional<TuneResult> run(std::string &error);

  // CandidateHost: what the scheduler drives.
  void compile(const std::vector<size_t> &indices) override;
  std::optional<CompileEvent>
  nextCompiled(const std::function<bool()> &idle) override;
  bool prepare(size_t index, std::string &error) override;
  RunReply run(size_t index, const RunRequest &request) override {
    return runOn(0, index, request);
  }
  int devices() override { return static_cast<int>(ordinals.size()); }
  /// From one thread per device (RunPool): each device has its worker.
  RunReply runOn(int device, size_t index, const RunRequest &request) override {
    RunReply reply = workers[device]->run(dirs[index], request);
    std::call_once(firstRun,
                   [&] { result.firstRunSeconds = secondsSince(started); });
    return reply;
  }
  double gemmFlops(size_t index) override { return flops[index]; }
  bool advanceReference(bool wait, std::string &error) override {
    return reference->advance(
        wait,
        [this](const std::string &kernelJson, std::string &e) {
          return ensureWorkload(kernelJson, e);
        },
        [this](const std::string &dir, std::string &e) {
          return runDeviceReference(dir, e);
        },
        error);
  }
  bool referenceReady() override { return reference->ready(); }
  bool externalVerdict(size_t index, std::string &why) override {
    return options.checkOutputs(index, dirs[index] + "/outputs.bin", why);
  }
  void progress(const std::string &phase, size_t done, size_t total) override {
    if (options.progress)
      options.progress(phase, done, total);
  }
  void phaseEnded(const std::string &phase) override {
    result.phases.emplace_back(phase, secondsSince(phaseStarted));
    phaseStarted = Clock::now();
  }
  void settled(size_t index, const CandidateRecord &record) override;

private:
  bool probe(std::string &error);
  bool parseAndExpand(std::string &error);
  std::optional<TuneResult> lookUp();
  bool makeWorkDir(std::string &error);
  bool startCompiles(std::string &error);
  bool store(std::string &error);
  const Workload *ensureWorkload(const std::string &kernelJson,
                                 std::string &error);
  bool ensureWorker(std::string &error);
  bool runDeviceReference(const std::string &dir, std::string &error);
  void writeLog();
  /// Drops the records of the configs the strategy never proposed; `dirs`
  /// and `irs` follow.
  void keepVisited();
  TuneResult finished(TuneResult r) {
    r.tuningSeconds = secondsSince(started);
    return r;
  }

  /// A copy: the probe settles what was left to the device (the chip).
  TuneOptions options;
  std::optional<ProbedDevice> probed;
  Clock::time_point started, phaseStarted;
  CacheSettings cache;
  TuneResult result;
  /// Where candidates run: Cuda, Hip or Host (probed).
  Target runsOn = Target::Host;
  bool gpu() const { return runsOn != Target::Host; }
  std::string hostCpu;
  DialectRegistry registry;
  /// On the heap: see CompileSession (leaked while a compile still runs).
  std::unique_ptr<CompileSession> session;
  /// The parse's and the expansion's errors and remarks.
  std::unique_ptr<CollectedDiagnostics> diagnostics;
  SmallVector<ModuleOp> configs;
  std::string templateIR;
  CacheKey key;
  std::string keyHex;
  std::string workDir;
  std::vector<std::string> dirs, irs; // per config
  std::vector<double> flops;          // per config
  /// Resuming: the journal (when the work directory is the resume one),
  /// and the restored configs asked for, not yet handed to the scheduler.
  std::unique_ptr<ResumeJournal> journal;
  std::deque<size_t> restoredQueue;
  /// The workload and what a worker needs besides.
  WorkerSetup setup;
  bool haveWorkload = false;
  /// The devices candidates run on (--devices: ordinals of one model) and
  /// a worker on each, in that order.
  std::vector<int> ordinals = {0};
  std::vector<std::unique_ptr<Worker>> workers;
  std::once_flag firstRun;
  std::unique_ptr<ReferenceRun> reference;
};

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

void TuningRun::settled(size_t index, const CandidateRecord &record) {
  if (journal)
    journal->append(record);
}

bool TuningRun::startCompiles(std::string &error) {
  if (!makeWorkDir(error))
    return false;
  preloadPipelineDialects(&session->ctx);
  // The host reference builds on its own thread while the candidates
  // compile.
  const ProfileOptions &profile = options.profile;
  ReferenceKind kind = profile.reference;
  if (profile.skipCheck || !profile.refFiles.empty())
    kind = ReferenceKind::None;
  if (kind == ReferenceKind::Auto) // see ReferenceKind
    kind = gpu() ? ReferenceKind::Device : ReferenceKind::Host;
  if (kind == ReferenceKind::Device && !gpu()) {
    error = "--reference device needs a GPU target; this tuning runs on the "
            "host (use --reference host or auto)";
    return false;
  }
  reference = std::make_unique<ReferenceRun>(kind, started);
  reference->startBuild(registry, options, runsOn, hostCpu,
                        workDir + "/reference");
  setup.work.referenceFile = workDir + "/reference.bin";

  // Every config's name, config and IR, recorded before the compiles start
  // (printing while other threads compile would race with them).
  size_t n = configs.size();
  result.candidates.resize(n);
  dirs.resize(n);
  irs.resize(n);
  flops.assign(n, 0);
  for (size_t i = 0; i < n; ++i) {
    CandidateRecord &r = result.candidates[i];
    r.index = static_cast<int>(i);
    r.name = configs[i].getSymName().value_or("kernel").str();
    r.configJson = configJson(configs[i]);
    llvm::raw_string_ostream ir(irs[i]);
    configs[i].print(ir, OpPrintingFlags().useLocalScope());
    dirs[i] = workDir + "/" + std::to_string(i);
  }

  // The task captures nothing of this object: an abandoned one may outlive
  // it.
  HostCompileOptions host = options.host;
  host.cpu = hostCpu;
  session->prepare(
      n, [configs = std::vector<ModuleOp>(configs.begin(), configs.end()),
          dirs = dirs,
          how = CompileTarget{runsOn, options.cuda, options.hip, host},
          timeout = options.compileTimeoutSeconds](size_t i) {
        auto t0 = Clock::now();
        Deadline deadline =
            timeout > 0 ? t0 + std::chrono::duration_cast<Clock::duration>(
                                   std::chrono::duration<double>(timeout))
                        : kNoDeadline;
        CompileSession::Outcome outcome;
        outcome.ok = succeeded(
            compileConfig(configs[i], dirs[i], how, deadline, outcome.message));
        outcome.seconds = secondsSince(t0);
        return outcome;
      });
  return true;
}

void TuningRun::compile(const std::vector<size_t> &indices) {
  std::vector<size_t> toCompile;
  for (size_t i : indices)
    if (journal && journal->restored().count(i))
      restoredQueue.push_back(i);
    else
      toCompile.push_back(i);
  session->request(toCompile);
}

std::optional<CompileEvent>
TuningRun::nextCompiled(const std::function<bool()> &idle) {
  if (!restoredQueue.empty()) {
    CompileEvent e;
    e.index = restoredQueue.front();
    restoredQueue.pop_front();
    e.ok = true;
    e.restored = journal->restored().at(e.index);
    tlrt::KernelInfo info;
    std::string ignored;
    if (tlrt::loadKernelInfo(dirs[e.index] + "/kernel.json", info, ignored))
      flops[e.index] = static_cast<double>(info.gemmFlops);
    return e;
  }
  double timeout = options.compileTimeoutSeconds;
  std::optional<CompileSession::Event> event =
      session->next(timeout > 0 ? timeout : 1e300, idle);
  if (!event)
    return std::nullopt;
  CompileEvent e;
  e.index = event->index;
  e.timedOut = event->timedOut;
  if (e.timedOut)
    return e;
  CompileSession::Outcome outcome = session->outcome(e.index);
  e.ok = outcome.ok;
  e.message = outcome.message;
  e.seconds = outcome.seconds;
  tlrt::KernelInfo info;
  std::string ignored;
  if (e.ok &&
      tlrt::loadKernelInfo(dirs[e.index] + "/kernel.json", info, ignored))
    flops[e.index] = static_cast<double>(info.gemmFlops);
  return e;
}

const Workload *TuningRun::ensureWorkload(const std::string &kernelJson,
                                          std::string &error) {
  if (!haveWorkload) {
    haveWorkload =
        buildWorkload(options.profile, kernelJson, setup.work, error);
  }
  return haveWorkload ? &setup.work : nullptr;
}

bool TuningRun::prepare(size_t index, std::string &error) {
  // The inputs, from the first kernel.json there is: the reference's or a
  // candidate's (the same template, the same arguments).
  return ensureWorkload(dirs[index] + "/kernel.json", error) &&
         ensureWorker(error);
}

bool TuningRun::ensureWorker(std::string &error) {
  if (!workers.empty())
    return true;
  setup.device = targetName(runsOn); // "cuda", "hip" or "host"
  setup.hostThreads = options.profile.hostThreads;
  setup.tolerance = options.profile.tolerance;
  // Workers are tl-worker processes when it is there (see Worker.h).
  std::string executable = findCompanionTool("tl-worker"), setupFile;
  if (!executable.empty()) {
    setupFile = workDir + "/worker-setup.bin";
    if (!writeWorkerSetup(setup, setupFile, error))
      return false;
  }
  // One worker per device, each set up (its device, the inputs it
  // generates) while configs compile.
  for (int ordinal : ordinals) {
    workers.push_back(std::make_unique<Worker>(
        setup, ordinal, options.profile.timeoutSeconds, executable, setupFile));
    if (!workers.back()->start()) {
      error = "cannot start a worker process";
      return false;
    }
  }
  return true;
}

bool TuningRun::runDeviceReference(const std::string &dir, std::string &error) {
  if (!ensureWorker(error))
    return false;
  RunRequest request;
  request.reference = true;
  RunReply reply = workers.front()->run(dir, request);
  if (reply.status == CandidateStatus::Ok)
    return true;
  error = "the device reference (the template with its default parameters, "
          "no tensor cores) failed: " +
          reply.message +
          "; give --ref files, --reference host or --skip-check";
  return false;
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

} // namespace

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
  return TuningRun(options, std::move(probed)).run(error);
}
