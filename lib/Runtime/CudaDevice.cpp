//===- CudaDevice.cpp - CUDA devices through the driver API ---------------===//
//
// The driver is opened with dlopen at run time (nothing links against
// CUDA); kernels are CUBINs from the CUDA target, and the output check
// runs on the device (DeviceCompare.h).
//
//===----------------------------------------------------------------------===//

#include "tl/Runtime/Device.h"

#include "CudaDriver.h"
#include "DynamicLibrary.h"
#include "GpuTiming.h"
#include "ReadFile.h"

#include "tl/Runtime/DeviceCompare.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <mutex>
#include <thread>

using namespace tlrt;
using namespace tlrt::cuda;

//===----------------------------------------------------------------------===//
// CUDA devices and kernels (the driver API: CudaDriver.h)
//===----------------------------------------------------------------------===//

namespace {
/// The launch attribute of clusters of `dims` blocks.
static CUlaunchAttribute clusterAttribute(const std::vector<unsigned> &dims) {
  CUlaunchAttribute attr{};
  attr.id = kLaunchAttributeClusterDimension;
  attr.value.clusterDim = {dims[0], dims[1], dims[2]};
  return attr;
}

/// cuLaunchKernelEx's configuration: `grid` blocks of `info`'s threads and
/// dynamic shared memory on `stream`, with the one attribute `attr`.
static CUlaunchConfig launchConfig(const std::vector<unsigned> &grid,
                                   const KernelInfo &info, CUstream stream,
                                   CUlaunchAttribute *attr) {
  return CUlaunchConfig{grid[0],
                        grid[1],
                        grid[2],
                        static_cast<unsigned>(info.threads),
                        1,
                        1,
                        static_cast<unsigned>(info.sharedMemoryBytes),
                        stream,
                        attr,
                        1};
}

class CudaDevice;

class CudaLoaded : public LoadedKernel {
public:
  CudaLoaded(CudaDevice &device, CUmodule module, CUfunction func,
             KernelInfo info)
      : device(device), module(module), func(func), info(std::move(info)),
        maps(this->info.tensorMaps.size()) {}
  ~CudaLoaded() override { api().cuModuleUnload(module); }
  bool run(void **args, std::string &error) override;
  bool time(void **args, int warmup, int reps, std::vector<double> &samples,
            std::string &error) override;
  bool launch(void **args, void *stream, std::string &error) override;
  CudaDevice &device;
  CUmodule module;
  CUfunction func;
  KernelInfo info;
  /// A persistent kernel's launch: the blocks resident at once, at most
  /// the grid's.
  unsigned persistentBlocks = 0;

private:
  /// The kernel's parameters for `args`: the arguments, then the tensor
  /// maps (encoded again only when their tensor's address changed).
  bool parameters(void **args, std::vector<void *> &params, std::string &error);
  /// A CUtensorMap: 128 bytes, 64-byte aligned.
  struct alignas(64) TensorMap {
    uint64_t words[16];
  };
  struct EncodedMap {
    TensorMap map;
    void *address = nullptr;
    bool encoded = false;
  };
  std::vector<EncodedMap> maps;
  std::mutex mapsMutex; // launches from several host threads
};

/// Opens the driver and describes device `ordinal` (no context needed).
static bool queryDevice(int ordinal, CUdevice &dev, DeviceFingerprint &fp,
                        std::string &error) {
  CudaApi &a = api();
  if (!a.lib && !a.open(error))
    return false;
  CUresult r = a.cuInit(0);
  int count = 0;
  if (r == 0)
    r = a.cuDeviceGetCount(&count);
  if (r != 0 || count <= ordinal) {
    error = r != 0 ? "CUDA driver: " + a.describe(r)
                   : "no CUDA device " + std::to_string(ordinal) + " (" +
                         std::to_string(count) + " found)";
    return false;
  }
  a.cuDeviceGet(&dev, ordinal);
  char name[256] = {0};
  a.cuDeviceGetName(name, sizeof(name), dev);
  int major = 0, minor = 0, sms = 0, l2 = 0, driver = 0;
  a.cuDeviceGetAttribute(&major, kAttrCcMajor, dev);
  a.cuDeviceGetAttribute(&minor, kAttrCcMinor, dev);
  a.cuDeviceGetAttribute(&sms, kAttrMultiprocessors, dev);
  a.cuDeviceGetAttribute(&l2, kAttrL2Size, dev);
  a.cuDriverGetVersion(&driver);
  fp.kind = "cuda";
  fp.name = name;
  fp.computeCapability = std::to_string(major) + "." + std::to_string(minor);
  fp.multiprocessors = sms;
  fp.l2Bytes = l2;
  fp.driverVersion = std::to_string(driver);
  return true;
}

class CudaDevice : public Device {
public:
  bool init(int ordinal, std::string &error) {
    if (!queryDevice(ordinal, dev, fp, error))
      return false;
    CudaApi &a = api();
    CUresult r;
    if ((r = a.cuDevicePrimaryCtxRetain(&ctx, dev)) ||
        (r = a.cuCtxSetCurrent(ctx))) {
      error = "CUDA context: " + a.describe(r);
      return false;
    }
    // A buffer twice the L2 size, cleared between timed runs.
    flushBytes = std::max<size_t>(2 * static_cast<size_t>(fp.l2Bytes), 1 << 20);
    if ((r = a.cuMemAlloc(&flush, flushBytes))) {
      error = "CUDA allocation of the L2 flush buffer: " + a.describe(r);
      return false;
    }
    return true;
  }

