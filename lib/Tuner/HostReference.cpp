//===- HostReference.cpp - The outputs candidates are checked against -----===//

#include "tl/Tuner/HostReference.h"

#include "tl/Dialect/TL/IR/TLOps.h"
#include "tl/ParseSource.h"
#include "tl/Runtime/Device.h"
#include "tl/Target/CapturedDiagnostics.h"
#include "tl/Tuner/Expand.h"

#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/SourceMgr.h"

#include <csignal>
#include <fstream>
#include <sys/wait.h>
#include <unistd.h>

using namespace mlir;
using namespace mlir::tl;

HostReference::HostReference(bool needed,
                             std::chrono::steady_clock::time_point since)
    : state(needed ? State::Building : State::Ready), created(since) {
  built = !needed;
}

HostReference::~HostReference() {
  if (builder.joinable())
    builder.join();
  if (pid > 0 && waitpid(pid, nullptr, WNOHANG) == 0) {
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
  }
}

/// Compiles the template of `options.input` with its default parameters
/// for the host into `dir`; false with `error`.
static bool buildReference(const DialectRegistry &registry,
                           const TuneOptions &options,
                           const std::string &hostCpu, const std::string &dir,
                           std::string &error) {
  // Its own context: nothing it loads or uniques races with the compile.
  MLIRContext ctx(registry, MLIRContext::Threading::DISABLED);
  ctx.loadAllAvailableDialects();
  preloadPipelineDialects(&ctx);
  CapturedDiagnostics diagnostics(&ctx);
  llvm::SourceMgr sourceMgr;
  OwningOpRef<ModuleOp> module =
      parseSourceFileChecked(options.input, sourceMgr, &ctx);
  if (!module) {
    error = "cannot parse " + options.input + " again";
    return false;
  }
  module->walk([](FuncOp f) { f.removeConfigsAttr(); });
  TLExpandConfigsOptions expand;
  expand.target = "host";
  expand.instantiate = options.expand.instantiate;
  expand.funcName = options.expand.funcName;
  FailureOr<SmallVector<ModuleOp>> configs = expandConfigs(*module, expand);
  HostCompileOptions host = options.host;
  host.cpu = hostCpu;
  bool ok = succeeded(configs) && configs->size() == 1 &&
            succeeded(compileHostKernel(configs->front(), dir, host, error));
  if (!ok && error.empty())
    error = diagnostics.str();
  return ok;
}

void HostReference::startBuild(const DialectRegistry &registry,
                               const TuneOptions &options,
                               const std::string &hostCpu, std::string dir) {
  if (state != State::Building)
    return;
  this->dir = std::move(dir);
  builder = std::thread([this, &registry, &options, hostCpu] {
    buildOk = buildReference(registry, options, hostCpu, this->dir, buildError);
    built = true;
  });
}

/// Runs the reference build in `dir` on the workload's inputs in a child
/// process that writes the outputs' bytes to the workload's referenceFile;
/// returns the child's pid.
static pid_t startRun(const std::string &dir, const Workload &workload) {
  pid_t pid = fork();
  if (pid != 0)
    return pid;
  std::string e;
  tlrt::KernelInfo info;
  auto device = tlrt::createHostDevice(0);
  if (!tlrt::loadKernelInfo(dir + "/kernel.json", info, e))
    _exit(1);
  auto kernel = device->load(dir, info, e);
  if (!kernel)
    _exit(1);
  std::vector<std::vector<unsigned char>> bufs = workload.hostArgs;
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

bool HostReference::advance(bool wait, const WorkloadFor &workloadFor,
                            std::string &error) {
  if (state == State::Building) {
    if (!wait && !built)
      return true;
    if (builder.joinable())
      builder.join();
    if (!buildOk) {
      error = "cannot build the host reference (the template with its "
              "default parameters): " +
              buildError + "; give --ref files or --skip-check";
      return false;
    }
    const Workload *workload = workloadFor(dir + "/kernel.json", error);
    if (!workload)
      return false;
    pid = startRun(dir, *workload);
    state = State::Running;
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
    readyAfter = std::chrono::duration<double>(
                     std::chrono::steady_clock::now() - created)
                     .count();
  }
  return true;
}
