//===- DeviceProbe.cpp - The device a tuning runs on ----------------------===//

#include "tl/Tuner/DeviceProbe.h"
#include "tl/Tuner/ChildProcess.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Program.h"

#include <algorithm>
#include <cstdlib>
#include <dlfcn.h>
#include <fstream>
#include <unistd.h>

using namespace mlir::tl;

using Fingerprinter = std::optional<tlrt::DeviceFingerprint> (*)(int,
                                                                 std::string &);
using Fingerprints = std::vector<tlrt::DeviceFingerprint>;

/// Every device's fingerprint from `fingerprint` (ordinals 0, 1, ... up to
/// the first that fails), one JSON object a line; "error:" and why device 0
/// failed.
static std::string fingerprintLines(Fingerprinter fingerprint) {
  std::string lines, error;
  for (int ordinal = 0; ordinal < 64; ++ordinal) {
    std::optional<tlrt::DeviceFingerprint> f = fingerprint(ordinal, error);
    if (!f)
      break;
    lines += f->toJson() + "\n";
  }
  return lines.empty() ? "error:" + error : lines;
}

/// The fingerprints of `lines` (fingerprintLines'); empty when any line is
/// not one.
static Fingerprints parseFingerprintLines(llvm::StringRef lines) {
  Fingerprints all;
  llvm::SmallVector<llvm::StringRef> split;
  lines.split(split, '\n', -1, /*KeepEmpty=*/false);
  for (llvm::StringRef line : split) {
    std::optional<tlrt::DeviceFingerprint> f =
        tlrt::DeviceFingerprint::fromJson(line.str());
    if (!f)
      return {};
    all.push_back(*f);
  }
  return all;
}