  DeviceFingerprint fingerprint() const override { return fp; }
  void *allocate(size_t bytes, std::string &error) override {
    CUdeviceptr p = 0;
    if (CUresult r = api().cuMemAlloc(&p, std::max<size_t>(bytes, 1))) {
      error = "cuMemAlloc(" + std::to_string(bytes) + "): " + api().describe(r);
      return nullptr;
    }
    return reinterpret_cast<void *>(p);
  }
  void release(void *ptr) override {
    api().cuMemFree(reinterpret_cast<CUdeviceptr>(ptr));
  }
  void *allocateHost(size_t bytes, std::string &error) override {
    void *p = nullptr;
    if (CUresult r = api().cuMemAllocHost(&p, std::max<size_t>(bytes, 1))) {
      error =
          "cuMemAllocHost(" + std::to_string(bytes) + "): " + api().describe(r);
      return nullptr;
    }
    return p;
  }
  void releaseHost(void *ptr) override { api().cuMemFreeHost(ptr); }

  bool copyToDevice(void *dst, const void *src, size_t bytes,
                    std::string &error) override {
    if (CUresult r = api().cuMemcpyHtoD(reinterpret_cast<CUdeviceptr>(dst), src,
                                        bytes)) {
      error = "copy to device: " + api().describe(r);
      return false;
    }
    return true;
  }
  bool copyToHost(void *dst, const void *src, size_t bytes,
                  std::string &error) override {
    if (CUresult r = api().cuMemcpyDtoH(dst, reinterpret_cast<CUdeviceptr>(src),
                                        bytes)) {
      error = "copy to host: " + api().describe(r);
      return false;
    }
    return true;
  }
  bool copyOnDevice(void *dst, const void *src, size_t bytes,
                    std::string &error) override {
    if (CUresult r =
            api().cuMemcpyDtoD(reinterpret_cast<CUdeviceptr>(dst),
                               reinterpret_cast<CUdeviceptr>(src), bytes)) {
      error = "device copy: " + api().describe(r);
      return false;
    }
    return true;
  }
  bool fill(void *dst, unsigned char value, size_t bytes,
            std::string &error) override {
    if (CUresult r = api().cuMemsetD8(reinterpret_cast<CUdeviceptr>(dst), value,
                                      bytes)) {
      error = "device memset: " + api().describe(r);
      return false;
    }
    return true;
  }
  std::unique_ptr<LoadedKernel> load(const std::string &dir,
                                     const KernelInfo &info,
                                     std::string &error) override {
    std::string image;
    if (!detail::readWholeFile(dir + "/kernel.cubin", image, error))
      return nullptr;
    CudaApi &a = api();
    CUmodule module = nullptr;
    CUfunction func = nullptr;
    if (CUresult r = a.cuModuleLoadData(&module, image.data())) {
      error = "cuModuleLoadData(" + dir + "): " + a.describe(r);
      return nullptr;
    }
    if (CUresult r =
            a.cuModuleGetFunction(&func, module, info.symbol.c_str())) {
      error =
          "kernel '" + info.symbol + "' not in " + dir + ": " + a.describe(r);
      a.cuModuleUnload(module);
      return nullptr;
    }
    if (CUresult r =
            a.cuFuncSetAttribute(func, kFuncMaxDynamicShared,
                                 static_cast<int>(info.sharedMemoryBytes))) {
      error = "kernel needs " + std::to_string(info.sharedMemoryBytes) +
              " bytes of shared memory: " + a.describe(r);
      a.cuModuleUnload(module);
      return nullptr;
    }
    // A persistent kernel launches the blocks that run at once.
    int resident = 0;
    if (info.persistent && (a.cuOccupancyMaxActiveBlocksPerMultiprocessor(
                                &resident, func, static_cast<int>(info.threads),
                                static_cast<size_t>(info.sharedMemoryBytes)) ||
                            resident < 1)) {
      error = "persistent kernel '" + info.symbol + "' in " + dir +
              " fits no block on an SM of " + fp.name + " (" +
              std::to_string(info.threads) + " threads, " +
              std::to_string(info.sharedMemoryBytes) +
              " bytes of shared memory); recompile it without tl.persistent";
      a.cuModuleUnload(module);
      return nullptr;
    }
    int64_t blocks =
        static_cast<int64_t>(resident) * std::max(1, fp.multiprocessors);
    // In clusters: as many whole clusters as are resident at once (they
    // must fit in one GPC each, so fewer than the blocks alone say).
    unsigned cluster = info.clusterBlocks();
    if (info.persistent && cluster > 1) {
      int clusters = 0;
      if (a.cuOccupancyMaxActiveClusters) {
        CUlaunchAttribute attr = clusterAttribute({cluster, 1, 1});
        CUlaunchConfig config =
            launchConfig({cluster, 1, 1}, info, nullptr, &attr);
        if (a.cuOccupancyMaxActiveClusters(&clusters, func, &config) ||
            clusters < 1) {
          error = "persistent kernel '" + info.symbol + "' in " + dir +
                  " fits no cluster of " + std::to_string(cluster) +
                  " blocks on " + fp.name +
                  "; recompile it without tl.persistent or tl.cluster";
          a.cuModuleUnload(module);
          return nullptr;
        }
        blocks = static_cast<int64_t>(clusters) * cluster;
      }
      blocks = std::max<int64_t>(cluster, blocks / cluster * cluster);
    }
    auto loaded = std::make_unique<CudaLoaded>(*this, module, func, info);
    loaded->persistentBlocks =
        static_cast<unsigned>(std::min<int64_t>(info.numBlocks(), blocks));
    return loaded;
  }

