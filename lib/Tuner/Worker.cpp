//===- Worker.cpp - A process that runs candidates ------------------------===//

#include "tl/Tuner/Worker.h"

#include "tl/Runtime/Device.h"
#include "tl/Tuner/ChildProcess.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <poll.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace mlir::tl;

namespace {

/// The byte outputs are filled with before each run: NaN in every float
/// type, so that elements a kernel leaves unwritten fail the check.
constexpr unsigned char kPoison = 0xFF;

/// What a worker does for one request; lives in the child.
class WorkerState {
public:
  WorkerState(const WorkerSetup &s, int ordinal)
      : work(s.work), setup(s), ordinal(ordinal), gpu(s.device != "host"),
        reference(s.work.reference) {}
  ~WorkerState() {
    for (void *p : hostOutputs)
      if (p)
        device->releaseHost(p);
  }

  /// The device, one buffer per tensor and a pristine copy of every input;
  /// an error message, or empty. Generated inputs are made while the device
  /// is set up (a CUDA context takes a while).
  std::string setUp() {
    const auto &args = work.signature.args;
    std::vector<std::vector<unsigned char>> scratch(args.size());
    std::vector<const unsigned char *> initial(args.size(), nullptr);
    std::thread generator([&] {
      for (size_t i = 0; i < args.size(); ++i)
        if (args[i].isTensor && !work.isOutput(i))
          initial[i] = work.initialBytes(i, scratch[i]);
    });
    std::string error;
    device =
        tlrt::createDevice(setup.device, ordinal, setup.hostThreads, error);
    generator.join();
    if (!device)
      return error;
    bool bound = binding.bind(
        work.signature,
        [&](size_t i) -> void * {
          void *buffer = device->allocate(args[i].byteSize(), error);
          if (!buffer || work.isOutput(i))
            return buffer;
          void *copy = device->allocate(args[i].byteSize(), error);
          if (!copy || !device->copyToDevice(copy, initial[i],
                                             args[i].byteSize(), error))
            return nullptr;
          pristine[i] = copy;
          return buffer;
        },
        [&](size_t i) { return work.scalarValues[i]; });
    return bound ? "" : error;
  }

  /// Loads candidate `dir`, runs it once on fresh inputs, checks it, times
  /// it.
  RunReply runCandidate(const std::string &dir, const RunRequest &req) {
    std::string error;
    tlrt::KernelInfo info;
    if (!tlrt::loadKernelInfo(dir + "/kernel.json", info, error))
      return fail(error);
    if (!sameSignature(info))
      return fail("the candidate's arguments differ from the others'");
    auto kernel = device->load(dir, info, error);
    if (!kernel || !upload(error) || !kernel->run(binding.argv(), error))
      return fail(error);
    // The outputs are copied back, then compared while the GPU times the
    // candidate (on the host, after: the CPU is what is being timed).
    std::vector<tlrt::CompareResult> checks(req.check ? work.outputs.size()
                                                      : 0);
    std::thread checker;
    struct Join {
      std::thread &t;
      ~Join() {
        if (t.joinable())
          t.join();
      }
    } join{checker};
    if (req.reference) {
      // The device reference: its outputs are what candidates are checked
      // against, in this worker and in any that replaces it.
      if (!copyOutputsBack(/*withReference=*/false, error))
        return fail(error);
      // A reference that left outputs unwritten would pass every candidate
      // that does the same (the poison is NaN, and NaN matches NaN).
      for (size_t o = 0; o < work.outputs.size(); ++o)
        if (size_t n = unwritten(o))
          return fail(llvm::formatv(
              "it left {0} of {1} elements of output "
              "{2} unwritten",
              n, work.signature.args[work.outputs[o]].numElements(),
              work.outputs[o]));
      if (!dumpOutputs(work.referenceFile, error))
        return fail(error);
      // Kept here too: this worker's checks need not read the file back.
      reference.clear();
      for (void *p : deviceReference)
        device->release(p);
      deviceReference.clear();
      for (size_t o = 0; o < work.outputs.size(); ++o) {
        const tlrt::ArgInfo &a = work.signature.args[work.outputs[o]];
        auto *bytes = static_cast<const unsigned char *>(hostOutputs[o]);
        reference.push_back(
            {a.dtype, std::vector<unsigned char>(bytes, bytes + a.byteSize())});
      }
      RunReply reply;
      reply.status = CandidateStatus::Ok;
      return reply;
    }
    if (req.dumpOutputs && (!copyOutputsBack(/*withReference=*/false, error) ||
                            !dumpOutputs(dir + "/outputs.bin", error)))
      return fail(error);
    bool onDevice = false;
    if (req.check && !checkOnDevice(checks, onDevice, error))
      return fail(error);
    if (req.check && !onDevice) {
      if (!copyOutputsBack(/*withReference=*/true, error))
        return fail(error);
      if (gpu)
        checker = std::thread([&] { compareAll(checks); });
      else
        compareAll(checks);
    }
    RunReply reply;
    reply.status = CandidateStatus::Ok;
    // (On a GPU the comparison is still running.)
    bool knownWrong = !checker.joinable() &&
                      llvm::any_of(checks, [](const tlrt::CompareResult &r) {
                        return !r.passed;
                      });
    if (req.timed() && !knownWrong && !time(*kernel, req, reply.samples, error))
      return fail(error);
    if (checker.joinable())
      checker.join();
    for (size_t o = 0; o < checks.size(); ++o) {
      reply.check = checks[o];
      if (!checks[o].passed) {
        reply.samples.clear();
        reply.status = CandidateStatus::CheckFailed;
        reply.message = "output " + std::to_string(work.outputs[o]) + ": " +
                        checks[o].summary();
        return reply;
      }
    }
    return reply;
  }