/// Every device's fingerprint from `fingerprint`, probed in a child process
/// (this process must stay free of CUDA and HIP to fork workers), or here
/// when this process has loaded `library` already (Python with torch, say:
/// a forked child could not use it, and the workers are tl-worker programs
/// then). Empty with `why` when there is none.
static Fingerprints probeInChild(Fingerprinter fingerprint, const char *library,
                                 const char *what, std::string &why) {
  std::optional<std::string> out =
      dlopen(library, RTLD_NOW | RTLD_NOLOAD)
          ? fingerprintLines(fingerprint)
          : inChild([fingerprint] { return fingerprintLines(fingerprint); });
  if (!out) {
    why = std::string("the ") + what + " probe crashed";
    return {};
  }
  if (out->rfind("error:", 0) == 0) {
    why = out->substr(6);
    return {};
  }
  Fingerprints all = parseFingerprintLines(*out);
  if (all.empty())
    why = std::string("the ") + what + " probe answered nonsense";
  return all;
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

/// Every CUDA device's fingerprint: remembered per driver identity under
/// <cache>/devices/ (a probe initializes CUDA in a child process, which
/// costs a few hundred milliseconds), probed when not known.
static Fingerprints cudaFingerprints(const CacheSettings &cache,
                                     std::string &why) {
  std::string identity = nvidiaIdentity();
  std::string remembered;
  if (!identity.empty() && !cache.disableAll)
    remembered = cache.cacheDir + "/devices/" + sha256Hex(identity) + ".jsonl";
  if (!remembered.empty())
    if (std::optional<std::string> text = readFile(remembered)) {
      Fingerprints all = parseFingerprintLines(*text);
      if (!all.empty())
        return all;
    }
  Fingerprints all =
      probeInChild(tlrt::cudaFingerprint, "libcuda.so.1", "CUDA", why);
  if (!all.empty() && !remembered.empty()) {
    llvm::sys::fs::create_directories(cache.cacheDir + "/devices");
    std::string tmp = remembered + "." + std::to_string(::getpid());
    {
      std::ofstream out(tmp);
      for (const tlrt::DeviceFingerprint &f : all)
        out << f.toJson() << "\n";
    }
    std::rename(tmp.c_str(), remembered.c_str());
  }
  return all;
}

std::vector<tlrt::DeviceFingerprint>
mlir::tl::hipFingerprints(std::string &why) {
  const char *library = std::getenv("TL_HIP_LIBRARY");
  return probeInChild(tlrt::hipFingerprint,
                      library && *library ? library : "libamdhip64.so", "HIP",
                      why);
}

std::optional<ProbedDevice> mlir::tl::probeDevice(Target requested,
                                                  const CacheSettings &cache,
                                                  std::string &error) {
  std::string cudaWhy, hipWhy;
  if (requested == Target::Auto || requested == Target::Cuda) {
    Fingerprints all = cudaFingerprints(cache, cudaWhy);
    if (!all.empty())
      return ProbedDevice{Target::Cuda, all};
    if (requested == Target::Cuda) {
      error = "--target cuda: " + cudaWhy;
      return std::nullopt;
    }
  }
  if (requested == Target::Auto || requested == Target::Hip) {
    Fingerprints all = hipFingerprints(hipWhy);
    if (!all.empty())
      return ProbedDevice{Target::Hip, all};
    if (requested == Target::Hip) {
      error = "--target hip: " + hipWhy;
      return std::nullopt;
    }
  }
  return ProbedDevice{Target::Host, {tlrt::hostFingerprint()}};
}

/// Whether timings on `a` and `b` may be ranked together.
static bool sameModel(const tlrt::DeviceFingerprint &a,
                      const tlrt::DeviceFingerprint &b) {
  return a.kind == b.kind && a.name == b.name &&
         a.computeCapability == b.computeCapability &&
         a.multiprocessors == b.multiprocessors && a.l2Bytes == b.l2Bytes &&
         a.driverVersion == b.driverVersion;
}

static std::string describe(int ordinal, const tlrt::DeviceFingerprint &f) {
  return llvm::formatv("device {0} ({1}, {2}, {3} SMs)", ordinal, f.name,
                       f.computeCapability, f.multiprocessors)
      .str();
}

std::optional<std::vector<int>>
mlir::tl::selectDevices(llvm::StringRef spec,
                        const std::vector<tlrt::DeviceFingerprint> &visible,
                        std::string &note, std::string &error) {
  int count = static_cast<int>(visible.size());
  std::vector<int> chosen;
  spec = spec.trim();
  if (spec.empty() || spec == "all") {
    // Every device of device 0's model; the others are left out, said so.
    for (int d = 0; d < count; ++d)
      if (sameModel(visible[d], visible[0]))
        chosen.push_back(d);
      else
        note += (note.empty() ? "left out " : ", ") + describe(d, visible[d]);
    if (!note.empty())
      note += ": not the model of " + describe(0, visible[0]) +
              " (timings of different models are never ranked together; "
              "--devices picks others)";
    return chosen;
  }
  llvm::SmallVector<llvm::StringRef> parts;
  spec.split(parts, ',');
  for (llvm::StringRef part : parts) {
    int d;
    if (part.trim().getAsInteger(10, d) || d < 0 || d >= count) {
      error = llvm::formatv("--devices {0}: '{1}' is not a device here: give "
                            "all, or ordinals from 0 to {2} separated by "
                            "commas",
                            spec, part.trim(), count - 1)
                  .str();
      return std::nullopt;
    }
    if (llvm::is_contained(chosen, d)) {
      error = llvm::formatv("--devices {0}: device {1} is named twice", spec, d)
                  .str();
      return std::nullopt;
    }
    chosen.push_back(d);
  }
  for (int d : chosen)
    if (!sameModel(visible[d], visible[chosen[0]])) {
      error = "--devices " + spec.str() + ": " + describe(d, visible[d]) +
              " is not the model of " +
              describe(chosen[0], visible[chosen[0]]) +
              "; timings of different models are never ranked together: tune "
              "each model with its own --devices";
      return std::nullopt;
    }
  return chosen;
}

std::optional<std::string> mlir::tl::cudaChipFor(llvm::StringRef cc) {
  if (cc == "9.0")
    return std::string("sm_90a"); // wgmma and TMA are sm_90a's
  if (cc == "8.0" || cc == "8.6" || cc == "8.9")
    return "sm_" + cc.substr(0, 1).str() + cc.substr(2).str();
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
