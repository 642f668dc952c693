//===- Kernel.h - Kernel metadata and host kernels --------------*- C++ -*-===//
//
// Part of the runtime: no MLIR or LLVM inside. A kernel is a binary plus the
// JSON metadata the compiler writes beside it (kernel.json).
//
//===----------------------------------------------------------------------===//

#ifndef TL_RUNTIME_KERNEL_H
#define TL_RUNTIME_KERNEL_H

#include "tl/Runtime/DType.h"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace tlrt {

struct ArgInfo {
  bool isTensor = true;
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  /// Tensors: what the kernel does to it ("read", "write", "readwrite",
  /// "none"; empty when kernel.json does not say).
  std::string access;
  bool mayBeWritten() const {
    return access.empty() || access == "write" || access == "readwrite";
  }

  int64_t numElements() const;
  size_t byteSize() const { return numElements() * dtypeSize(dtype); }
};

/// A TMA tensor map a CUDA kernel takes as a trailing parameter (after its
/// arguments, in order): the runtime encodes it at launch over tensor
/// argument `arg` (its address, shape and dtype), row-major.
struct TensorMapInfo {
  int64_t arg = 0;
  /// Elements of one box per dimension, outermost first (as the shape).
  std::vector<int64_t> box;
  /// 0 (none), 32, 64 or 128: the shared-memory swizzle the box lands in.
  int64_t swizzleBytes = 0;
};

struct KernelInfo;

/// The arguments of cuTensorMapEncodeTiled for a tensor map (innermost
/// dimension first, as the driver takes them); no driver needed.
struct TensorMapEncoding {
  int dataType = 0; // CUtensorMapDataType
  unsigned rank = 0;
  uint64_t dims[5] = {};
  uint64_t strides[4] = {}; // bytes, of dimensions 1 .. rank-1
  uint32_t box[5] = {};
  uint32_t elementStrides[5] = {1, 1, 1, 1, 1};
  int swizzle = 0; // CUtensorMapSwizzle
};
/// The encoding of `map` (checked by parseKernelInfo) over its argument of
/// `info`, a row-major tensor.
TensorMapEncoding tensorMapEncoding(const KernelInfo &info,
                                    const TensorMapInfo &map);

struct KernelInfo {
  std::string name;
  std::string symbol;
  std::string target;
  std::vector<ArgInfo> args;
  std::vector<int64_t> grid;
  int64_t threads = 0;
  int64_t sharedMemoryBytes = 0;
  /// FLOPs of the kernel's gemms as the problem counts them (2*M*N*K for
  /// a GEMM, not the padded tiles'); 0 if none.
  int64_t gemmFlops = 0;
  /// Host kernels: the x86-64 level the code needs (x86-64, x86-64-v2, ...).
  std::string cpu;
  /// The config, as JSON text.
  std::string configJson;
  /// CUDA kernels loading through TMA: the tensor maps they take.
  std::vector<TensorMapInfo> tensorMaps;
  /// CUDA kernels launched in thread-block clusters: the cluster's blocks
  /// per grid dimension (each divides the grid's); empty: no clusters.
  std::vector<int64_t> cluster;
  /// CUDA kernels that loop over the grid's blocks (tl.persistent): the
  /// launch is one dimension of as many blocks as the device runs at once,
  /// at most numBlocks(); in clusters, of clusterBlocks() blocks along it.
  bool persistent = false;
  /// What the binary says the kernel uses, by the name its metadata gives
  /// (AMD code objects: vgpr_count, agpr_count, sgpr_count,
  /// vgpr_spill_count, sgpr_spill_count, private_segment_fixed_size,
  /// group_segment_fixed_size), for checks of the resource model; empty
  /// when the target does not read it. Not used to launch.
  std::map<std::string, int64_t> binaryResources;

  int64_t numBlocks() const;
  /// The blocks of one cluster (1: no clusters).
  unsigned clusterBlocks() const;
};

/// kernel.json, the wire format between the compiler (which writes it beside
/// every binary) and the runtime: writer and reader side by side.
std::string writeKernelInfo(const KernelInfo &info);
/// Parses kernel.json. Returns false and sets `error` naming the problem.
bool parseKernelInfo(const std::string &json, KernelInfo &info,
                     std::string &error);
/// Reads and parses the kernel.json at `path` (its text into `*text` when
/// given); false with `error` naming the file.
bool loadKernelInfo(const std::string &path, KernelInfo &info,
                    std::string &error, std::string *text = nullptr);

/// True when this CPU runs code of the x86-64 level `cpu` (x86-64,
/// x86-64-v2, ...; empty: the baseline).
bool cpuSupportsLevel(const std::string &cpu);

/// A kernel compiled for the host: a shared object exporting
/// `void <symbol>(void **args, int64_t blockBegin, int64_t blockEnd)`.
class HostKernel {
public:
  /// Loads `soPath`; `info` says its symbol and launch shape.
  static std::unique_ptr<HostKernel> load(const std::string &soPath,
                                          KernelInfo info, std::string &error);
  ~HostKernel();

  /// Runs every block of the grid, split into contiguous ranges over
  /// `threads` CPU threads (0: all hardware threads). `args[i]` points at
  /// argument i's value (a tensor's data pointer, or a scalar).
  void launch(void **args, unsigned threads = 0) const;

  const KernelInfo &info() const { return kernelInfo; }

private:
  HostKernel() = default;
  void *handle = nullptr;
  void (*entry)(void **, int64_t, int64_t) = nullptr;
  KernelInfo kernelInfo;
};

} // namespace tlrt

#endif // TL_RUNTIME_KERNEL_H
