//===- HipDevice.cpp - AMD GPUs through the HIP module API ----------------===//
//
// libamdhip64 is opened with dlopen at run time (nothing links against
// ROCm; TL_HIP_LIBRARY names another file, which the tests use); kernels
// are HSACO code objects from the HIP target, loaded with
// hipModuleLoadData and launched with hipModuleLaunchKernel. Device
// attributes are queried one by one (hipDeviceGetAttribute), never through
// hipDeviceProp_t, whose layout changed between ROCm releases; the chip's
// ISA name (gfx90a, gfx942) comes from the kernel driver's topology in
// sysfs. Outputs are compared on the host (no device compare kernel yet).
//
// Not run on an AMD GPU yet: no such machine is lent to the project.
//
//===----------------------------------------------------------------------===//

#include "tl/Runtime/Device.h"

#include "DynamicLibrary.h"
#include "GpuTiming.h"
#include "ReadFile.h"

#include <algorithm>
#include <cstdlib>
#include <dlfcn.h>
#include <fstream>

using namespace tlrt;

namespace {
using hipError_t = int;
using hipModule_t = void *;
using hipFunction_t = void *;
using hipStream_t = void *;
using hipEvent_t = void *;

// From ROCm 5.2's hip_runtime_api.h (hipDeviceAttribute_t, hipMemcpyKind).
constexpr int kAttrL2CacheSize = 19;
constexpr int kAttrMultiprocessorCount = 63;
constexpr int kAttrWarpSize = 87;
constexpr int kMemcpyHostToDevice = 1, kMemcpyDeviceToHost = 2,
              kMemcpyDeviceToDevice = 3;

struct HipApi {
  void *lib = nullptr;
  std::string path;
  hipError_t (*hipInit)(unsigned);
  hipError_t (*hipGetDeviceCount)(int *);
  hipError_t (*hipSetDevice)(int);
  hipError_t (*hipDeviceGetAttribute)(int *, int, int);
  hipError_t (*hipDeviceGetName)(char *, int, int);
  hipError_t (*hipDriverGetVersion)(int *);
  hipError_t (*hipMalloc)(void **, size_t);
  hipError_t (*hipFree)(void *);
  hipError_t (*hipHostMalloc)(void **, size_t, unsigned);
  hipError_t (*hipHostFree)(void *);
  hipError_t (*hipMemcpy)(void *, const void *, size_t, int);
  hipError_t (*hipMemset)(void *, int, size_t);
  hipError_t (*hipMemsetAsync)(void *, int, size_t, hipStream_t);
  hipError_t (*hipModuleLoadData)(hipModule_t *, const void *);
  hipError_t (*hipModuleUnload)(hipModule_t);
  hipError_t (*hipModuleGetFunction)(hipFunction_t *, hipModule_t,
                                     const char *);
  hipError_t (*hipModuleLaunchKernel)(hipFunction_t, unsigned, unsigned,
                                      unsigned, unsigned, unsigned, unsigned,
                                      unsigned, hipStream_t, void **, void **);
  hipError_t (*hipDeviceSynchronize)();
  hipError_t (*hipEventCreate)(hipEvent_t *);
  hipError_t (*hipEventRecord)(hipEvent_t, hipStream_t);
  hipError_t (*hipEventElapsedTime)(float *, hipEvent_t, hipEvent_t);
  hipError_t (*hipEventDestroy)(hipEvent_t);
  const char *(*hipGetErrorString)(hipError_t);