  /// An error reply (also for a worker whose device could not be set up).
  RunReply fail(const std::string &message) {
    RunReply r = RunReply::failure(CandidateStatus::Error, message);
    // A failed launch can leave a GPU context unusable (an illegal address
    // poisons it): start the next candidate in a fresh worker.
    r.restart = gpu;
    return r;
  }

private:
  bool sameSignature(const tlrt::KernelInfo &info) {
    if (info.args.size() != work.signature.args.size())
      return false;
    for (size_t i = 0; i < info.args.size(); ++i)
      if (info.args[i].dtype != work.signature.args[i].dtype ||
          info.args[i].shape != work.signature.args[i].shape)
        return false;
    return true;
  }

  /// Times by counts, or by budgets from an estimate of five runs.
  bool time(tlrt::LoadedKernel &kernel, const RunRequest &req,
            std::vector<double> &samples, std::string &error) {
    int warmup = req.warmup, rep = req.rep;
    if (req.capMs > 0 && req.warmupMs <= 0 && req.repMs <= 0 && rep > 3) {
      // The estimate's run is one of the warm-up runs.
      if (!kernel.time(binding.argv(), 0, 1, samples, error))
        return false;
      double estimate = std::max(samples.front(), 1e-4);
      warmup = std::max(0, warmup - 1);
      rep = std::clamp(static_cast<int>(req.capMs / estimate), 3, rep);
    } else if (req.warmupMs > 0 || req.repMs > 0) {
      if (!kernel.time(binding.argv(), 0, 5, samples, error))
        return false;
      double estimate = std::max(median(samples), 1e-4);
      warmup = std::max(1, static_cast<int>(req.warmupMs / estimate));
      rep = std::max(1, static_cast<int>(req.repMs / estimate));
    }
    return kernel.time(binding.argv(), warmup, rep, samples, error);
  }

  /// Host memory for output `o` (page-locked on GPUs, so that the copy back
  /// runs at full speed), allocated once and reused by every candidate.
  bool copyOutputsBack(bool withReference, std::string &error) {
    if (withReference && !loadReference(error))
      return false;
    hostOutputs.resize(work.outputs.size(), nullptr);
    for (size_t o = 0; o < work.outputs.size(); ++o) {
      size_t arg = work.outputs[o];
      size_t bytes = work.signature.args[arg].byteSize();
      if (!hostOutputs[o])
        hostOutputs[o] = device->allocateHost(bytes, error);
      if (!hostOutputs[o] ||
          !device->copyToHost(hostOutputs[o], binding.pointer(arg), bytes,
                              error))
        return false;
    }
    return true;
  }

  /// The outputs' bytes, one after the other, into `path` (renamed into
  /// place: a reader sees all of them or none).
  bool dumpOutputs(const std::string &path, std::string &error) {
    std::string part = path + ".part";
    {
      std::ofstream out(part, std::ios::binary);
      for (size_t o = 0; o < work.outputs.size(); ++o)
        out.write(static_cast<const char *>(hostOutputs[o]),
                  work.signature.args[work.outputs[o]].byteSize());
      if (!out) {
        error = "cannot write the outputs to " + part;
        return false;
      }
    }
    if (std::rename(part.c_str(), path.c_str()) != 0) {
      error = "cannot rename " + part;
      return false;
    }
    return true;
  }

