//===- Device.cpp - Device fingerprints and the host device ---------------===//
//
// CudaDevice.cpp has the CUDA device (CudaDriver.cpp its driver API).
//

#include "tl/Runtime/Device.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <fstream>
#include <thread>

using namespace tlrt;

std::string DeviceFingerprint::toJson() const {
  nlohmann::json j{{"kind", kind},
                   {"name", name},
                   {"compute_capability", computeCapability},
                   {"multiprocessors", multiprocessors},
                   {"l2_bytes", l2Bytes},
                   {"driver", driverVersion}};
  return j.dump();
}

std::optional<DeviceFingerprint>
DeviceFingerprint::fromJson(const std::string &text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object())
    return std::nullopt;
  try {
    DeviceFingerprint f;
    f.kind = j.value("kind", std::string());
    f.name = j.value("name", std::string());
    f.computeCapability = j.value("compute_capability", std::string());
    f.multiprocessors = j.value("multiprocessors", 0);
    f.l2Bytes = j.value("l2_bytes", 0LL);
    f.driverVersion = j.value("driver", std::string());
    return f;
  } catch (const nlohmann::json::exception &) {
    return std::nullopt; // a field of the wrong type
  }
}

//===----------------------------------------------------------------------===//
// Host
//===----------------------------------------------------------------------===//

DeviceFingerprint tlrt::hostFingerprint() {
  DeviceFingerprint f;
  f.kind = "host";
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line)) {
    auto value = [&] {
      size_t colon = line.find(':');
      return colon == std::string::npos ? std::string()
                                        : line.substr(colon + 2);
    };
    if (f.name.empty() && line.rfind("model name", 0) == 0)
      f.name = value();
    if (f.computeCapability.empty() && line.rfind("flags", 0) == 0)
      f.computeCapability = std::to_string(std::hash<std::string>()(value()));
  }
  f.multiprocessors = static_cast<int>(std::thread::hardware_concurrency());
  return f;
}

namespace {
class HostLoaded : public LoadedKernel {
public:
  HostLoaded(std::unique_ptr<HostKernel> k, unsigned threads)
      : kernel(std::move(k)), threads(threads) {}
  bool run(void **args, std::string &) override {
    kernel->launch(args, threads);
    return true;
  }
  bool time(void **args, int warmup, int reps, std::vector<double> &samples,
            std::string &) override {
    for (int i = 0; i < warmup; ++i)
      kernel->launch(args, threads);
    samples.clear();
    for (int i = 0; i < reps; ++i) {
      auto start = std::chrono::steady_clock::now();
      kernel->launch(args, threads);
      samples.push_back(std::chrono::duration<double, std::milli>(
                            std::chrono::steady_clock::now() - start)
                            .count());
    }
    return true;
  }

private:
  std::unique_ptr<HostKernel> kernel;
  unsigned threads;
};

class HostDevice : public Device {
public:
  explicit HostDevice(unsigned threads) : threads(threads) {}
  DeviceFingerprint fingerprint() const override { return hostFingerprint(); }
  void *allocate(size_t bytes, std::string &) override {
    return ::operator new(std::max<size_t>(bytes, 1), std::align_val_t(64));
  }
  void release(void *ptr) override {
    ::operator delete(ptr, std::align_val_t(64));
  }
  bool copyToDevice(void *dst, const void *src, size_t bytes,
                    std::string &) override {
    std::memcpy(dst, src, bytes);
    return true;
  }
  bool copyToHost(void *dst, const void *src, size_t bytes,
                  std::string &) override {
    std::memcpy(dst, src, bytes);
    return true;
  }
  bool copyOnDevice(void *dst, const void *src, size_t bytes,
                    std::string &) override {
    std::memcpy(dst, src, bytes);
    return true;
  }
  bool fill(void *dst, unsigned char value, size_t bytes,
            std::string &) override {
    std::memset(dst, value, bytes);
    return true;
  }
  std::unique_ptr<LoadedKernel> load(const std::string &dir,
                                     const KernelInfo &info,
                                     std::string &error) override {
    auto kernel = HostKernel::load(dir + "/kernel.so", info, error);
    if (!kernel)
      return nullptr;
    return std::make_unique<HostLoaded>(std::move(kernel), threads);
  }

private:
  unsigned threads;
};
} // namespace

std::unique_ptr<Device> tlrt::createHostDevice(unsigned threads) {
  return std::make_unique<HostDevice>(threads);
}

std::unique_ptr<Device> tlrt::createDevice(const std::string &kind, int ordinal,
                                           unsigned hostThreads,
                                           std::string &error) {
  if (kind == "cuda")
    return createCudaDevice(ordinal, error);
  if (kind == "hip")
    return createHipDevice(ordinal, error);
  if (kind == "host")
    return createHostDevice(hostThreads);
  error = "unknown device kind '" + kind + "' (cuda, hip or host)";
  return nullptr;
}

std::string tlrt::binaryKind(const std::string &dir) {
  auto exists = [&](const char *name) {
    return std::ifstream(dir + "/" + name).good();
  };
  return exists("kernel.cubin")   ? "cuda"
         : exists("kernel.hsaco") ? "hip"
                                  : "host";
}