  bool open(std::string &error) {
    const char *env = std::getenv("TL_HIP_LIBRARY");
    path = env && *env ? env : "libamdhip64.so";
    lib = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!lib && !(env && *env)) {
      path = "libamdhip64.so.6";
      lib = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    }
    if (!lib) {
      error = "no HIP runtime: " + path + " cannot be loaded (" +
              std::string(dlerror()) +
              "); install ROCm's HIP runtime (libamdhip64) or use --target "
              "cuda or host";
      return false;
    }
    bool ok = true;
    auto sym = [&](auto &fn, const char *name) {
      if (!detail::bindSymbol(lib, fn, name) && ok) {
        error =
            path + " lacks " + name + ": not a HIP runtime TileMLIR can use";
        ok = false;
      }
    };
    sym(hipInit, "hipInit");
    sym(hipGetDeviceCount, "hipGetDeviceCount");
    sym(hipSetDevice, "hipSetDevice");
    sym(hipDeviceGetAttribute, "hipDeviceGetAttribute");
    sym(hipDeviceGetName, "hipDeviceGetName");
    sym(hipDriverGetVersion, "hipDriverGetVersion");
    sym(hipMalloc, "hipMalloc");
    sym(hipFree, "hipFree");
    sym(hipHostMalloc, "hipHostMalloc");
    sym(hipHostFree, "hipHostFree");
    sym(hipMemcpy, "hipMemcpy");
    sym(hipMemset, "hipMemset");
    sym(hipMemsetAsync, "hipMemsetAsync");
    sym(hipModuleLoadData, "hipModuleLoadData");
    sym(hipModuleUnload, "hipModuleUnload");
    sym(hipModuleGetFunction, "hipModuleGetFunction");
    sym(hipModuleLaunchKernel, "hipModuleLaunchKernel");
    sym(hipDeviceSynchronize, "hipDeviceSynchronize");
    sym(hipEventCreate, "hipEventCreate");
    sym(hipEventRecord, "hipEventRecord");
    sym(hipEventElapsedTime, "hipEventElapsedTime");
    sym(hipEventDestroy, "hipEventDestroy");
    sym(hipGetErrorString, "hipGetErrorString");
    if (!ok) {
      dlclose(lib);
      lib = nullptr;
    }
    return ok;
  }

  std::string describe(hipError_t r) const {
    const char *s = hipGetErrorString ? hipGetErrorString(r) : nullptr;
    return s ? s : "HIP error " + std::to_string(r);
  }
};

HipApi &api() {
  static HipApi instance;
  return instance;
}

} // namespace

std::string tlrt::gfxNameOf(long long targetVersion) {
  if (targetVersion <= 0)
    return "";
  // major * 10000 + minor * 100 + stepping; the name spells minor and
  // stepping as one hex digit each: 90010 -> gfx90a, 90402 -> gfx942.
  long long major = targetVersion / 10000, minor = targetVersion / 100 % 100,
            stepping = targetVersion % 100;
  if (minor > 15 || stepping > 15)
    return "";
  const char *hex = "0123456789abcdef";
  return "gfx" + std::to_string(major) + hex[minor] + hex[stepping];
}

/// The ISA names of the AMD GPUs the kernel driver lists, in its order
/// (the order HIP numbers them): sysfs nodes with a gfx_target_version.
static std::vector<std::string> kfdGpuNames() {
  std::vector<std::string> names;
  for (int node = 0; node < 64; ++node) {
    std::ifstream in("/sys/class/kfd/kfd/topology/nodes/" +
                     std::to_string(node) + "/properties");
    if (!in)
      break;
    std::string key;
    long long value = 0;
    while (in >> key >> value)
      if (key == "gfx_target_version" && value > 0)
        names.push_back(gfxNameOf(value));
  }
  return names;
}