  /// The check where the outputs are, against the reference uploaded to
  /// the device once; `done` stays false where the device does not compare
  /// (the host, a type it has no kernel for): then the host does.
  bool checkOnDevice(std::vector<tlrt::CompareResult> &checks, bool &done,
                     std::string &error) {
    // TL_WORKER_HOST_COMPARE=1: the host's comparison, to check the two
    // agree (bench/cuda/compare-agree.sh). Only the CUDA device compares.
    static const bool hostOnly = std::getenv("TL_WORKER_HOST_COMPARE");
    bool compares = setup.device == "cuda" && !hostOnly;
    if (!compares || !loadReference(error))
      return !compares;
    for (size_t o = deviceReference.size(); o < reference.size(); ++o) {
      const std::vector<unsigned char> &bytes = reference[o].data;
      void *p = device->allocate(bytes.size(), error);
      if (!p || !device->copyToDevice(p, bytes.data(), bytes.size(), error))
        return false;
      deviceReference.push_back(p);
    }
    for (size_t o = 0; o < checks.size(); ++o) {
      size_t arg = work.outputs[o];
      const tlrt::ArgInfo &a = work.signature.args[arg];
      std::optional<tlrt::CompareResult> r = device->compareOnDevice(
          binding.pointer(arg), a.dtype, deviceReference[o], reference[o].dtype,
          a.numElements(), setup.tolerance, error);
      if (!r)
        return error.empty();
      checks[o] = *r;
    }
    done = true;
    return true;
  }

  void compareAll(std::vector<tlrt::CompareResult> &checks) {
    for (size_t o = 0; o < checks.size(); ++o) {
      const tlrt::ArgInfo &a = work.signature.args[work.outputs[o]];
      checks[o] =
          tlrt::compare(hostOutputs[o], a.dtype, reference[o].data.data(),
                        reference[o].dtype, a.numElements(), setup.tolerance);
    }
  }

  /// The reference outputs, read from the host reference's file the first
  /// time a check needs them.
  bool loadReference(std::string &error) {
    if (!reference.empty())
      return true;
    std::ifstream in(work.referenceFile, std::ios::binary);
    for (size_t o : work.outputs) {
      const tlrt::ArgInfo &a = work.signature.args[o];
      Reference r{a.dtype, std::vector<unsigned char>(a.byteSize())};
      in.read(reinterpret_cast<char *>(r.data.data()), r.data.size());
      reference.push_back(std::move(r));
    }
    if (!in) {
      reference.clear();
      error = "cannot read the reference outputs from " + work.referenceFile;
      return false;
    }
    return true;
  }

  /// How many elements of output `o`, as copied back, still hold the
  /// poison upload() wrote (every byte 0xFF: no computed value is that).
  size_t unwritten(size_t o) const {
    const tlrt::ArgInfo &a = work.signature.args[work.outputs[o]];
    size_t count = a.numElements();
    size_t width = count ? a.byteSize() / count : 0;
    auto *bytes = static_cast<const unsigned char *>(hostOutputs[o]);
    size_t n = 0;
    for (size_t e = 0; e < count && width; ++e)
      n += std::all_of(bytes + e * width, bytes + (e + 1) * width,
                       [](unsigned char b) { return b == kPoison; });
    return n;
  }

  /// Every candidate starts from the same inputs (restored from pristine
  /// device copies, in case a kernel wrote an input) and poisoned outputs
  /// (so that unwritten elements fail the check).
  bool upload(std::string &error) {
    for (size_t i = 0; i < work.signature.args.size(); ++i) {
      if (!work.signature.args[i].isTensor)
        continue;
      size_t bytes = work.signature.args[i].byteSize();
      if (work.isOutput(i)
              ? !device->fill(binding.pointer(i), kPoison, bytes, error)
              : !device->copyOnDevice(binding.pointer(i), pristine[i], bytes,
                                      error))
        return false;
    }
    return true;
  }

  const Workload &work;
  const WorkerSetup &setup;
  int ordinal;
  bool gpu;
  std::vector<Reference> reference;
  std::unique_ptr<tlrt::Device> device;
  std::vector<void *> hostOutputs;     // per output, from device->allocateHost
  std::vector<void *> deviceReference; // per output, once a check needs it
  ArgumentBinding binding;
  std::map<size_t, void *> pristine; // per input tensor
};

} // namespace