  std::optional<CompareResult> compareOnDevice(const void *got, DType dtype,
                                               const void *want, DType wantType,
                                               size_t count,
                                               const Tolerance &tol,
                                               std::string &error) override {
    std::optional<std::string> name = compareKernelName(dtype, wantType);
    if (!name || !loadCompare(error))
      return std::nullopt;
    CudaApi &a = api();
    CUfunction func = nullptr;
    if (CUresult r =
            a.cuModuleGetFunction(&func, compareModule, name->c_str())) {
      error = "the device comparison's kernel " + *name + ": " + a.describe(r);
      return std::nullopt;
    }
    DeviceCompareTotals totals;
    CUresult r;
    if ((r = a.cuMemcpyHtoD(compareOut, &totals, sizeof(totals)))) {
      error = "the device comparison: " + a.describe(r);
      return std::nullopt;
    }
    CUdeviceptr g = reinterpret_cast<CUdeviceptr>(got);
    CUdeviceptr w = reinterpret_cast<CUdeviceptr>(want);
    uint64_t n = count;
    double atol = tol.atol, rtol = tol.rtol;
    void *params[] = {&g, &w, &n, &atol, &rtol, &compareOut};
    const unsigned threads = 256;
    uint64_t blocks = std::min<uint64_t>(
        (n + threads - 1) / threads,
        4 * static_cast<uint64_t>(std::max(1, fp.multiprocessors)));
    if ((r = a.cuLaunchKernel(
             func, static_cast<unsigned>(std::max<uint64_t>(blocks, 1)), 1, 1,
             threads, 1, 1, 0, nullptr, params, nullptr)) ||
        (r = a.cuCtxSynchronize()) ||
        (r = a.cuMemcpyDtoH(&totals, compareOut, sizeof(totals)))) {
      error = "the device comparison: " + a.describe(r);
      return std::nullopt;
    }
    return totals.result(count, tol);
  }

