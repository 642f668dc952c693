//===- TuningRunCandidates.cpp - What the scheduler drives ----------------===//
//
// TuningRun's CandidateHost side: the compiles on the thread pool (and the
// records a resumed run restores instead), the workload and one worker per
// device, the device reference.
//
//===----------------------------------------------------------------------===//

#include "TuningRun.h"

#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::tl;

namespace mlir::tl::detail {

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

} // namespace mlir::tl::detail
