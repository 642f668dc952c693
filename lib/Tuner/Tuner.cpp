//===- Tuner.cpp - Compile, benchmark, validate, pick, cache --------------===//

#include "tl/Tuner/Tuner.h"

#include "tl/Conversion/Passes.h"
#include "tl/Dialect/TL/IR/TLOps.h"
#include "tl/InitAll.h"
#include "tl/ParseSource.h"
#include "tl/Runtime/Kernel.h"
#include "tl/Target/CapturedDiagnostics.h"
#include "tl/Target/Cuda.h"
#include "tl/Target/Host.h"
#include "tl/Target/KernelMetadata.h"
#include "tl/Tuner/Cache.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Threading.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ThreadPool.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <csignal>
#include <cstring>
#include <deque>
#include <fstream>
#include <map>
#include <mutex>
#include <poll.h>
#include <sstream>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#ifndef TL_VERSION_STRING
#define TL_VERSION_STRING "0.1.0"
#endif

using namespace mlir;
using namespace mlir::tl;

//===----------------------------------------------------------------------===//
// Small utilities
//===----------------------------------------------------------------------===//

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

double median(std::vector<double> v) {
  if (v.empty())
    return 0;
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/// A child process computing something; its result comes back through a
/// pipe. Keeps CUDA out of the parent (a process that initialized CUDA
/// cannot fork workers that use it) and crashes out of the tuner.
struct ChildTask {
  pid_t pid = -1;
  int fd = -1;
};

ChildTask startChild(const std::function<std::string()> &fn) {
  int fds[2];
  if (pipe(fds) != 0)
    return {};
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    std::string out = fn();
    size_t written = 0;
    while (written < out.size()) {
      ssize_t n = write(fds[1], out.data() + written, out.size() - written);
      if (n <= 0)
        break;
      written += n;
    }
    close(fds[1]);
    _exit(0);
  }
  close(fds[1]);
  return {pid, fds[0]};
}

