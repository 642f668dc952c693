//===- Kernel.cpp - Kernel metadata and host kernels ----------------------===//

#include "tl/Runtime/Kernel.h"

#include "ReadFile.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <dlfcn.h>
#include <thread>

using namespace tlrt;
using json = nlohmann::json;

int64_t ArgInfo::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

int64_t KernelInfo::numBlocks() const {
  int64_t n = 1;
  for (int64_t g : grid)
    n *= g;
  return n;
}

unsigned KernelInfo::clusterBlocks() const {
  int64_t n = 1;
  for (int64_t c : cluster)
    n *= c;
  return static_cast<unsigned>(n);
}

/// What is wrong with `map` for a kernel described by `info` (the limits of
/// cuTensorMapEncodeTiled), or empty.
static std::string checkTensorMap(const KernelInfo &info,
                                  const TensorMapInfo &map) {
  if (map.arg < 0 || map.arg >= static_cast<int64_t>(info.args.size()) ||
      !info.args[map.arg].isTensor)
    return "argument " + std::to_string(map.arg) + " is not a tensor argument";
  const ArgInfo &a = info.args[map.arg];
  if (a.shape.size() < 1 || a.shape.size() > 5 ||
      map.box.size() != a.shape.size())
    return "the box must have one entry per dimension of argument " +
           std::to_string(map.arg) + " (1 to 5)";
  for (int64_t b : map.box)
    if (b < 1 || b > 256)
      return "box entries must be 1 to 256";
  if (map.swizzleBytes != 0 && map.swizzleBytes != 32 &&
      map.swizzleBytes != 64 && map.swizzleBytes != 128)
    return "swizzle must be 0, 32, 64 or 128 bytes";
  int64_t inner = map.box.back() * static_cast<int64_t>(dtypeSize(a.dtype));
  if (inner % 16 || (map.swizzleBytes && inner > map.swizzleBytes))
    return "the box's rows must be a multiple of 16 bytes and fit the swizzle";
  return "";
}

TensorMapEncoding tlrt::tensorMapEncoding(const KernelInfo &info,
                                          const TensorMapInfo &map) {
  TensorMapEncoding e;
  const ArgInfo &a = info.args.at(map.arg);
  // CUtensorMapDataType values from cuda.h.
  switch (a.dtype) {
  case DType::F16:
    e.dataType = 6;
    break;
  case DType::BF16:
    e.dataType = 9;
    break;
  case DType::F32:
    e.dataType = 7;
    break;
  case DType::F64:
    e.dataType = 8;
    break;
  case DType::I32:
    e.dataType = 3;
    break;
  case DType::I64:
    e.dataType = 5;
    break;
  case DType::I16:
    e.dataType = 1;
    break;
  case DType::I8:
  case DType::F8E4M3FN:
  case DType::F8E5M2:
    e.dataType = 0; // bytes
    break;
  }
  e.rank = static_cast<unsigned>(a.shape.size());
  uint64_t stride = dtypeSize(a.dtype);
  for (unsigned d = 0; d < e.rank; ++d) {
    size_t dim = e.rank - 1 - d; // innermost first
    e.dims[d] = static_cast<uint64_t>(a.shape[dim]);
    e.box[d] = static_cast<uint32_t>(map.box[dim]);
    if (d > 0)
      e.strides[d - 1] = stride;
    stride *= e.dims[d];
  }
  // CUtensorMapSwizzle: none, 32B, 64B, 128B.
  e.swizzle = map.swizzleBytes == 128  ? 3
              : map.swizzleBytes == 64 ? 2
              : map.swizzleBytes == 32 ? 1
                                       : 0;
  return e;
}

