//===- Device.h - Devices a candidate runs on -------------------*- C++ -*-===//
//
// Part of the runtime: no MLIR or LLVM inside. One interface for the host
// CPU and for GPUs; the CUDA driver and the HIP runtime are opened with
// dlopen at run time, so the tools build and run where they do not exist.
// (The HIP device, HSACO through the HIP module API, has not run on an AMD
// GPU yet.)
//
//===----------------------------------------------------------------------===//

#ifndef TL_RUNTIME_DEVICE_H
#define TL_RUNTIME_DEVICE_H

#include "tl/Runtime/Compare.h"
#include "tl/Runtime/Kernel.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tlrt {

/// What identifies a device for caching: results tuned on one are not reused
/// on another.
struct DeviceFingerprint {
  std::string kind; // host, cuda, hip
  std::string name;
  /// "9.0"; the ISA ("gfx942") on AMD GPUs; CPU features digest on the host.
  std::string computeCapability;
  int multiprocessors = 0; // SMs, or hardware threads on the host
  long long l2Bytes = 0;
  std::string driverVersion;

  /// The wire format (cached under <cache>/devices/ and in cache keys):
  /// writer and reader side by side.
  std::string toJson() const;
  /// nullopt when `json` is not a fingerprint object.
  static std::optional<DeviceFingerprint> fromJson(const std::string &json);
};

/// A loaded kernel that can run and be timed on its device.
class LoadedKernel {
public:
  virtual ~LoadedKernel() = default;
  /// Runs once on `args` (device pointers / scalars, as args[i] -> value).
  virtual bool run(void **args, std::string &error) = 0;
  /// Launches once on `args` in `stream` (a CUstream; null: the default
  /// stream) and returns without waiting; a caller's buffers and stream.
  /// The host runs it to the end (no streams there).
  virtual bool launch(void **args, void *stream, std::string &error) {
    (void)stream;
    return run(args, error);
  }
  /// Times `reps` runs after `warmup` runs; each sample in milliseconds. On
  /// GPUs, device events around each run and the L2 flushed before each.
  virtual bool time(void **args, int warmup, int reps,
                    std::vector<double> &samples, std::string &error) = 0;
};

/// A device: memory and kernels.
class Device {
public:
  virtual ~Device() = default;
  virtual DeviceFingerprint fingerprint() const = 0;
  virtual void *allocate(size_t bytes, std::string &error) = 0;
  virtual void release(void *ptr) = 0;
  virtual bool copyToDevice(void *dst, const void *src, size_t bytes,
                            std::string &error) = 0;
  virtual bool copyToHost(void *dst, const void *src, size_t bytes,
                          std::string &error) = 0;
  /// Host memory that copies to and from the device are fastest with
  /// (page-locked on GPUs); null with `error` when none can be had.
  virtual void *allocateHost(size_t bytes, std::string &error) {
    (void)error;
    return ::operator new(std::max<size_t>(bytes, 1));
  }
  virtual void releaseHost(void *ptr) { ::operator delete(ptr); }
  /// Device-to-device copy (restoring inputs between candidates).
  virtual bool copyOnDevice(void *dst, const void *src, size_t bytes,
                            std::string &error) = 0;
  /// Sets every byte of `bytes` at `dst` to `value` (poisoning outputs).
  virtual bool fill(void *dst, unsigned char value, size_t bytes,
                    std::string &error) = 0;
  /// Compares `count` elements of `got` (device memory of `dtype`) with
  /// `want` (device memory of `wantType`) as tlrt::compare does, on the
  /// device. Nullopt when this device does not compare those types (the
  /// host device, mixed types: compare after a copy back), or with `error`
  /// when it failed.
  virtual std::optional<CompareResult>
  compareOnDevice(const void *got, DType dtype, const void *want,
                  DType wantType, size_t count, const Tolerance &tol,
                  std::string &error) {
    return std::nullopt;
  }
  /// Loads the binary in `dir` (kernel.so / kernel.cubin + kernel.json).
  virtual std::unique_ptr<LoadedKernel>
  load(const std::string &dir, const KernelInfo &info, std::string &error) = 0;
};

/// The host CPU (kernels from the host target), using `threads` threads.
std::unique_ptr<Device> createHostDevice(unsigned threads = 0);

/// CUDA device `ordinal` through libcuda (dlopen). Null with `error` saying
/// why: no driver library, no device, or a driver error.
std::unique_ptr<Device> createCudaDevice(int ordinal, std::string &error);

/// The fingerprint of CUDA device `ordinal`, without creating a context
/// (cheaper than createCudaDevice); nullopt with `error` as there.
std::optional<DeviceFingerprint> cudaFingerprint(int ordinal,
                                                 std::string &error);

/// HIP device `ordinal` (AMD GPUs) through libamdhip64 (dlopen; the
/// TL_HIP_LIBRARY variable names another file). Null with `error` saying
/// why: no runtime library, no device, or a runtime error.
std::unique_ptr<Device> createHipDevice(int ordinal, std::string &error);

/// The fingerprint of HIP device `ordinal`; nullopt with `error` as there.
std::optional<DeviceFingerprint> hipFingerprint(int ordinal,
                                                std::string &error);

/// The ISA name of an AMD GPU from the kernel driver's gfx_target_version
/// (90010 -> "gfx90a", 90402 -> "gfx942"); empty for what is not one.
std::string gfxNameOf(long long targetVersion);

/// Device `ordinal` of `kind` ("cuda", "hip" or "host", as a fingerprint
/// names it; host kernels use `hostThreads` threads). Null with `error` as
/// the create functions above say, or naming an unknown kind.
std::unique_ptr<Device> createDevice(const std::string &kind, int ordinal,
                                     unsigned hostThreads, std::string &error);

/// The kind of device the compiled kernel in `dir` runs on, from its binary
/// (kernel.cubin: "cuda", kernel.hsaco: "hip", else "host").
std::string binaryKind(const std::string &dir);

/// Whether a CUDA device can be opened (the driver loads and reports at
/// least one device). Does not keep a context.
bool cudaAvailable();

/// The host's fingerprint (CPU model and flags, hardware threads).
DeviceFingerprint hostFingerprint();

} // namespace tlrt

#endif // TL_RUNTIME_DEVICE_H