/// What the child wrote, or nullopt if it failed.
std::optional<std::string> finishChild(ChildTask task) {
  if (task.pid <= 0)
    return std::nullopt;
  std::string out;
  char buf[1 << 16];
  ssize_t n;
  while ((n = read(task.fd, buf, sizeof(buf))) > 0)
    out.append(buf, n);
  close(task.fd);
  int status = 0;
  waitpid(task.pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return std::nullopt;
  return out;
}

std::optional<std::string> inChild(const std::function<std::string()> &fn) {
  return finishChild(startChild(fn));
}

std::string fingerprintJson(const tlrt::DeviceFingerprint &f) {
  return f.toJson();
}

std::optional<tlrt::DeviceFingerprint> parseFingerprint(const std::string &s) {
  llvm::Expected<llvm::json::Value> v = llvm::json::parse(s);
  if (!v) {
    llvm::consumeError(v.takeError());
    return std::nullopt;
  }
  const llvm::json::Object *o = v->getAsObject();
  if (!o)
    return std::nullopt;
  tlrt::DeviceFingerprint f;
  f.kind = o->getString("kind").value_or("").str();
  f.name = o->getString("name").value_or("").str();
  f.computeCapability = o->getString("compute_capability").value_or("").str();
  f.multiprocessors = o->getInteger("multiprocessors").value_or(0);
  f.l2Bytes = o->getInteger("l2_bytes").value_or(0);
  f.driverVersion = o->getString("driver").value_or("").str();
  return f;
}

/// The CUDA device 0's fingerprint, probed in a child process.
std::optional<tlrt::DeviceFingerprint> probeCuda(std::string &why) {
  std::optional<std::string> out = inChild([] {
    std::string error;
    std::optional<tlrt::DeviceFingerprint> f = tlrt::cudaFingerprint(0, error);
    return f ? f->toJson() : "error:" + error;
  });
  if (!out) {
    why = "the CUDA probe crashed";
    return std::nullopt;
  }
  if (out->rfind("error:", 0) == 0) {
    why = out->substr(6);
    return std::nullopt;
  }
  return parseFingerprint(*out);
}

/// The NVIDIA driver's view of GPU 0 without initializing CUDA: the driver
/// version and the GPU's model and UUID from /proc/driver/nvidia. Empty when
/// the driver does not publish them.
std::string nvidiaIdentity() {
  std::string identity = readFile("/proc/driver/nvidia/version").value_or("");
  if (identity.empty())
    return "";
  std::error_code ec;
  std::vector<std::string> gpus;
  for (llvm::sys::fs::directory_iterator it("/proc/driver/nvidia/gpus", ec),
       end;
       it != end && !ec; it.increment(ec))
    gpus.push_back(it->path());
  if (gpus.empty())
    return "";
  std::sort(gpus.begin(), gpus.end());
  for (const std::string &gpu : gpus)
    identity += readFile(gpu + "/information").value_or("");
  identity += llvm::sys::Process::GetEnv("CUDA_VISIBLE_DEVICES").value_or("");
  return identity;
}

/// CUDA device 0's fingerprint: remembered per driver identity under
/// <cache>/devices/ (a probe initializes CUDA in a child process, which
/// costs a few hundred milliseconds), probed when not known.
std::optional<tlrt::DeviceFingerprint>
cudaFingerprint(const CacheSettings &cache, std::string &why) {
  std::string identity = nvidiaIdentity();
  std::string remembered;
  if (!identity.empty() && !cache.disableAll)
    remembered = cache.cacheDir + "/devices/" + sha256Hex(identity) + ".json";
  if (!remembered.empty())
    if (std::optional<std::string> text = readFile(remembered))
      if (auto f = parseFingerprint(*text))
        return f;
  std::optional<tlrt::DeviceFingerprint> f = probeCuda(why);
  if (f && !remembered.empty()) {
    llvm::sys::fs::create_directories(cache.cacheDir + "/devices");
    std::string tmp = remembered + "." + std::to_string(::getpid());
    std::ofstream(tmp) << f->toJson();
    std::rename(tmp.c_str(), remembered.c_str());
  }
  return f;
}

std::string ptxasVersion(const std::string &toolkit) {
  std::string ptxas = toolkit + "/bin/ptxas";
  if (!llvm::sys::fs::can_execute(ptxas))
    return "missing";
  llvm::SmallString<128> outPath;
  llvm::sys::fs::createTemporaryFile("ptxas-version", "txt", outPath);
  std::optional<llvm::StringRef> redirects[] = {
      std::nullopt, llvm::StringRef(outPath), std::nullopt};
  llvm::sys::ExecuteAndWait(ptxas, {ptxas, "--version"}, std::nullopt,
                            redirects);
  std::string version = readFile(std::string(outPath)).value_or("");
  llvm::sys::fs::remove(outPath);
  return version;
}

llvm::json::Value parseJsonOr(const std::string &text) {
  llvm::Expected<llvm::json::Value> v = llvm::json::parse(text);
  if (!v) {
    llvm::consumeError(v.takeError());
    return llvm::json::Object{};
  }
  return std::move(*v);
}

std::string recordJson(const CandidateRecord &r) {
  llvm::json::Object o{{"index", r.index},
                       {"kernel", r.name},
                       {"config", parseJsonOr(r.configJson)},
                       {"status", r.status},
                       {"compile_seconds", r.compileSeconds},
                       {"median_ms", r.medianMs},
                       {"tflops", r.tflops},
                       {"samples_ms", llvm::json::Array(r.samples)}};
  if (!r.message.empty())
    o["message"] = r.message;
  if (r.check.count) {
    o["mismatched"] = static_cast<int64_t>(r.check.mismatched);
    o["max_abs_error"] = r.check.maxAbsError;
    o["max_rel_error"] = r.check.maxRelError;
  }
  std::string s;
  llvm::raw_string_ostream os(s);
  os << llvm::json::Value(std::move(o));
  return s;
}

/// The statuses a record may carry.
bool isKnownStatus(llvm::StringRef s) {
  return llvm::is_contained({"ok", "pruned", "compile_error", "compile_timeout",
                             "check_failed", "crashed", "timeout", "error"},
                            s);
}

CandidateRecord parseRecord(const llvm::json::Object &o) {
  CandidateRecord r;
  r.index = o.getInteger("index").value_or(0);
  r.name = o.getString("kernel").value_or("").str();
  if (const llvm::json::Value *c = o.get("config")) {
    llvm::raw_string_ostream os(r.configJson);
    os << *c;
  }
  r.status = o.getString("status").value_or("").str();
  r.message = o.getString("message").value_or("").str();
  r.compileSeconds = o.getNumber("compile_seconds").value_or(0);
  r.medianMs = o.getNumber("median_ms").value_or(0);
  r.tflops = o.getNumber("tflops").value_or(0);
  if (const llvm::json::Array *s = o.getArray("samples_ms"))
    for (const llvm::json::Value &v : *s)
      r.samples.push_back(v.getAsNumber().value_or(0));
  r.check.mismatched = o.getInteger("mismatched").value_or(0);
  r.check.maxAbsError = o.getNumber("max_abs_error").value_or(0);
  r.check.maxRelError = o.getNumber("max_rel_error").value_or(0);
  return r;
}

/// A cache entry's candidates and best index, read as strictly as a tuning
/// writes them: every line a record with an index, a kernel name, a known
/// status and a config object; the best an index of a record whose status
/// is ok. False with `why` otherwise (the entry is then rebuilt).
bool parseCachedCandidates(const std::string &jsonl, const std::string &best,
                           std::vector<CandidateRecord> &records,
                           int &bestIndex, std::string &why) {
  records.clear();
  std::istringstream in(jsonl);
  std::string line;
  for (size_t n = 1; std::getline(in, line); ++n) {
    if (llvm::StringRef(line).trim().empty())
      continue;
    llvm::Expected<llvm::json::Value> v = llvm::json::parse(line);
    if (!v) {
      llvm::consumeError(v.takeError());
      why = "candidates.jsonl line " + std::to_string(n) + " is not JSON";
      return false;
    }
    const llvm::json::Object *o = v->getAsObject();
    if (!o || !o->getInteger("index") || !o->getString("kernel") ||
        !o->getString("status") || !isKnownStatus(*o->getString("status")) ||
        !o->getObject("config") || !o->getNumber("median_ms")) {
      why = "candidates.jsonl line " + std::to_string(n) +
            " is not a candidate record";
      return false;
    }
    records.push_back(parseRecord(*o));
  }
  if (records.empty()) {
    why = "candidates.jsonl holds no candidate";
    return false;
  }
  int64_t index;
  if (llvm::StringRef(best).trim().getAsInteger(10, index) || index < 0 ||
      index >= static_cast<int64_t>(records.size()) ||
      records[index].status != "ok") {
    why = "best.txt does not name a passing candidate";
    return false;
  }
  bestIndex = static_cast<int>(index);
  return true;
}

//===----------------------------------------------------------------------===//
// Candidate execution in a worker process
//===----------------------------------------------------------------------===//

/// A reference output: its values in their own element type.
struct Reference {
  tlrt::DType dtype;
  std::vector<unsigned char> data;
};

/// The data every candidate sees: host copies of the inputs (identical
/// across candidates and worker restarts) and the reference outputs, given
/// (--ref files) or in `referenceFile` once the host reference has run.
struct Workload {
  tlrt::KernelInfo signature;
  std::vector<std::vector<unsigned char>> hostArgs; // per tensor arg
  std::vector<double> scalarValues;                 // per arg (scalars)
  std::vector<size_t> outputs;                      // argument indices
  std::vector<Reference> reference;                 // per output
  std::string referenceFile; // the outputs' bytes, one after the other
};

/// How a worker runs one candidate: checked against the reference or not,
/// and timed by counts or, when a budget is set, by time budgets (Triton's
/// do_bench: the counts follow from an estimate of five runs).
struct RunRequest {
  bool check = false;
  int warmup = 0, rep = 0; // rep 0 and no budget: not timed
  double warmupMs = 0, repMs = 0;

  bool timed() const { return rep > 0 || repMs > 0; }
  std::string encode(const std::string &dir) const {
    std::ostringstream os;
    os.precision(17);
    os << (check ? 1 : 0) << " " << warmup << " " << rep << " " << warmupMs
       << " " << repMs << " " << dir << "\n";
    return os.str();
  }
  static RunRequest decode(const std::string &line, std::string &dir) {
    RunRequest r;
    int check = 0, consumed = 0;
    if (sscanf(line.c_str(), "%d %d %d %lf %lf %n", &check, &r.warmup, &r.rep,
               &r.warmupMs, &r.repMs, &consumed) >= 5)
      dir = line.substr(consumed);
    r.check = check != 0;
    return r;
  }
};

/// What a worker does for one command; runs in the child.
class WorkerState {
public:
  WorkerState(const Workload &w, const TuneOptions &o, bool cuda)
      : work(w), options(o), cuda(cuda), reference(w.reference) {}
  ~WorkerState() {
    for (void *p : hostOutputs)
      if (p)
        device->releaseHost(p);
  }

  std::string setUp() {
    std::string error;
    device = cuda ? tlrt::createCudaDevice(0, error)
                  : tlrt::createHostDevice(options.hostThreads);
    if (!device)
      return error;
    const auto &args = work.signature.args;
    pointers.resize(args.size());
    scalarStorage.resize(args.size());
    argv.resize(args.size());
    for (size_t i = 0; i < args.size(); ++i) {
      if (!args[i].isTensor) {
        tlrt::storeElement(&scalarStorage[i], args[i].dtype, 0,
                           work.scalarValues[i]);
        argv[i] = &scalarStorage[i];
        continue;
      }
      pointers[i] = device->allocate(args[i].byteSize(), error);
      pristine.push_back(device->allocate(args[i].byteSize(), error));
      if (!pointers[i] || !pristine.back() ||
          !device->copyToDevice(pristine.back(), work.hostArgs[i].data(),
                                work.hostArgs[i].size(), error))
        return error;
      pristineOf[i] = pristine.back();
      argv[i] = &pointers[i];
    }
    return "";
  }

  /// Loads candidate `dir`, runs it once on fresh inputs, checks it, times
  /// it. One JSON line.
  std::string runCandidate(const std::string &dir, const RunRequest &req) {
    llvm::json::Object out;
    std::string error;
    tlrt::KernelInfo info;
    if (!tlrt::loadKernelInfo(dir + "/kernel.json", info, error))
      return fail(error);
    if (!sameSignature(info))
      return fail("the candidate's arguments differ from the others'");
    auto kernel = device->load(dir, info, error);
    if (!kernel || !upload(error) || !kernel->run(argv.data(), error))
      return fail(error);
    // The outputs are copied back, then compared while the GPU times the
    // candidate (on the host, after: the CPU is what is being timed).
    std::vector<tlrt::CompareResult> checks(req.check ? work.outputs.size()
                                                      : 0);
    auto compareAll = [&] {
      for (size_t o = 0; o < checks.size(); ++o) {
        const tlrt::ArgInfo &a = work.signature.args[work.outputs[o]];
        checks[o] = tlrt::compare(hostOutputs[o], a.dtype,
                                  reference[o].data.data(), reference[o].dtype,
                                  a.numElements(), options.tolerance);
      }
    };
    std::thread checker;
    struct Join {
      std::thread &t;
      ~Join() {
        if (t.joinable())
          t.join();
      }
    } join{checker};
    if (req.check) {
      if (!loadReference(error))
        return fail(error);
      for (size_t o = 0; o < work.outputs.size(); ++o) {
        size_t arg = work.outputs[o];
        size_t bytes = work.signature.args[arg].byteSize();
        void *host = hostOutput(o, bytes, error);
        if (!host || !device->copyToHost(host, pointers[arg], bytes, error))
          return fail(error);
      }
      if (cuda)
        checker = std::thread(compareAll);
      else
        compareAll();
    }
    // (On a GPU the comparison is still running.)
    bool knownWrong = !checker.joinable() &&
                      llvm::any_of(checks, [](const tlrt::CompareResult &r) {
                        return !r.passed;
                      });
    if (req.timed() && !knownWrong) {
      int warmup = req.warmup, rep = req.rep;
      std::vector<double> samples;
      if (req.warmupMs > 0 || req.repMs > 0) {
        if (!kernel->time(argv.data(), 0, 5, samples, error))
          return fail(error);
        double estimate = std::max(median(samples), 1e-4);
        warmup = std::max(1, static_cast<int>(req.warmupMs / estimate));
        rep = std::max(1, static_cast<int>(req.repMs / estimate));
      }
      if (!kernel->time(argv.data(), warmup, rep, samples, error))
        return fail(error);
      out["samples_ms"] = llvm::json::Array(samples);
    }
    if (checker.joinable())
      checker.join();
    for (size_t o = 0; o < checks.size(); ++o) {
      const tlrt::CompareResult &r = checks[o];
      out["mismatched"] = static_cast<int64_t>(r.mismatched);
      out["count"] = static_cast<int64_t>(r.count);
      out["max_abs_error"] = r.maxAbsError;
      out["max_rel_error"] = r.maxRelError;
      if (!r.passed) {
        out.erase("samples_ms");
        out["status"] = "check_failed";
        out["message"] =
            "output " + std::to_string(work.outputs[o]) + ": " + r.summary();
        return line(out);
      }
    }
    out["status"] = "ok";
    return line(out);
  }

  /// An error reply (also for a worker whose device could not be set up).
  std::string fail(const std::string &message) {
    llvm::json::Object o{{"status", "error"}, {"message", message}};
    // A failed launch can leave a GPU context unusable (an illegal address
    // poisons it): start the next candidate in a fresh worker.
    if (cuda)
      o["restart"] = true;
    return line(o);
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

  /// Host memory for output `o` (page-locked on GPUs, so that the copy back
  /// runs at full speed), allocated once and reused by every candidate.
  void *hostOutput(size_t o, size_t bytes, std::string &error) {
    if (hostOutputs.size() <= o)
      hostOutputs.resize(o + 1, nullptr);
    if (!hostOutputs[o])
      hostOutputs[o] = device->allocateHost(bytes, error);
    return hostOutputs[o];
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

  /// Every candidate starts from the same inputs (restored from pristine
  /// device copies, in case a kernel wrote an input) and poisoned outputs
  /// (so that unwritten elements fail the check).
  bool upload(std::string &error) {
    for (size_t i = 0; i < work.signature.args.size(); ++i) {
      if (!work.signature.args[i].isTensor)
        continue;
      bool output = std::find(work.outputs.begin(), work.outputs.end(), i) !=
                    work.outputs.end();
      if (output
              ? !device->fill(pointers[i], 0xFF, work.hostArgs[i].size(), error)
              : !device->copyOnDevice(pointers[i], pristineOf[i],
                                      work.hostArgs[i].size(), error))
        return false;
    }
    return true;
  }

  static std::string line(const llvm::json::Object &o) {
    std::string s;
    llvm::raw_string_ostream os(s);
    os << llvm::json::Value(llvm::json::Object(o)) << "\n";
    return s;
  }

  const Workload &work;
  const TuneOptions &options;
  bool cuda;
  std::vector<Reference> reference;
  std::unique_ptr<tlrt::Device> device;
  std::vector<void *> hostOutputs; // per output, from device->allocateHost
  std::vector<void *> pointers, pristine;
  std::map<size_t, void *> pristineOf;
  std::vector<uint64_t> scalarStorage;
  std::vector<void *> argv;
};

/// A worker process fed candidate directories one per line; replaced when
/// it crashes or runs past the timeout.
class Worker {
public:
  Worker(const Workload &w, const TuneOptions &o, bool cuda)
      : work(w), options(o), cuda(cuda) {}
  ~Worker() { stop(); }

  /// Sends `dir` to be run as `req` says; returns the worker's JSON reply,
  /// or a status of crashed / timeout.
  llvm::json::Object run(const std::string &dir, const RunRequest &req) {
    if (pid <= 0 && !start())
      return llvm::json::Object{{"status", "error"},
                                {"message", "cannot start a worker"}};
    std::string command = req.encode(dir);
    if (write(toChild, command.data(), command.size()) !=
        static_cast<ssize_t>(command.size()))
      return died();
    std::string line;
    auto deadline =
        Clock::now() + std::chrono::duration<double>(options.timeoutSeconds);
    char c;
    while (true) {
      double left =
          std::chrono::duration<double>(deadline - Clock::now()).count();
      if (left <= 0) {
        stop();
        return llvm::json::Object{
            {"status", "timeout"},
            {"message",
             llvm::formatv("ran past --timeout {0} s",
                           llvm::format("%g", options.timeoutSeconds))
                 .str()}};
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
    llvm::json::Value v = parseJsonOr(line);
    if (auto *o = v.getAsObject()) {
      if (o->getBoolean("restart").value_or(false))
        stop();
      return std::move(*o);
    }
    return llvm::json::Object{{"status", "error"},
                              {"message", "unreadable worker reply"}};
  }

private:
  bool start() {
    int down[2], up[2];
    if (pipe(down) || pipe(up))
      return false;
    pid = fork();
    if (pid == 0) {
      close(down[1]);
      close(up[0]);
      {
        WorkerState state(work, options, cuda);
        std::string setup = state.setUp();
        FILE *in = fdopen(down[0], "r");
        char buf[4096];
        while (fgets(buf, sizeof(buf), in)) {
          std::string cmd(buf), dir;
          if (!cmd.empty() && cmd.back() == '\n')
            cmd.pop_back();
          RunRequest req = RunRequest::decode(cmd, dir);
          std::string reply =
              !setup.empty() ? state.fail(setup) : state.runCandidate(dir, req);
          (void)!write(up[1], reply.data(), reply.size());
        }
      } // the state releases what it holds before the worker exits
      _exit(0);
    }
    close(down[0]);
    close(up[1]);
    toChild = down[1];
    fromChild = up[0];
    return pid > 0;
  }

  llvm::json::Object died() {
    int status = 0;
    waitpid(pid, &status, 0);
    std::string why = WIFSIGNALED(status)
                          ? std::string("the worker died with signal ") +
                                strsignal(WTERMSIG(status))
                          : "the worker exited";
    closeFds();
    pid = -1;
    return llvm::json::Object{{"status", "crashed"}, {"message", why}};
  }

  void stop() {
    if (pid > 0) {
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
      pid = -1;
    }
    closeFds();
  }

  void closeFds() {
    if (toChild >= 0)
      close(toChild);
    if (fromChild >= 0)
      close(fromChild);
    toChild = fromChild = -1;
  }

  const Workload &work;
  const TuneOptions &options;
  bool cuda;
  pid_t pid = -1;
  int toChild = -1, fromChild = -1;
};

//===----------------------------------------------------------------------===//
// Compilation
//===----------------------------------------------------------------------===//

/// The compile side of a tuning run: the context, its thread pool, the
/// expanded module, and every config's outcome, handed to the tuner as each
/// finishes so that benchmarking can start while the rest compile.
///
/// A config that runs past the compile timeout is reported as such and no
/// longer waited for. Its external tools (ptxas, ld.lld) are killed at the
/// deadline, but a thread inside LLVM cannot be stopped: when one is still
/// running at the end, the tuner leaks this session (the thread keeps using
/// it) instead of destroying it.
class CompileSession {
public:
  /// What a compile task produced; written by the task only.
  struct Outcome {
    bool ok = false;
    std::string message;
    double seconds = 0;
  };
  /// A finished config, or one reported as timed out.
  struct Event {
    size_t index;
    bool timedOut;
  };

  CompileSession(const DialectRegistry &registry, unsigned jobs)
      : pool(llvm::hardware_concurrency(jobs)),
        ctx(registry, MLIRContext::Threading::DISABLED) {
    ctx.setThreadPool(pool);
    ctx.loadAllAvailableDialects();
  }
  /// Compiles not yet started are skipped; running ones are waited for.
  ~CompileSession() {
    cancelled = true;
    if (driver.joinable())
      driver.join();
  }

  /// Compiles configs [0, n) with `compile` on the thread pool, from a
  /// driver thread.
  void start(size_t n, std::function<Outcome(size_t)> compile) {
    outcomes.resize(n);
    startedAt.resize(n);
    state.assign(n, kPending);
    driver = std::thread([this, n, compile = std::move(compile)] {
      (void)failableParallelForEachN(&ctx, 0, n, [&](size_t i) {
        {
          std::lock_guard<std::mutex> lock(mutex);
          state[i] = kRunning;
          startedAt[i] = Clock::now();
        }
        Outcome outcome = cancelled ? Outcome{} : compile(i);
        {
          std::lock_guard<std::mutex> lock(mutex);
          outcomes[i] = std::move(outcome);
          if (state[i] == kRunning)
            finished.push_back(i);
          state[i] = state[i] == kAbandoned ? kDoneLate : kDone;
        }
        wake.notify_all();
        return success();
      });
    });
  }

  /// The next finished config, or one compiling for longer than
  /// `timeoutSeconds` (plus a second for its tool to be killed); nullopt
  /// once every config has been handed out. While there is none, `idle`
  /// runs (without the lock); it returns whether it did some work.
  std::optional<Event> next(double timeoutSeconds,
                            const std::function<bool()> &idle) {
    std::unique_lock<std::mutex> lock(mutex);
    while (handed < state.size()) {
      if (!finished.empty()) {
        size_t i = finished.front();
        finished.pop_front();
        ++handed;
        return Event{i, false};
      }
      for (size_t i = 0; i < state.size(); ++i)
        if (state[i] == kRunning &&
            secondsSince(startedAt[i]) > timeoutSeconds + 1) {
          state[i] = kAbandoned;
          ++handed;
          return Event{i, true};
        }
      lock.unlock();
      bool worked = idle();
      lock.lock();
      if (!worked && finished.empty())
        wake.wait_for(lock, std::chrono::milliseconds(20));
    }
    return std::nullopt;
  }

  /// The outcome of config `i` once `next` handed it out as finished.
  Outcome outcome(size_t i) {
    std::lock_guard<std::mutex> lock(mutex);
    return outcomes[i];
  }

  /// Configs abandoned at the timeout whose compile has not ended yet.
  size_t stillRunning() {
    std::lock_guard<std::mutex> lock(mutex);
    return std::count(state.begin(), state.end(), kAbandoned);
  }

  /// Leaves the session to the compiles still running (see the class
  /// comment); returns whether it did.
  static bool leakIfRunning(std::unique_ptr<CompileSession> &session) {
    if (!session || !session->stillRunning())
      return false;
    session->driver.detach();
    (void)session.release(); // intentionally leaked: a compile thread uses it
    return true;
  }

  llvm::DefaultThreadPool pool;
  MLIRContext ctx; // after the pool: destroyed before it
  std::string diagnostics;
  /// The template and its expanded configs, which the compiles work on.
  OwningOpRef<ModuleOp> module;

private:
  enum State : char { kPending, kRunning, kDone, kAbandoned, kDoneLate };
  std::mutex mutex;
  std::condition_variable wake;
  std::vector<Outcome> outcomes;
  std::vector<Clock::time_point> startedAt;
  std::vector<State> state;
  std::deque<size_t> finished;
  size_t handed = 0;
  std::atomic<bool> cancelled{false};
  std::thread driver;
};

/// In-process cache: key -> result.
std::mutex memoryMutex;
std::map<std::string, TuneResult> &memoryCache() {
  static std::map<std::string, TuneResult> cache;
  return cache;
}

} // namespace

/// The guide's CPU variables: unset (or empty) gives `fallback`; a value out
/// of range or not a number is the user's mistake, said as such.
static std::optional<double> cpuVariable(const char *name, bool fraction,
                                         double fallback, std::string &error) {
  std::optional<std::string> v = llvm::sys::Process::GetEnv(name);
  if (!v || llvm::StringRef(*v).trim().empty())
    return fallback;
  double d;
  bool number = !llvm::StringRef(*v).trim().getAsDouble(d) && std::isfinite(d);
  bool ok = number && (fraction ? d > 0 && d <= 1
                                : d == -1 || (d >= 1 && d <= kMaxCompileJobs &&
                                              d == std::floor(d)));
  if (ok)
    return d;
  error = llvm::formatv("{0}={1} is not {2}", name, *v,
                        fraction ? "a fraction in (0, 1]"
                                 : "-1 or an integer from 1 to 1024")
              .str();
  return std::nullopt;
}

std::optional<unsigned> mlir::tl::compileJobs(uint64_t requested,
                                              std::string &error) {
  unsigned cpus = std::max(1u, std::thread::hardware_concurrency());
  if (requested > kMaxCompileJobs) {
    error = "--jobs asks for " + std::to_string(requested) +
            " compile threads; at most " + std::to_string(kMaxCompileJobs) +
            " are allowed (this machine has " + std::to_string(cpus) + " CPUs)";
    return std::nullopt;
  }
  if (requested)
    return static_cast<unsigned>(requested);
  std::optional<double> utilization, counts, maxCount;
  if (!(utilization = cpuVariable("TILELANG_AUTO_TUNING_CPU_UTILITIES", true,
                                  0.9, error)) ||
      !(counts =
            cpuVariable("TILELANG_AUTO_TUNING_CPU_COUNTS", false, -1, error)) ||
      !(maxCount = cpuVariable("TILELANG_AUTO_TUNING_MAX_CPU_COUNT", false, -1,
                               error)))
    return std::nullopt;
  unsigned jobs = *counts > 0 ? static_cast<unsigned>(*counts)
                              : static_cast<unsigned>(cpus * *utilization);
  if (*maxCount > 0)
    jobs = std::min(jobs, static_cast<unsigned>(*maxCount));
  return std::max(1u, jobs);
}

//===----------------------------------------------------------------------===//
// tune()
//===----------------------------------------------------------------------===//

namespace {

/// Fails with a message when `copies` host copies of every tensor of `info`
/// (one more for each output in `outputs`) need more than half of this
/// machine's memory: refused before anything is allocated.
bool fitsHostMemory(const tlrt::KernelInfo &info,
                    const std::vector<size_t> &outputs, uint64_t copies,
                    std::string &error) {
  uint64_t bytes = 0;
  for (size_t i = 0; i < info.args.size(); ++i)
    if (info.args[i].isTensor) {
      uint64_t size = info.args[i].byteSize();
      uint64_t n = copies + (llvm::is_contained(outputs, i) ? 1 : 0);
      if (__builtin_mul_overflow(size, n, &size) ||
          __builtin_add_overflow(bytes, size, &bytes))
        bytes = UINT64_MAX;
    }
  uint64_t memory = static_cast<uint64_t>(sysconf(_SC_PHYS_PAGES)) *
                    static_cast<uint64_t>(sysconf(_SC_PAGE_SIZE));
  if (bytes <= memory / 2)
    return true;
  error = llvm::formatv("the kernel's tensors need {0:F1} GiB of host memory "
                        "for the inputs, outputs and reference; this machine "
                        "has {1:F1} GiB (at most half of it is used): give "
                        "smaller sizes in --instantiate",
                        bytes / double(1ull << 30), memory / double(1ull << 30))
              .str();
  return false;
}

/// Builds the inputs every candidate sees from the signature of the first
/// compiled kernel (`kernelJson`), and the --ref outputs if given.
bool buildWorkload(const TuneOptions &options, const std::string &kernelJson,
                   Workload &workload, std::string &error) {
  if (!tlrt::loadKernelInfo(kernelJson, workload.signature, error))
    return false;
  const auto &args = workload.signature.args;
  for (int o : options.outIdx) {
    int idx = o < 0 ? static_cast<int>(args.size()) + o : o;
    if (idx < 0 || idx >= static_cast<int>(args.size()) ||
        !args[idx].isTensor) {
      error = "--out-idx " + std::to_string(o) +
              " does not name a tensor "
              "argument (the kernel has " +
              std::to_string(args.size()) + " arguments)";
      return false;
    }
    if (llvm::is_contained(workload.outputs, static_cast<size_t>(idx))) {
      error = "--out-idx " + std::to_string(o) + " names argument " +
              std::to_string(idx) + " a second time";
      return false;
    }
    if (!args[idx].mayBeWritten()) {
      std::string written;
      for (size_t i = 0; i < args.size(); ++i)
        if (args[i].isTensor && args[i].mayBeWritten())
          written += (written.empty() ? "" : ", ") + std::to_string(i);
      error = "--out-idx " + std::to_string(o) + " names argument " +
              std::to_string(idx) +
              ", which the kernel never writes; the arguments it writes are " +
              (written.empty() ? std::string("none") : written);
      return false;
    }
    workload.outputs.push_back(idx);
  }
  // Refused before anything is allocated: the host copies of every
  // tensor, and for outputs the reference and the reference run's copy.
  if (!fitsHostMemory(workload.signature, workload.outputs, 2, error))
    return false;
  size_t numInputs = 0;
  for (size_t i = 0; i < args.size(); ++i)
    numInputs += args[i].isTensor && !llvm::is_contained(workload.outputs, i);
  if (options.inputFiles.size() > numInputs) {
    error = "got " + std::to_string(options.inputFiles.size()) +
            " --input files but the kernel has " + std::to_string(numInputs) +
            " input tensors";
    return false;
  }
  workload.hostArgs.resize(args.size());
  workload.scalarValues.assign(args.size(), 1.0);
  size_t inputNumber = 0;
  for (size_t i = 0; i < args.size(); ++i) {
    if (!args[i].isTensor)
      continue;
    workload.hostArgs[i].resize(args[i].byteSize());
    bool isOutput = std::find(workload.outputs.begin(), workload.outputs.end(),
                              i) != workload.outputs.end();
    if (isOutput) {
      tlrt::fillBuffer(workload.hostArgs[i].data(), args[i].dtype,
                       args[i].numElements(), tlrt::SupplyType::Zero, 0);
      continue;
    }
    if (inputNumber < options.inputFiles.size()) {
      tlrt::NpyArray array;
      const std::string &path = options.inputFiles[inputNumber];
      if (!tlrt::readNpy(path, array, error))
        return false;
      if (array.dtype != args[i].dtype || array.shape != args[i].shape) {
        error = path + " holds " + tlrt::dtypeName(array.dtype) +
                " of another shape than argument " + std::to_string(i) + " (" +
                tlrt::dtypeName(args[i].dtype) + ")";
        return false;
      }
      workload.hostArgs[i] = array.data;
    } else {
      tlrt::fillBuffer(workload.hostArgs[i].data(), args[i].dtype,
                       args[i].numElements(), options.supply,
                       options.seed * 1000003 + i);
    }
    ++inputNumber;
  }
  if (options.skipCheck || options.refFiles.empty())
    return true;
  if (options.refFiles.size() != workload.outputs.size()) {
    error = "give one --ref file per output (" +
            std::to_string(workload.outputs.size()) + ")";
    return false;
  }
  for (size_t o = 0; o < workload.outputs.size(); ++o) {
    tlrt::NpyArray array;
    const std::string &path = options.refFiles[o];
    if (!tlrt::readNpy(path, array, error))
      return false;
    int64_t expected = args[workload.outputs[o]].numElements();
    if (static_cast<int64_t>(array.numElements()) != expected) {
      error = path + " holds " + std::to_string(array.numElements()) +
              " elements; output argument " +
              std::to_string(workload.outputs[o]) + " has " +
              std::to_string(expected);
      return false;
    }
    workload.reference.push_back(Reference{array.dtype, array.data});
  }
  return true;
}

/// Runs the host reference build in `refDir` on the workload's inputs in a
/// child process (on the CPU, while the GPU times candidates) that writes
/// the outputs as doubles to `path`; returns the child's pid.
pid_t startReference(const std::string &refDir, const Workload &workload,
                     const std::string &path) {
  pid_t pid = fork();
  if (pid != 0)
    return pid;
  std::string e;
  tlrt::KernelInfo info;
  auto device = tlrt::createHostDevice(0);
  if (!tlrt::loadKernelInfo(refDir + "/kernel.json", info, e))
    _exit(1);
  auto kernel = device->load(refDir, info, e);
  if (!kernel)
    _exit(1);
  std::vector<std::vector<unsigned char>> bufs = workload.hostArgs;
  std::vector<void *> ptrs(bufs.size()), argv(bufs.size());
  std::vector<uint64_t> scalars(bufs.size());
  for (size_t i = 0; i < bufs.size(); ++i) {
    if (!info.args[i].isTensor) {
      tlrt::storeElement(&scalars[i], info.args[i].dtype, 0, 1.0);
      argv[i] = &scalars[i];
    } else {
      ptrs[i] = bufs[i].data();
      argv[i] = &ptrs[i];
    }
  }
  if (!kernel->run(argv.data(), e))
    _exit(1);
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

/// Folds a worker's reply for a run of `req` into `r`.
void applyReply(CandidateRecord &r, const llvm::json::Object &reply,
                const RunRequest &req, double gemmFlops) {
  std::string status = reply.getString("status").value_or("error").str();
  if (status != "ok") {
    r.status = status;
    r.message = reply.getString("message").value_or("").str();
  } else if (r.status.empty()) {
    r.status = "ok";
  }
  if (req.check) {
    r.check.count = reply.getInteger("count").value_or(0);
    r.check.mismatched = reply.getInteger("mismatched").value_or(0);
    r.check.maxAbsError = reply.getNumber("max_abs_error").value_or(0);
    r.check.maxRelError = reply.getNumber("max_rel_error").value_or(0);
  }
  if (const llvm::json::Array *s = reply.getArray("samples_ms")) {
    r.samples.clear();
    for (const llvm::json::Value &v : *s)
      r.samples.push_back(v.getAsNumber().value_or(0));
    r.medianMs = median(r.samples);
    r.tflops = gemmFlops > 0 && r.medianMs > 0
                   ? gemmFlops / (r.medianMs * 1e-3) / 1e12
                   : 0;
  }
}

/// Checks that `dir` is, or can be made, a writable directory (before any
/// tuning, so that a bad --output costs nothing).
LogicalResult checkOutputDir(const std::string &dir, std::string &error) {
  if (llvm::sys::fs::exists(dir) && !llvm::sys::fs::is_directory(dir)) {
    error = "--output " + dir + " is a file, not a directory";
    return failure();
  }
  if (std::error_code ec = llvm::sys::fs::create_directories(dir)) {
    error = "--output " + dir + ": cannot create it: " + ec.message();
    return failure();
  }
  if (access(dir.c_str(), W_OK) != 0) {
    error = "--output " + dir + ": not writable";
    return failure();
  }
  return success();
}

/// Writes the result's files into `dir` (the guide's save_to_disk).
LogicalResult saveResult(const std::string &dir,
                         const std::map<std::string, std::string> &files,
                         std::string &error) {
  if (failed(checkOutputDir(dir, error)))
    return failure();
  for (const auto &[name, contents] : files)
    if (failed(writeFile(dir + "/" + name, contents, error)))
      return failure();
  return success();
}

} // namespace

std::optional<TuneResult> mlir::tl::tune(const TuneOptions &options,
                                         std::string &error) {
  auto start = Clock::now();
  TuneResult result;
  CacheSettings cache = CacheSettings::fromEnvironment(options.cacheDir);
  if (options.noCache)
    cache.disableAutotuner = true;
  auto progress = [&](const std::string &phase, size_t done, size_t total) {
    if (options.progress)
      options.progress(phase, done, total);
  };
  auto phaseStart = Clock::now();
  auto endPhase = [&](const std::string &name) {
    result.phases.emplace_back(name, secondsSince(phaseStart));
    phaseStart = Clock::now();
  };

  // The target and the device it runs on.
  std::string target = options.target;
  std::string cudaWhy;
  std::optional<tlrt::DeviceFingerprint> cudaDevice;
  if (target == "auto" || target == "cuda") {
    cudaDevice = cudaFingerprint(cache, cudaWhy);
    if (target == "cuda" && !cudaDevice) {
      error = "--target cuda: " + cudaWhy;
      return std::nullopt;
    }
    target = cudaDevice ? "cuda" : "host";
  }
  if (target == "hip") {
    error = "--target hip: the HIP runtime is not implemented yet; use cuda "
            "or host";
    return std::nullopt;
  }
  if (target != "cuda" && target != "host") {
    error = "--target must be auto, cuda, hip or host, not '" + target + "'";
    return std::nullopt;
  }
  bool cuda = target == "cuda";
  if (!options.outputDir.empty() &&
      failed(checkOutputDir(options.outputDir, error)))
    return std::nullopt;
  // Host code is compiled for an x86-64 level, part of the key: a binary
  // runs on every CPU of its level and is reused there.
  FailureOr<std::string> hostCpu = resolveHostCpu("", error);
  if (failed(hostCpu))
    return std::nullopt;
  result.device = cuda ? *cudaDevice : tlrt::hostFingerprint();
  endPhase("probe");
  result.target = cuda ? options.chip : "host";

  // Parse and expand.
  DialectRegistry registry;
  registerAllDialects(registry);
  registerAllPasses();
  // On the heap: see CompileSession.
  std::optional<unsigned> jobs = compileJobs(options.jobs, error);
  if (!jobs)
    return std::nullopt;
  auto session = std::make_unique<CompileSession>(registry, *jobs);
  struct LeakGuard {
    std::unique_ptr<CompileSession> &session;
    ~LeakGuard() { CompileSession::leakIfRunning(session); }
  } leakGuard{session};
  MLIRContext &ctx = session->ctx;
  std::string &diagnostics = session->diagnostics;
  ScopedDiagnosticHandler handler(
      &ctx, [&diagnostics, &options](Diagnostic &diag) {
        if (diag.getSeverity() == DiagnosticSeverity::Error) {
          // file:line:col: error: message, as compilers say it.
          std::string loc;
          llvm::raw_string_ostream os(loc);
          if (auto file = dyn_cast<FileLineColLoc>(diag.getLocation()))
            os << file.getFilename().getValue() << ":" << file.getLine() << ":"
               << file.getColumn();
          else
            os << options.input;
          diagnostics += loc + ": error: " + diag.str() + "\n";
        }
        return success();
      });
  llvm::SourceMgr sourceMgr;
  OwningOpRef<ModuleOp> &module = session->module;
  module = parseSourceFileChecked(options.input, sourceMgr, &ctx);
  if (!module) {
    error = diagnostics.empty() ? "cannot parse " + options.input : diagnostics;
    return std::nullopt;
  }
  std::string templateIR;
  {
    llvm::raw_string_ostream os(templateIR);
    module->print(os, OpPrintingFlags().printGenericOpForm());
  }
  auto quote = [](const std::string &s) { return "'" + s + "'"; };
  std::string expand = "tl-expand-configs{target=" + result.target;
  if (!options.instantiate.empty())
    expand += " instantiate=" + options.instantiate;
  if (!options.configsFile.empty())
    expand += " configs-file=" + quote(options.configsFile);
  if (!options.constraint.empty())
    expand += " constraint=" + quote(options.constraint);
  if (!options.funcName.empty())
    expand += " func=" + options.funcName;
  expand += " max-configs=" + std::to_string(options.maxConfigs) + "}";
  PassManager pm(&ctx);
  if (failed(parsePassPipeline(expand, pm)) || failed(pm.run(*module))) {
    error = diagnostics.empty() ? "expansion failed" : diagnostics;
    return std::nullopt;
  }
  SmallVector<ModuleOp> configs(module->getBody()->getOps<ModuleOp>());
  if (configs.empty()) {
    error = "No configurations to tune: " + options.input +
            " has no template to expand (a tl.func with params)";
    return std::nullopt;
  }

  endPhase("expand");
  // The cache key.
  CacheKey key;
  key.add("tool", std::string("TileMLIR ") + TL_VERSION_STRING);
  key.add("template", templateIR);
  std::string configList;
  for (ModuleOp config : configs) {
    llvm::raw_string_ostream os(configList);
    os << config.getSymName().value_or("") << " "
       << config->getAttr("tl.config") << "\n";
  }
  key.add("configs", configList);
  key.add("compile",
          "target=" + result.target + " expand=" + expand +
              " timeout=" + std::to_string(options.compileTimeoutSeconds) +
              (cuda ? "" : " cpu=" + *hostCpu));
  std::string profile = llvm::formatv(
      "warmup={0} rep={1} supply={2} seed={3} rtol={4} atol={5} ratio={6} "
      "skip={7} threads={8} prune={9} warmup_ms={10} rep_ms={11}",
      options.warmup, options.rep, tlrt::supplyTypeName(options.supply),
      options.seed, options.tolerance.rtol, options.tolerance.atol,
      options.tolerance.maxMismatchedRatio, options.skipCheck,
      options.hostThreads, options.pruneRatio, options.warmupMs, options.repMs);
  for (const std::string &f : options.inputFiles)
    profile += " input=" + sha256Hex(readFile(f).value_or(f));
  for (const std::string &f : options.refFiles)
    profile += " ref=" + sha256Hex(readFile(f).value_or(f));
  for (int o : options.outIdx)
    profile += " out=" + std::to_string(o);
  key.add("profile", profile);
  key.add("toolchain",
          std::string("LLVM ") + LLVM_VERSION_STRING +
              (cuda ? " ptxas " + ptxasVersion(findCudaToolkit("")) : ""));
  key.add("device", fingerprintJson(result.device));
  std::string keyHex = key.hex();

  auto finish = [&](TuneResult r) {
    r.tuningSeconds = secondsSince(start);
    return r;
  };
  if (!cache.disableAll) {
    std::lock_guard<std::mutex> lock(memoryMutex);
    auto it = memoryCache().find(keyHex);
    if (it != memoryCache().end()) {
      TuneResult hit = it->second;
      hit.fromCache = true;
      return finish(hit);
    }
  }
  LookupResult lookup = lookupEntry(cache, keyHex);
  if (lookup.status == LookupStatus::Hit) {
    TuneResult hit = result;
    hit.fromCache = true;
    hit.cacheEntry = lookup.dir;
    hit.bestDir = lookup.dir;
    std::string why;
    tlrt::KernelInfo info;
    bool sound = parseCachedCandidates(lookup.files["candidates.jsonl"],
                                       lookup.files["best.txt"], hit.candidates,
                                       hit.best, why);
    if (sound && !tlrt::parseKernelInfo(lookup.files["kernel.json"], info, why))
      sound = false;
    if (sound)
      return finish(hit);
    // Consistent with its manifest but not a sound result: rebuilt.
    lookup.status = LookupStatus::Damaged;
    lookup.reason = why;
    removeCacheEntry(cache, lookup.dir);
  }
  if (lookup.status == LookupStatus::Damaged)
    llvm::errs() << "tl-tune: cache entry " << keyHex << " was damaged ("
                 << lookup.reason << "); it was removed and is rebuilt\n";

  // Work directory for this run's binaries.
  llvm::SmallString<128> work;
  llvm::sys::fs::create_directories(cache.tmpDir);
  if (llvm::sys::fs::createUniqueDirectory(cache.tmpDir + "/run", work) &&
      llvm::sys::fs::createUniqueDirectory("tl-tune", work)) {
    error = "cannot create a work directory in " + cache.tmpDir +
            " or the system's temporary directory";
    return std::nullopt;
  }
  // Removed when the run ends (what is kept was copied to the cache or
  // --output), unless an abandoned compile may still write into it.
  struct WorkDirGuard {
    std::string dir;
    std::unique_ptr<CompileSession> &session;
    ~WorkDirGuard() {
      if (!session || !session->stillRunning())
        llvm::sys::fs::remove_directories(dir);
    }
  } workGuard{std::string(work), session};

  preloadPipelineDialects(&ctx);
  // The host reference (the template with its default parameters) builds
  // on its own thread while the candidates compile.
  std::string refDir = (work + "/reference").str();
  std::string refError;
  bool refBuilt = false;
  bool wantReference = !options.skipCheck && options.refFiles.empty();
  std::atomic<bool> refThreadDone{false};
  std::thread refThread([&] {
    struct Done {
      std::atomic<bool> &flag;
      ~Done() { flag = true; }
    } done{refThreadDone};
    if (!wantReference)
      return;
    // Its own context: nothing it loads or uniques races with the compile.
    MLIRContext refCtx(registry, MLIRContext::Threading::DISABLED);
    refCtx.loadAllAvailableDialects();
    preloadPipelineDialects(&refCtx);
    CapturedDiagnostics refDiagnostics(&refCtx);
    llvm::SourceMgr refSourceMgr;
    OwningOpRef<ModuleOp> refModule =
        parseSourceFileChecked(options.input, refSourceMgr, &refCtx);
    if (!refModule) {
      refError = "cannot parse " + options.input + " again";
      return;
    }
    refModule->walk([](FuncOp f) { f.removeConfigsAttr(); });
    PassManager refPm(&refCtx);
    HostCompileOptions refOptions;
    refOptions.cpu = *hostCpu;
    std::string refExpand = "tl-expand-configs{target=host";
    if (!options.instantiate.empty())
      refExpand += " instantiate=" + options.instantiate;
    if (!options.funcName.empty())
      refExpand += " func=" + options.funcName;
    refExpand += "}";
    SmallVector<ModuleOp> refConfigs;
    if (succeeded(parsePassPipeline(refExpand, refPm)) &&
        succeeded(refPm.run(*refModule)))
      refConfigs.assign(refModule->getBody()->getOps<ModuleOp>().begin(),
                        refModule->getBody()->getOps<ModuleOp>().end());
    refBuilt = refConfigs.size() == 1 &&
               succeeded(compileHostKernel(refConfigs.front(), refDir,
                                           refOptions, refError));
    if (!refBuilt && refError.empty())
      refError = refDiagnostics.str();
  });
  struct JoinGuard {
    std::thread &t;
    ~JoinGuard() {
      if (t.joinable())
        t.join();
    }
  } joinGuard{refThread};

  // Every config's name, config and IR, recorded before the compiles start
  // (printing while other threads compile would race with them).
  size_t n = configs.size();
  result.candidates.resize(n);
  std::vector<std::string> dirs(n), irs(n);
  for (size_t i = 0; i < n; ++i) {
    CandidateRecord &r = result.candidates[i];
    r.index = static_cast<int>(i);
    r.name = configs[i].getSymName().value_or("kernel").str();
    llvm::raw_string_ostream os(r.configJson);
    llvm::json::Object c;
    if (auto dict = configs[i]->getAttrOfType<DictionaryAttr>("tl.config"))
      for (NamedAttribute e : dict)
        if (auto v = dyn_cast<IntegerAttr>(e.getValue()))
          c[e.getName().getValue()] = v.getInt();
    os << llvm::json::Value(std::move(c));
    llvm::raw_string_ostream ir(irs[i]);
    configs[i].print(ir, OpPrintingFlags().useLocalScope());
    dirs[i] = (work + "/" + std::to_string(i)).str();
  }

  // Compile on the MLIR thread pool; the task captures nothing of this
  // frame, since an abandoned one may outlive it.
  double compileTimeout = options.compileTimeoutSeconds;
  std::string chip = options.chip, cpu = *hostCpu;
  session->start(n, [configs =
                         std::vector<ModuleOp>(configs.begin(), configs.end()),
                     dirs, cuda, chip, cpu, compileTimeout](size_t i) {
    auto t0 = Clock::now();
    Deadline deadline =
        compileTimeout > 0
            ? t0 + std::chrono::duration_cast<Clock::duration>(
                       std::chrono::duration<double>(compileTimeout))
            : kNoDeadline;
    CompileSession::Outcome outcome;
    LogicalResult ok = failure();
    if (cuda) {
      CudaCompileOptions cudaOptions;
      cudaOptions.chip = chip;
      cudaOptions.deadline = deadline;
      ok = compileCudaKernel(configs[i], dirs[i], cudaOptions, outcome.message);
    } else {
      HostCompileOptions hostOptions;
      hostOptions.deadline = deadline;
      hostOptions.cpu = cpu;
      ok = compileHostKernel(configs[i], dirs[i], hostOptions, outcome.message);
    }
    outcome.ok = succeeded(ok);
    outcome.seconds = secondsSince(t0);
    return outcome;
  });

  // Candidates are screened (a few runs each) as they compile on a GPU;
  // on the host, compiling would disturb the timings, so screening waits.
  // Those within --prune-ratio of the best screened median get the full
  // warm-up and repetitions; the others keep their screening figures as
  // "pruned". A check rides along with the first run that finds the
  // reference ready; the rest are checked at the end.
  const int kScreenWarmup = 2, kScreenRuns = 10;
  RunRequest full{false, options.warmup, options.rep, options.warmupMs,
                  options.repMs};
  bool prune = options.pruneRatio >= 1 &&
               (options.repMs > 0 || options.rep > 2 * kScreenRuns);
  RunRequest screen =
      prune ? RunRequest{false, kScreenWarmup, kScreenRuns} : full;
  bool overlap = cuda;
  Workload workload;
  workload.referenceFile = (work + "/reference.bin").str();
  std::unique_ptr<Worker> worker;
  std::vector<double> flops(n, 0);
  std::vector<char> checked(n, 0);
  std::vector<size_t> runnable; // compiled, in the order they finished
  // The inputs, from the first kernel.json there is: the reference's or a
  // candidate's (the same template, the same arguments).
  bool haveWorkload = false;
  auto ensureWorkload = [&](const std::string &kernelJson) {
    haveWorkload =
        haveWorkload || buildWorkload(options, kernelJson, workload, error);
    return haveWorkload;
  };
  enum class Ref {
    Given,
    Building,
    Running,
    Ready
  } ref = !wantReference ? Ref::Given : Ref::Building;
  pid_t refPid = -1;
  // Moves the host reference along (compiled -> running -> ready); false
  // with `error` when it cannot be had.
  auto advanceReference = [&](bool wait) {
    if (ref == Ref::Building) {
      if (!wait && !refThreadDone)
        return true;
      refThread.join();
      if (!refBuilt) {
        error = "cannot build the host reference (the template with its "
                "default parameters): " +
                (refError.empty() ? diagnostics : refError) +
                "; give --ref files or --skip-check";
        return false;
      }
      if (!ensureWorkload(refDir + "/kernel.json"))
        return false;
      refPid = startReference(refDir, workload, workload.referenceFile);
      ref = Ref::Running;
    }
    if (ref == Ref::Running) {
      int status = 0;
      pid_t done = waitpid(refPid, &status, wait ? 0 : WNOHANG);
      if (done == 0)
        return true;
      if (done < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        error = "the host reference failed to run; give --ref files or "
                "--skip-check";
        return false;
      }
      ref = Ref::Ready;
      result.referenceSeconds = secondsSince(start);
    }
    return true;
  };
  struct ReapGuard {
    pid_t &pid;
    ~ReapGuard() {
      if (pid > 0 && waitpid(pid, nullptr, WNOHANG) == 0) {
        kill(pid, SIGKILL);
        waitpid(pid, nullptr, 0);
      }
    }
  } reapGuard{refPid};
  auto measure = [&](size_t i, RunRequest req) {
    req.check = !options.skipCheck && !checked[i] &&
                (ref == Ref::Given || ref == Ref::Ready);
    llvm::json::Object reply = worker->run(dirs[i], req);
    applyReply(result.candidates[i], reply, req, flops[i]);
    checked[i] |= req.check;
  };

  // While waiting for compiles: start the reference as soon as it is
  // built, and on a GPU check the candidates screened before it was ready.
  bool idleFailed = false;
  auto idle = [&]() -> bool {
    if (idleFailed || !advanceReference(false)) {
      idleFailed = true;
      return false;
    }
    if (!overlap || !worker || ref != Ref::Ready)
      return false;
    for (size_t i : runnable)
      if (!checked[i] && result.candidates[i].status == "ok") {
        measure(i, RunRequest{});
        return true;
      }
    return false;
  };
  size_t compiledCount = 0;
  progress("compile", 0, n);
  while (std::optional<CompileSession::Event> event =
             session->next(compileTimeout > 0 ? compileTimeout : 1e300, idle)) {
    if (idleFailed)
      return std::nullopt;
    size_t i = event->index;
    CandidateRecord &r = result.candidates[i];
    progress("compile", ++compiledCount, n);
    if (event->timedOut) {
      r.status = "compile_timeout";
      r.compileSeconds = compileTimeout;
      r.message = llvm::formatv("still compiling after --compile-timeout {0} "
                                "s; abandoned",
                                llvm::format("%g", compileTimeout));
      continue;
    }
    CompileSession::Outcome outcome = session->outcome(i);
    r.compileSeconds = outcome.seconds;
    if (!outcome.ok) {
      bool late = compileTimeout > 0 && outcome.seconds >= compileTimeout;
      r.status = late ? "compile_timeout" : "compile_error";
      r.message = outcome.message;
      continue;
    }
    tlrt::KernelInfo info;
    std::string e;
    if (tlrt::loadKernelInfo(dirs[i] + "/kernel.json", info, e))
      flops[i] = info.gemmFlops;
    if (!worker) {
      if (!ensureWorkload(dirs[i] + "/kernel.json"))
        return std::nullopt;
      worker = std::make_unique<Worker>(workload, options, cuda);
    }
    runnable.push_back(i);
    if (!advanceReference(false))
      return std::nullopt;
    if (overlap)
      measure(i, screen);
  }
  if (idleFailed)
    return std::nullopt;
  endPhase("compile");
  auto writeLog = [&](const TuneResult &r) {
    std::ofstream log(options.logFile, std::ios::app);
    for (const CandidateRecord &c : r.candidates)
      log << recordJson(c) << "\n";
  };
  if (!worker) {
    error = "every config failed to compile; first error: " +
            result.candidates.front().message;
    writeLog(result);
    return std::nullopt;
  }

  size_t measured = 0;
  // On the host the reference must not share the CPU with the timings.
  if (!overlap && !options.skipCheck && !advanceReference(true))
    return std::nullopt;
  if (!overlap)
    for (size_t i : runnable) {
      progress("benchmark", measured++, runnable.size());
      if (!advanceReference(false))
        return std::nullopt;
      measure(i, screen);
    }
  if (prune) {
    double best = 0;
    for (size_t i : runnable)
      if (result.candidates[i].status == "ok" &&
          (best == 0 || result.candidates[i].medianMs < best))
        best = result.candidates[i].medianMs;
    for (size_t i : runnable) {
      CandidateRecord &r = result.candidates[i];
      if (r.status != "ok")
        continue;
      if (r.medianMs > options.pruneRatio * best) {
        r.status = "pruned";
        r.message =
            llvm::formatv("median {0:F4} ms over {1} screening runs, more than "
                          "--prune-ratio {2} x the best's {3:F4} ms",
                          r.medianMs, r.samples.size(),
                          llvm::format("%g", options.pruneRatio), best);
        continue;
      }
      progress("benchmark", measured++, runnable.size());
      if (!advanceReference(false))
        return std::nullopt;
      measure(i, full);
    }
  }
  progress("benchmark", runnable.size(), runnable.size());
  endPhase("benchmark");

  // Candidates timed before the reference was ready are checked now.
  if (!options.skipCheck) {
    if (!advanceReference(true))
      return std::nullopt;
    size_t done = 0;
    for (size_t i : runnable) {
      progress("validate", done++, runnable.size());
      CandidateRecord &r = result.candidates[i];
      if (!checked[i] && (r.status == "ok" || r.status == "pruned"))
        measure(i, RunRequest{});
    }
    progress("validate", runnable.size(), runnable.size());
    endPhase("validate");
  }
  worker.reset();
  for (size_t i = 0; i < result.candidates.size(); ++i) {
    const CandidateRecord &r = result.candidates[i];
    if (r.status == "ok" &&
        (result.best < 0 ||
         r.medianMs < result.candidates[result.best].medianMs))
      result.best = static_cast<int>(i);
  }
  result.abandonedCompiles = session->stillRunning();
  writeLog(result);
  if (result.best < 0) {
    result.bestDir.clear();
    return finish(result);
  }

  // Store: the guide's files, the candidates' records, the key's parts.
  const CandidateRecord &best = result.candidates[result.best];
  std::string bestDir = dirs[result.best];
  std::map<std::string, std::string> files;
  files["best_config.json"] = best.configJson;
  {
    std::string s;
    llvm::raw_string_ostream os(s);
    os << llvm::json::Value(
        llvm::json::Object{{"latency_ms", best.medianMs},
                           {"samples_ms", llvm::json::Array(best.samples)}});
    files["latency.json"] = s;
  }
  for (const char *name :
       {"kernel.so", "kernel.cubin", "kernel.ptx", "kernel.json"})
    if (std::optional<std::string> c = readFile(bestDir + "/" + name))
      files[name] = *c;
  files["kernel.mlir"] = irs[result.best];
  std::string records;
  for (const CandidateRecord &c : result.candidates)
    records += recordJson(c) + "\n";
  files["candidates.jsonl"] = records;
  files["best.txt"] = std::to_string(result.best);
  {
    llvm::json::Object parts;
    for (const auto &[name, value] : key.parts())
      parts[name] = name == "template" ? sha256Hex(value) : value;
    std::string s;
    llvm::raw_string_ostream os(s);
    os << llvm::formatv("{0:2}", llvm::json::Value(std::move(parts)));
    files["key.json"] = s;
  }
  result.bestDir.clear(); // the work directory goes away
  if (cache.diskEnabled()) {
    std::string storeError;
    std::optional<std::string> entry =
        storeEntry(cache, keyHex, files, storeError);
    if (entry) {
      result.cacheEntry = *entry;
      result.bestDir = *entry;
    } else {
      llvm::errs() << "tl-tune: not cached: " << storeError << "\n";
    }
  }
  if (!options.outputDir.empty()) {
    std::string saveError;
    if (failed(saveResult(options.outputDir, files, saveError))) {
      error = "tuned (best: " + best.configJson + ", " +
              llvm::formatv("{0:F4}", best.medianMs).str() + " ms" +
              (result.cacheEntry.empty() ? ""
                                         : "; cached in " + result.cacheEntry) +
              ") but not saved: " + saveError;
      return std::nullopt;
    }
    if (result.bestDir.empty())
      result.bestDir = options.outputDir;
  }
  endPhase("store");
  if (!cache.disableAll) {
    std::lock_guard<std::mutex> lock(memoryMutex);
    memoryCache()[keyHex] = result;
  }
  return finish(result);
}

bool mlir::tl::runSaved(const std::string &dir, const TuneOptions &options,
                        std::string &report, std::string &error) {
  tlrt::KernelInfo info;
  if (!tlrt::loadKernelInfo(dir + "/kernel.json", info, error))
    return false;
  bool cuda = llvm::sys::fs::exists(dir + "/kernel.cubin");
  if (!fitsHostMemory(info, {}, 1, error))
    return false;
  std::optional<std::string> out = inChild([&]() -> std::string {
    std::string e;
    auto device = cuda ? tlrt::createCudaDevice(0, e)
                       : tlrt::createHostDevice(options.hostThreads);
    if (!device)
      return "error:" + e;
    auto kernel = device->load(dir, info, e);
    if (!kernel)
      return "error:" + e;
    std::vector<void *> ptrs(info.args.size()), argv(info.args.size());
    std::vector<uint64_t> scalars(info.args.size());
    for (size_t i = 0; i < info.args.size(); ++i) {
      if (!info.args[i].isTensor) {
        tlrt::storeElement(&scalars[i], info.args[i].dtype, 0, 1.0);
        argv[i] = &scalars[i];
        continue;
      }
      std::vector<unsigned char> host(info.args[i].byteSize());
      tlrt::fillBuffer(host.data(), info.args[i].dtype,
                       info.args[i].numElements(), options.supply, i);
      ptrs[i] = device->allocate(host.size(), e);
      if (!ptrs[i] ||
          !device->copyToDevice(ptrs[i], host.data(), host.size(), e))
        return "error:" + e;
      argv[i] = &ptrs[i];
    }
    std::vector<double> samples;
    if (!kernel->run(argv.data(), e) ||
        !kernel->time(argv.data(), options.warmup, options.rep, samples, e))
      return "error:" + e;
    return llvm::formatv("{0}: config {1}, median {2:F4} ms over {3} runs",
                         info.name, info.configJson, median(samples),
                         samples.size())
        .str();
  });
  if (!out || out->rfind("error:", 0) == 0) {
    error = out ? out->substr(6) : "the saved kernel crashed";
    return false;
  }
  report = *out;
  return true;
}