std::string tlrt::writeKernelInfo(const KernelInfo &info) {
  json args = json::array();
  for (size_t i = 0; i < info.args.size(); ++i) {
    const ArgInfo &a = info.args[i];
    json arg{{"index", i},
             {"kind", a.isTensor ? "tensor" : "scalar"},
             {"dtype", dtypeName(a.dtype)}};
    if (a.isTensor) {
      arg["shape"] = a.shape;
      arg["access"] = a.access;
    }
    args.push_back(std::move(arg));
  }
  json j{
      {"name", info.name},
      {"symbol", info.symbol},
      {"target", info.target},
      {"args", std::move(args)},
      {"grid", info.grid},
      {"threads", info.threads},
      {"shared_memory_bytes", info.sharedMemoryBytes},
      {"config", json::parse(info.configJson.empty() ? "{}" : info.configJson,
                             nullptr, false)},
      {"gemm_flops", info.gemmFlops}};
  if (j["config"].is_discarded())
    j["config"] = json::object();
  if (!info.cpu.empty())
    j["cpu"] = info.cpu;
  if (!info.tensorMaps.empty()) {
    json maps = json::array();
    for (const TensorMapInfo &m : info.tensorMaps)
      maps.push_back(
          {{"arg", m.arg}, {"box", m.box}, {"swizzle", m.swizzleBytes}});
    j["tensor_maps"] = std::move(maps);
  }
  if (!info.cluster.empty())
    j["cluster"] = info.cluster;
  if (info.persistent)
    j["persistent"] = true;
  if (!info.binaryResources.empty())
    j["binary_resources"] = info.binaryResources;
  return j.dump(2) + "\n";
}

bool tlrt::parseKernelInfo(const std::string &text, KernelInfo &info,
                           std::string &error) {
  try {
    json j = json::parse(text);
    info.name = j.at("name").get<std::string>();
    info.symbol = j.at("symbol").get<std::string>();
    info.target = j.at("target").get<std::string>();
    info.grid = j.at("grid").get<std::vector<int64_t>>();
    info.threads = j.at("threads").get<int64_t>();
    info.sharedMemoryBytes = j.value("shared_memory_bytes", int64_t(0));
    info.gemmFlops = j.value("gemm_flops", int64_t(0));
    info.configJson = j.value("config", json::object()).dump();
    info.args.clear();
    for (const json &a : j.at("args")) {
      ArgInfo arg;
      arg.isTensor = a.at("kind").get<std::string>() == "tensor";
      std::string dtype = a.at("dtype").get<std::string>();
      std::optional<DType> parsed = parseDType(dtype);
      if (!parsed) {
        error = "kernel metadata: argument " +
                std::to_string(info.args.size()) + " has unknown dtype '" +
                dtype + "'";
        return false;
      }
      arg.dtype = *parsed;
      if (arg.isTensor) {
        arg.shape = a.at("shape").get<std::vector<int64_t>>();
        arg.access = a.value("access", std::string());
        // The element count and byte size must be representable.
        int64_t bytes = static_cast<int64_t>(dtypeSize(arg.dtype));
        for (int64_t d : arg.shape)
          if (d < 0 || __builtin_mul_overflow(bytes, d, &bytes)) {
            error = "kernel metadata: argument " +
                    std::to_string(info.args.size()) +
                    " has a negative or too large shape";
            return false;
          }
      }
      info.args.push_back(std::move(arg));
    }
    if (info.grid.empty() || info.grid.size() > 3) {
      error = "kernel metadata: grid must have 1 to 3 dimensions";
      return false;
    }
    int64_t blocks = 1;
    for (int64_t g : info.grid)
      if (g < 1 || __builtin_mul_overflow(blocks, g, &blocks)) {
        error = "kernel metadata: every grid dimension must be at least 1 "
                "and the block count fit in 64 bits";
        return false;
      }
    if (info.threads < 1 || info.sharedMemoryBytes < 0) {
      error = "kernel metadata: threads must be at least 1 and "
              "shared_memory_bytes not negative";
      return false;
    }
    info.cpu = j.value("cpu", std::string());
    info.tensorMaps.clear();
    for (const json &m : j.value("tensor_maps", json::array())) {
      TensorMapInfo map;
      map.arg = m.at("arg").get<int64_t>();
      map.box = m.at("box").get<std::vector<int64_t>>();
      map.swizzleBytes = m.at("swizzle").get<int64_t>();
      if (std::string why = checkTensorMap(info, map); !why.empty()) {
        error = "kernel metadata: tensor map " +
                std::to_string(info.tensorMaps.size()) + ": " + why;
        return false;
      }
      info.tensorMaps.push_back(std::move(map));
    }
    info.binaryResources =
        j.value("binary_resources", std::map<std::string, int64_t>());
    info.cluster = j.value("cluster", std::vector<int64_t>());
    info.persistent = j.value("persistent", false);
    if (!info.cluster.empty()) {
      if (info.cluster.size() != info.grid.size()) {
        error = "kernel metadata: cluster must have the grid's dimensions";
        return false;
      }
      for (size_t d = 0; d < info.cluster.size(); ++d)
        if (info.cluster[d] < 1 || info.grid[d] % info.cluster[d]) {
          error = "kernel metadata: cluster dimension " + std::to_string(d) +
                  " must be at least 1 and divide the grid's " +
                  std::to_string(info.grid[d]);
          return false;
        }
    }
    return true;
  } catch (const json::exception &e) {
    error = std::string("kernel metadata: ") + e.what();
    return false;
  }
}