  CUdeviceptr flush = 0;
  size_t flushBytes = 0;

private:
  /// The comparison kernels (PTX, compiled by the driver) and their
  /// totals' buffer, on the first comparison.
  bool loadCompare(std::string &error) {
    if (compareModule)
      return true;
    CudaApi &a = api();
    CUresult r;
    if ((r = a.cuModuleLoadData(&compareModule, comparePtx().c_str()))) {
      compareModule = nullptr;
      error = "the device comparison's PTX: " + a.describe(r);
      return false;
    }
    if ((r = a.cuMemAlloc(&compareOut, sizeof(DeviceCompareTotals)))) {
      a.cuModuleUnload(compareModule);
      compareModule = nullptr;
      error = "the device comparison's totals: " + a.describe(r);
      return false;
    }
    return true;
  }

  CUmodule compareModule = nullptr;
  CUdeviceptr compareOut = 0;
  CUdevice dev = 0;
  CUcontext ctx = nullptr;
  DeviceFingerprint fp;
};

bool CudaLoaded::parameters(void **args, std::vector<void *> &params,
                            std::string &error) {
  params.assign(args, args + info.args.size());
  CudaApi &a = api();
  if (!a.cuTensorMapEncodeTiled) {
    error = "kernel '" + info.name +
            "' loads through TMA, and this CUDA driver has no "
            "cuTensorMapEncodeTiled (CUDA 12 or later); recompile with "
            "--tma=false";
    return false;
  }
  for (size_t i = 0; i < maps.size(); ++i) {
    const TensorMapInfo &m = info.tensorMaps[i];
    void *address = *static_cast<void **>(args[m.arg]);
    EncodedMap &e = maps[i];
    if (!e.encoded || e.address != address) {
      TensorMapEncoding enc = tensorMapEncoding(info, m);
      // Interleave none, L2 promotion of 256 B, out-of-bounds elements
      // read as zero.
      if (CUresult r = a.cuTensorMapEncodeTiled(
              &e.map, enc.dataType, enc.rank, address, enc.dims, enc.strides,
              enc.box, enc.elementStrides, /*interleave=*/0, enc.swizzle,
              /*l2Promotion=*/3, /*oobFill=*/0)) {
        e.encoded = false;
        error = "cuTensorMapEncodeTiled for argument " + std::to_string(m.arg) +
                " of '" + info.name + "' at " +
                std::to_string(reinterpret_cast<uintptr_t>(address)) + ": " +
                a.describe(r) +
                " (TMA needs a 16-byte aligned tensor; pass an aligned one "
                "or recompile with --tma=false)";
        return false;
      }
      e.address = address;
      e.encoded = true;
    }
    params.push_back(&e.map);
  }
  return true;
}

bool CudaLoaded::launch(void **args, void *stream, std::string &error) {
  std::vector<unsigned> g(info.grid.begin(), info.grid.end());
  if (info.persistent)
    g = {persistentBlocks};
  g.resize(3, 1);
  // Kernels without tensor maps launch on `args` as given; the others on
  // their arguments and maps, held until the launch copied them.
  std::vector<void *> params;
  std::unique_lock<std::mutex> lock(mapsMutex, std::defer_lock);
  if (!maps.empty()) {
    lock.lock();
    if (!parameters(args, params, error))
      return false;
  }
  void **launchArgs = maps.empty() ? args : params.data();
  CudaApi &a = api();
  if (info.cluster.empty()) {
    if (CUresult r = a.cuLaunchKernel(
            func, g[0], g[1], g[2], static_cast<unsigned>(info.threads), 1, 1,
            static_cast<unsigned>(info.sharedMemoryBytes),
            static_cast<CUstream>(stream), launchArgs, nullptr)) {
      error = "cuLaunchKernel: " + a.describe(r);
      return false;
    }
    return true;
  }
  // Thread-block clusters are a launch attribute (as CUTLASS launches).
  if (!a.cuLaunchKernelEx) {
    error = "kernel '" + info.name +
            "' runs in thread-block clusters, and this CUDA driver has no "
            "cuLaunchKernelEx (CUDA 12 or later); tune without tl.cluster";
    return false;
  }
  // A persistent kernel's one dimension of blocks, in clusters along it.
  std::vector<unsigned> c(info.cluster.begin(), info.cluster.end());
  if (info.persistent)
    c = {info.clusterBlocks()};
  c.resize(3, 1);
  CUlaunchAttribute attr = clusterAttribute(c);
  CUlaunchConfig config =
      launchConfig(g, info, static_cast<CUstream>(stream), &attr);
  if (CUresult r = a.cuLaunchKernelEx(&config, func, launchArgs, nullptr)) {
    error = "cuLaunchKernelEx (clusters of " +
            std::to_string(c[0] * c[1] * c[2]) + " blocks): " + a.describe(r);
    return false;
  }
  return true;
}

bool CudaLoaded::run(void **args, std::string &error) {
  if (!launch(args, nullptr, error))
    return false;
  if (CUresult r = api().cuCtxSynchronize()) {
    error = "kernel failed: " + api().describe(r);
    return false;
  }
  return true;
}

bool CudaLoaded::time(void **args, int warmup, int reps,
                      std::vector<double> &samples, std::string &error) {
  CudaApi &a = api();
  detail::EventApi events;
  events.create = [&](void **e) { a.cuEventCreate(e, 0); };
  events.record = [&](void *e) { a.cuEventRecord(e, nullptr); };
  events.destroy = [&](void *e) { a.cuEventDestroy(e); };
  events.elapsedMs = [&](void *start, void *end) {
    float ms = 0;
    a.cuEventElapsedTime(&ms, start, end);
    return ms;
  };
  events.flush = [&](int run) {
    a.cuMemsetD8Async(device.flush, static_cast<unsigned char>(run),
                      device.flushBytes, nullptr);
  };
  events.synchronize = [&]() -> std::string {
    CUresult r = a.cuCtxSynchronize();
    return r ? a.describe(r) : "";
  };
  return detail::timeWithEvents(
      events, [&](std::string &e) { return launch(args, nullptr, e); }, warmup,
      reps, samples, error);
}
} // namespace

std::unique_ptr<Device> tlrt::createCudaDevice(int ordinal,
                                               std::string &error) {
  auto device = std::make_unique<CudaDevice>();
  if (!device->init(ordinal, error))
    return nullptr;
  return device;
}

std::optional<DeviceFingerprint> tlrt::cudaFingerprint(int ordinal,
                                                       std::string &error) {
  CUdevice dev = 0;
  DeviceFingerprint fp;
  if (!queryDevice(ordinal, dev, fp, error))
    return std::nullopt;
  return fp;
}

bool tlrt::cudaAvailable() {
  void *lib = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  if (!lib)
    return false;
  CUresult (*init)(unsigned) = nullptr;
  CUresult (*count)(int *) = nullptr;
  detail::bindSymbol(lib, init, "cuInit");
  detail::bindSymbol(lib, count, "cuDeviceGetCount");
  int n = 0;
  bool ok = init && count && init(0) == 0 && count(&n) == 0 && n > 0;
  // Keep the library loaded: unloading a driver that was initialized is
  // not safe.
  return ok;
}
