//===- DeviceProbe.cpp - The device a tuning runs on ----------------------===//

#include "tl/Tuner/DeviceProbe.h"
#include "tl/Tuner/ChildProcess.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Program.h"

#include <algorithm>
#include <dlfcn.h>
#include <fstream>
#include <unistd.h>

using namespace mlir::tl;

/// The CUDA device 0's fingerprint, probed in a child process (this process
/// must stay free of CUDA to fork workers), or here when this process has
/// loaded the driver already (Python with torch, say: a forked child could
/// not use it, and the workers are tl-worker programs then).
static std::optional<tlrt::DeviceFingerprint> probeCuda(std::string &why) {
  if (dlopen("libcuda.so.1", RTLD_NOW | RTLD_NOLOAD))
    return tlrt::cudaFingerprint(0, why);
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
  return tlrt::DeviceFingerprint::fromJson(*out);
}

/// The NVIDIA driver's view of GPU 0 without initializing CUDA: the driver
/// version and the GPU's model and UUID from /proc/driver/nvidia. Empty when
/// the driver does not publish them.
static std::string nvidiaIdentity() {
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
static std::optional<tlrt::DeviceFingerprint>
cudaFingerprint(const CacheSettings &cache, std::string &why) {
  std::string identity = nvidiaIdentity();
  std::string remembered;
  if (!identity.empty() && !cache.disableAll)
    remembered = cache.cacheDir + "/devices/" + sha256Hex(identity) + ".json";
  if (!remembered.empty())
    if (std::optional<std::string> text = readFile(remembered))
      if (auto f = tlrt::DeviceFingerprint::fromJson(*text))
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

std::optional<ProbedDevice> mlir::tl::probeDevice(Target requested,
                                                  const CacheSettings &cache,
                                                  std::string &error) {
  switch (requested) {
  case Target::Auto:
  case Target::Cuda: {
    std::string why;
    if (std::optional<tlrt::DeviceFingerprint> f = cudaFingerprint(cache, why))
      return ProbedDevice{Target::Cuda, *f};
    if (requested == Target::Cuda) {
      error = "--target cuda: " + why;
      return std::nullopt;
    }
    return ProbedDevice{Target::Host, tlrt::hostFingerprint()};
  }
  case Target::Hip:
    // tune() compiles for HIP and stops before a tuning run probes.
    error = "--target hip: the tuner does not run candidates on HIP devices "
            "yet; use cuda or host";
    return std::nullopt;
  case Target::Host:
    return ProbedDevice{Target::Host, tlrt::hostFingerprint()};
  }
  return std::nullopt;
}

std::string mlir::tl::ptxasVersion(const std::string &toolkit) {
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