void mlir::tl::serveWorker(const WorkerSetup &setup, int ordinal, int in,
                           int out) {
  {
    WorkerState state(setup, ordinal);
    std::string setUpError = state.setUp();
    FILE *requests = fdopen(in, "r");
    char buf[4096];
    while (requests && fgets(buf, sizeof(buf), requests)) {
      std::string dir;
      std::optional<RunRequest> req = RunRequest::decode(buf, dir);
      RunReply reply = !setUpError.empty() ? state.fail(setUpError)
                       : !req              ? state.fail("unreadable request")
                                           : state.runCandidate(dir, *req);
      std::string line = reply.encode();
      (void)!write(out, line.data(), line.size());
    }
  } // the state releases what it holds before the worker exits
  _exit(0);
}

Worker::Worker(const WorkerSetup &setup, int ordinal, double timeoutSeconds,
               std::string executable, std::string setupFile)
    : setup(setup), ordinal(ordinal), timeoutSeconds(timeoutSeconds),
      executable(std::move(executable)), setupFile(std::move(setupFile)) {}

Worker::~Worker() { stop(); }

RunReply Worker::run(const std::string &dir, const RunRequest &req) {
  if (pid <= 0 && !start())
    return RunReply::failure(CandidateStatus::Error, "cannot start a worker");
  std::string command = req.encode(dir);
  if (write(toChild, command.data(), command.size()) !=
      static_cast<ssize_t>(command.size()))
    return died();
  using Clock = std::chrono::steady_clock;
  auto deadline = Clock::now() + std::chrono::duration<double>(timeoutSeconds);
  std::string line;
  char c;
  while (true) {
    double left =
        std::chrono::duration<double>(deadline - Clock::now()).count();
    if (left <= 0) {
      stop();
      return RunReply::failure(
          CandidateStatus::Timeout,
          llvm::formatv("ran past --timeout {0} s",
                        llvm::format("%g", timeoutSeconds)));
    }
    pollfd p{fromChild, POLLIN, 0};
    int ready = poll(&p, 1, static_cast<int>(std::min(left, 1.0) * 1000) + 1);
    if (ready <= 0)
      continue;
    ssize_t n = read(fromChild, &c, 1);
    if (n <= 0)
      return died();
    if (c == '\n')
      break;
    line += c;
  }
  RunReply reply = RunReply::decode(line);
  if (reply.restart)
    stop();
  return reply;
}

bool Worker::start() {
  if (pid > 0)
    return true;
  int down[2], up[2];
  if (pipe(down))
    return false;
  if (pipe(up)) {
    close(down[0]);
    close(down[1]);
    return false;
  }
  pid_t parent = getpid();
  pid = fork();
  if (pid == 0) {
    dieWithParent(parent);
    close(down[1]);
    close(up[0]);
    if (executable.empty())
      serveWorker(setup, ordinal, down[0], up[1]);
    // A fresh program on the pipes as its stdin and stdout.
    if (dup2(down[0], STDIN_FILENO) < 0 || dup2(up[1], STDOUT_FILENO) < 0)
      _exit(126);
    close(down[0]);
    close(up[1]);
    std::string device = std::to_string(ordinal);
    execl(executable.c_str(), executable.c_str(), setupFile.c_str(),
          device.c_str(), static_cast<char *>(nullptr));
    _exit(127);
  }
  close(down[0]);
  close(up[1]);
  toChild = down[1];
  fromChild = up[0];
  return pid > 0;
}

RunReply Worker::died() {
  int status = 0;
  waitpid(pid, &status, 0);
  std::string why =
      WIFSIGNALED(status) ? std::string("the worker died with signal ") +
                                strsignal(WTERMSIG(status))
      : WIFEXITED(status) && WEXITSTATUS(status) == 127 && !executable.empty()
          ? "cannot run the worker " + executable
          : "the worker exited";
  closeFds();
  pid = -1;
  return RunReply::failure(CandidateStatus::Crashed, why);
}

void Worker::stop() {
  if (pid > 0) {
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    pid = -1;
  }
  closeFds();
}

void Worker::closeFds() {
  if (toChild >= 0)
    close(toChild);
  if (fromChild >= 0)
    close(fromChild);
  toChild = fromChild = -1;
}
