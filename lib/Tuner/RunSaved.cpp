//===- RunSaved.cpp - A saved result: the guide's load_from_disk ----------===//

#include "tl/Tuner/ChildProcess.h"
#include "tl/Tuner/ResultFiles.h"
#include "tl/Tuner/Tuner.h"
#include "tl/Tuner/Workload.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"

using namespace mlir::tl;

/// Runs and times the kernel in `dir` (in the child process).
static std::string runAndTime(const std::string &dir,
                              const tlrt::KernelInfo &info,
                              const ProfileOptions &profile) {
  std::string e;
  auto device =
      tlrt::createDevice(tlrt::binaryKind(dir), 0, profile.hostThreads, e);
  if (!device)
    return "error:" + e;
  auto kernel = device->load(dir, info, e);
  if (!kernel)
    return "error:" + e;
  ArgumentBinding binding;
  bool bound = binding.bind(
      info,
      [&](size_t i) -> void * {
        const tlrt::ArgInfo &a = info.args[i];
        std::vector<unsigned char> host(a.byteSize());
        tlrt::fillBuffer(host.data(), a.dtype, a.numElements(), profile.supply,
                         i);
        void *p = device->allocate(host.size(), e);
        return p && device->copyToDevice(p, host.data(), host.size(), e)
                   ? p
                   : nullptr;
      },
      [](size_t) { return 1.0; });
  std::vector<double> samples;
  if (!bound || !kernel->run(binding.argv(), e) ||
      !kernel->time(binding.argv(), profile.warmup, profile.rep, samples, e))
    return "error:" + e;
  return llvm::formatv("{0}: config {1}, median {2:F4} ms over {3} runs",
                       info.name, info.configJson, median(samples),
                       samples.size())
      .str();
}

bool mlir::tl::runSaved(const std::string &dir, const ProfileOptions &profile,
                        std::string &report, std::string &error) {
  tlrt::KernelInfo info;
  if (!tlrt::loadKernelInfo(dir + "/kernel.json", info, error))
    return false;
  if (!fitsHostMemory(info, {}, 1, error))
    return false;
  std::optional<std::string> out =
      inChild([&] { return runAndTime(dir, info, profile); });
  if (!out || out->rfind("error:", 0) == 0) {
    error = out ? out->substr(6) : "the saved kernel crashed";
    return false;
  }
  report = *out;
  return true;
}

std::optional<TuneResult> mlir::tl::loadResult(const std::string &dir,
                                               std::string &error) {
  ResultFiles files;
  for (const char *name : {"candidates.jsonl", "best.txt", "kernel.json"})
    if (std::optional<std::string> contents = readFile(dir + "/" + name))
      files[name] = *contents;
  TuneResult result;
  std::string why;
  tlrt::KernelInfo info;
  if (!readResultFiles(files, result.candidates, result.best, why) ||
      !tlrt::parseKernelInfo(files["kernel.json"], info, why)) {
    error = dir + " is not a saved tuning result (" + why +
            "); give a directory written by --output or a cache entry";
    return std::nullopt;
  }
  result.fromCache = true;
  result.bestDir = dir;
  result.target = info.target;
  return result;
}