/// Opens the runtime and describes device `ordinal`.
static bool queryHipDevice(int ordinal, DeviceFingerprint &fp,
                           std::string &error) {
  HipApi &a = api();
  if (!a.lib && !a.open(error))
    return false;
  hipError_t r = a.hipInit(0);
  int count = 0;
  if (r == 0)
    r = a.hipGetDeviceCount(&count);
  if (r != 0 || count <= ordinal) {
    error = r != 0 ? "HIP runtime (" + a.path + "): " + a.describe(r)
                   : "no HIP device " + std::to_string(ordinal) + " (" +
                         std::to_string(count) + " found)";
    return false;
  }
  char name[256] = {0};
  a.hipDeviceGetName(name, sizeof(name), ordinal);
  int cus = 0, l2 = 0, wave = 0, driver = 0;
  a.hipDeviceGetAttribute(&cus, kAttrMultiprocessorCount, ordinal);
  a.hipDeviceGetAttribute(&l2, kAttrL2CacheSize, ordinal);
  a.hipDeviceGetAttribute(&wave, kAttrWarpSize, ordinal);
  a.hipDriverGetVersion(&driver);
  std::vector<std::string> isas = kfdGpuNames();
  fp.kind = "hip";
  fp.name = name;
  fp.computeCapability =
      ordinal < static_cast<int>(isas.size()) ? isas[ordinal] : "unknown";
  fp.multiprocessors = cus;
  fp.l2Bytes = l2;
  fp.driverVersion = std::to_string(driver) + " wave" + std::to_string(wave);
  return true;
}

namespace {

class HipDevice;

class HipLoaded : public LoadedKernel {
public:
  HipLoaded(HipDevice &device, hipModule_t module, hipFunction_t func,
            KernelInfo info)
      : device(device), module(module), func(func), info(std::move(info)) {}
  ~HipLoaded() override { api().hipModuleUnload(module); }
  bool run(void **args, std::string &error) override {
    if (!launch(args, nullptr, error))
      return false;
    if (hipError_t r = api().hipDeviceSynchronize()) {
      error = "kernel failed: " + api().describe(r);
      return false;
    }
    return true;
  }
  bool launch(void **args, void *stream, std::string &error) override {
    unsigned grid[3] = {1, 1, 1};
    for (size_t i = 0; i < info.grid.size() && i < 3; ++i)
      grid[i] = static_cast<unsigned>(info.grid[i]);
    if (hipError_t r = api().hipModuleLaunchKernel(
            func, grid[0], grid[1], grid[2],
            static_cast<unsigned>(info.threads), 1, 1,
            static_cast<unsigned>(info.sharedMemoryBytes), stream, args,
            nullptr)) {
      error =
          "hipModuleLaunchKernel(" + info.symbol + "): " + api().describe(r);
      return false;
    }
    return true;
  }
  bool time(void **args, int warmup, int reps, std::vector<double> &samples,
            std::string &error) override;

private:
  HipDevice &device;
  hipModule_t module;
  hipFunction_t func;
  KernelInfo info;
};

class HipDevice : public Device {
public:
  bool init(int ordinal, std::string &error) {
    if (!queryHipDevice(ordinal, fp, error))
      return false;
    HipApi &a = api();
    if (hipError_t r = a.hipSetDevice(ordinal)) {
      error = "hipSetDevice(" + std::to_string(ordinal) + "): " + a.describe(r);
      return false;
    }
    // A buffer twice the L2 size, cleared between timed runs.
    flushBytes = std::max<size_t>(2 * static_cast<size_t>(fp.l2Bytes), 1 << 20);
    if (hipError_t r = a.hipMalloc(&flush, flushBytes)) {
      error = "HIP allocation of the L2 flush buffer: " + a.describe(r);
      return false;
    }
    return true;
  }
  ~HipDevice() override {
    if (flush)
      api().hipFree(flush);
  }