bool tlrt::loadKernelInfo(const std::string &path, KernelInfo &info,
                          std::string &error, std::string *textOut) {
  std::string text;
  if (!detail::readWholeFile(path, text, error))
    return false;
  if (textOut)
    *textOut = text;
  if (!parseKernelInfo(text, info, error)) {
    error = path + ": " + error;
    return false;
  }
  return true;
}

// Checked by the features every compiler can query; each level needs the
// one below it.
bool tlrt::cpuSupportsLevel(const std::string &cpu) {
  __builtin_cpu_init();
  bool v2 =
      __builtin_cpu_supports("popcnt") && __builtin_cpu_supports("ssse3") &&
      __builtin_cpu_supports("sse4.1") && __builtin_cpu_supports("sse4.2");
  bool v3 = v2 && __builtin_cpu_supports("avx") &&
            __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
            __builtin_cpu_supports("bmi") && __builtin_cpu_supports("bmi2");
  bool v4 = v3 && __builtin_cpu_supports("avx512f") &&
            __builtin_cpu_supports("avx512bw") &&
            __builtin_cpu_supports("avx512cd") &&
            __builtin_cpu_supports("avx512dq") &&
            __builtin_cpu_supports("avx512vl");
  if (cpu.empty() || cpu == "x86-64")
    return true;
  if (cpu == "x86-64-v2")
    return v2;
  if (cpu == "x86-64-v3")
    return v3;
  if (cpu == "x86-64-v4")
    return v4;
  return false;
}

std::unique_ptr<HostKernel> HostKernel::load(const std::string &soPath,
                                             KernelInfo info,
                                             std::string &error) {
  if (!cpuSupportsLevel(info.cpu)) {
    error = soPath + " was compiled for " + info.cpu +
            ", which this CPU does not support; compile it again here (or "
            "for an older level with TILEMLIR_HOST_CPU=x86-64)";
    return nullptr;
  }
  void *handle = dlopen(soPath.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    error = "cannot load " + soPath + ": " + dlerror();
    return nullptr;
  }
  void *symbol = dlsym(handle, info.symbol.c_str());
  if (!symbol) {
    error = soPath + " does not export '" + info.symbol + "'";
    dlclose(handle);
    return nullptr;
  }
  std::unique_ptr<HostKernel> kernel(new HostKernel());
  kernel->handle = handle;
  kernel->entry = reinterpret_cast<void (*)(void **, int64_t, int64_t)>(symbol);
  kernel->kernelInfo = std::move(info);
  return kernel;
}

HostKernel::~HostKernel() {
  if (handle)
    dlclose(handle);
}

void HostKernel::launch(void **args, unsigned threads) const {
  int64_t blocks = kernelInfo.numBlocks();
  if (threads == 0)
    threads = std::max(1u, std::thread::hardware_concurrency());
  threads = static_cast<unsigned>(std::min<int64_t>(threads, blocks));
  if (threads <= 1) {
    entry(args, 0, blocks);
    return;
  }
  std::vector<std::thread> workers;
  int64_t per = blocks / threads, extra = blocks % threads, begin = 0;
  for (unsigned t = 0; t < threads; ++t) {
    int64_t end = begin + per + (static_cast<int64_t>(t) < extra ? 1 : 0);
    workers.emplace_back([this, args, begin, end] { entry(args, begin, end); });
    begin = end;
  }
  for (std::thread &w : workers)
    w.join();
}
