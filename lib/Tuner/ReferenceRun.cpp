//===- ReferenceRun.cpp - The outputs candidates are checked against -----===//

#include "tl/Tuner/ReferenceRun.h"

#include "tl/Dialect/TL/IR/TLOps.h"
#include "tl/Runtime/Device.h"
#include "tl/Tuner/ChildProcess.h"
#include "tl/Tuner/CompileSession.h"
#include "tl/Tuner/Expand.h"
#include "tl/Tuner/TuningKey.h"

#include "mlir/IR/MLIRContext.h"

#include <csignal>
#include <fstream>
#include <sys/wait.h>
#include <unistd.h>

using namespace mlir;
using namespace mlir::tl;

ReferenceRun::ReferenceRun(ReferenceKind kind,
                           std::chrono::steady_clock::time_point since)
    : state(kind == ReferenceKind::None ? State::Ready : State::Building),
      which(kind), created(since) {
  built = kind == ReferenceKind::None;
}

ReferenceRun::~ReferenceRun() {
  if (builder.joinable())
    builder.join();
  if (pid > 0 && waitpid(pid, nullptr, WNOHANG) == 0) {
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
  }
}

/// Compiles the template of `options.input` with its default parameters
/// into `dir`: for the GPU `device` (Cuda or Hip) with no tensor cores, or
/// (Host) for the host; false with `error`.
static bool buildReference(const DialectRegistry &registry,
                           const TuneOptions &options, Target device,
                           const std::string &hostCpu, const std::string &dir,
                           std::string &error) {
  // Its own context: nothing it loads or uniques races with the compile.
  MLIRContext ctx(registry, MLIRContext::Threading::DISABLED);
  ctx.loadAllAvailableDialects();
  preloadPipelineDialects(&ctx);
  CollectedDiagnostics diagnostics(&ctx, options.input);
  TLExpandConfigsOptions expand;
  expand.target = tuningExpansion(options, device).target;
  expand.instantiate = options.expand.instantiate;
  expand.funcName = options.expand.funcName;
  OwningOpRef<ModuleOp> module;
  FailureOr<SmallVector<ModuleOp>> configs =
      parseAndExpand(options.input, &ctx, module, expand, diagnostics, error,
                     [](ModuleOp parsed) {
                       parsed.walk([](FuncOp f) { f.removeConfigsAttr(); });
                       return success();
                     });
  bool ok = succeeded(configs) && configs->size() == 1;
  if (ok) {
    CompileTarget how{device, options.cuda, options.hip, options.host};
    how.cuda.mma = how.hip.mma = "simt";
    how.host.cpu = hostCpu;
    ok = succeeded(
        compileConfig(configs->front(), dir, how, kNoDeadline, error));
  }
  if (!ok && error.empty())
    error = diagnostics.errors();
  return ok;
}

void ReferenceRun::startBuild(const DialectRegistry &registry,
                              const TuneOptions &options, Target gpu,
                              const std::string &hostCpu, std::string dir) {
  if (state != State::Building)
    return;
  this->dir = std::move(dir);
  Target device = which == ReferenceKind::Device ? gpu : Target::Host;
  builder = std::thread([this, &registry, &options, device, hostCpu] {
    buildOk = buildReference(registry, options, device, hostCpu, this->dir,
                             buildError);
    builtAfter = std::chrono::duration<double>(
                     std::chrono::steady_clock::now() - created)
                     .count();
    built = true;
  });
}

/// Runs the reference build in `dir` on the workload's inputs in a child
/// process that writes the outputs' bytes to the workload's referenceFile;
/// returns the child's pid.
static pid_t startRun(const std::string &dir, const Workload &workload) {
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid != 0)
    return pid;
  dieWithParent(parent);
  std::string e;
  tlrt::KernelInfo info;
  auto device = tlrt::createHostDevice(0);
  if (!tlrt::loadKernelInfo(dir + "/kernel.json", info, e))
    _exit(1);
  auto kernel = device->load(dir, info, e);
  if (!kernel)
    _exit(1);
  // The inputs are made here, in the child: the tuner holds none.
  std::vector<std::vector<unsigned char>> bufs(info.args.size());
  for (size_t i = 0; i < info.args.size(); ++i)
    if (info.args[i].isTensor) {
      const unsigned char *bytes = workload.initialBytes(i, bufs[i]);
      if (bytes != bufs[i].data())
        bufs[i].assign(bytes, bytes + info.args[i].byteSize());
    }
  ArgumentBinding binding;
  if (!binding.bind(
          info, [&](size_t i) { return bufs[i].data(); },
          [&](size_t i) { return workload.scalarValues[i]; }) ||
      !kernel->run(binding.argv(), e))
    _exit(1);
  const std::string &path = workload.referenceFile;
  std::string part = path + ".part";
  {
    std::ofstream out(part, std::ios::binary);
    for (size_t o : workload.outputs)
      out.write(reinterpret_cast<const char *>(bufs[o].data()), bufs[o].size());
    if (!out)
      _exit(1);
  }
  _exit(std::rename(part.c_str(), path.c_str()) == 0 ? 0 : 1);
}

bool ReferenceRun::advance(bool wait, const WorkloadFor &workloadFor,
                           const RunOnDevice &runOnDevice, std::string &error) {
  bool device = which == ReferenceKind::Device;
  if (state == State::Building) {
    if (!wait && !built)
      return true;
    if (builder.joinable())
      builder.join();
    if (!buildOk) {
      error = std::string("cannot build the ") + (device ? "device" : "host") +
              " reference (the template with its default parameters): " +
              buildError + "; give --ref files or --skip-check";
      return false;
    }
    const Workload *workload = workloadFor(dir + "/kernel.json", error);
    if (!workload)
      return false;
    if (device) {
      if (!runOnDevice(dir, error))
        return false;
      state = State::Ready;
    } else {
      pid = startRun(dir, *workload);
      state = State::Running;
    }
  }
  if (state == State::Running) {
    int status = 0;
    pid_t done = waitpid(pid, &status, wait ? 0 : WNOHANG);
    if (done == 0)
      return true;
    pid = -1;
    if (done < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      error = "the host reference failed to run; give --ref files or "
              "--skip-check";
      return false;
    }
    state = State::Ready;
  }
  if (state == State::Ready && readyAfter == 0 && which != ReferenceKind::None)
    readyAfter = std::chrono::duration<double>(
                     std::chrono::steady_clock::now() - created)
                     .count();
  return true;
}