  DeviceFingerprint fingerprint() const override { return fp; }
  void *allocate(size_t bytes, std::string &error) override {
    void *p = nullptr;
    if (hipError_t r = api().hipMalloc(&p, std::max<size_t>(bytes, 1))) {
      error = "hipMalloc(" + std::to_string(bytes) + "): " + api().describe(r);
      return nullptr;
    }
    return p;
  }
  void release(void *ptr) override { api().hipFree(ptr); }
  void *allocateHost(size_t bytes, std::string &error) override {
    void *p = nullptr;
    if (hipError_t r = api().hipHostMalloc(&p, std::max<size_t>(bytes, 1), 0)) {
      error =
          "hipHostMalloc(" + std::to_string(bytes) + "): " + api().describe(r);
      return nullptr;
    }
    return p;
  }
  void releaseHost(void *ptr) override { api().hipHostFree(ptr); }
  bool copyToDevice(void *dst, const void *src, size_t bytes,
                    std::string &error) override {
    return copy(dst, src, bytes, kMemcpyHostToDevice, "copy to device", error);
  }
  bool copyToHost(void *dst, const void *src, size_t bytes,
                  std::string &error) override {
    return copy(dst, src, bytes, kMemcpyDeviceToHost, "copy to host", error);
  }
  bool copyOnDevice(void *dst, const void *src, size_t bytes,
                    std::string &error) override {
    return copy(dst, src, bytes, kMemcpyDeviceToDevice, "device copy", error);
  }
  bool fill(void *dst, unsigned char value, size_t bytes,
            std::string &error) override {
    if (hipError_t r = api().hipMemset(dst, value, bytes)) {
      error = "device memset: " + api().describe(r);
      return false;
    }
    return true;
  }
  std::unique_ptr<LoadedKernel> load(const std::string &dir,
                                     const KernelInfo &info,
                                     std::string &error) override {
    std::string image;
    if (!detail::readWholeFile(dir + "/kernel.hsaco", image, error))
      return nullptr;
    HipApi &a = api();
    hipModule_t module = nullptr;
    hipFunction_t func = nullptr;
    if (hipError_t r = a.hipModuleLoadData(&module, image.data())) {
      error = "hipModuleLoadData(" + dir + "): " + a.describe(r) +
              " (a code object for " + info.target + " on a " +
              fp.computeCapability + ")";
      return nullptr;
    }
    if (hipError_t r =
            a.hipModuleGetFunction(&func, module, info.symbol.c_str())) {
      error =
          "kernel '" + info.symbol + "' not in " + dir + ": " + a.describe(r);
      a.hipModuleUnload(module);
      return nullptr;
    }
    return std::make_unique<HipLoaded>(*this, module, func, info);
  }

  void *flush = nullptr;
  size_t flushBytes = 0;

private:
  bool copy(void *dst, const void *src, size_t bytes, int kind,
            const char *what, std::string &error) {
    if (hipError_t r = api().hipMemcpy(dst, src, bytes, kind)) {
      error = std::string(what) + ": " + api().describe(r);
      return false;
    }
    return true;
  }
  DeviceFingerprint fp;
};

bool HipLoaded::time(void **args, int warmup, int reps,
                     std::vector<double> &samples, std::string &error) {
  HipApi &a = api();
  detail::EventApi events;
  events.create = [&](void **e) { a.hipEventCreate(e); };
  events.record = [&](void *e) { a.hipEventRecord(e, nullptr); };
  events.destroy = [&](void *e) { a.hipEventDestroy(e); };
  events.elapsedMs = [&](void *start, void *end) {
    float ms = 0;
    a.hipEventElapsedTime(&ms, start, end);
    return ms;
  };
  events.flush = [&](int run) {
    a.hipMemsetAsync(device.flush, run & 0xFF, device.flushBytes, nullptr);
  };
  events.synchronize = [&]() -> std::string {
    hipError_t r = a.hipDeviceSynchronize();
    return r ? a.describe(r) : "";
  };
  return detail::timeWithEvents(
      events, [&](std::string &e) { return launch(args, nullptr, e); }, warmup,
      reps, samples, error);
}

} // namespace

std::unique_ptr<Device> tlrt::createHipDevice(int ordinal, std::string &error) {
  auto device = std::make_unique<HipDevice>();
  if (!device->init(ordinal, error))
    return nullptr;
  return device;
}

std::optional<DeviceFingerprint> tlrt::hipFingerprint(int ordinal,
                                                      std::string &error) {
  DeviceFingerprint fp;
  if (!queryHipDevice(ordinal, fp, error))
    return std::nullopt;
  return fp;
}
