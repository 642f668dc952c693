//===- CudaDriver.cpp - The CUDA driver API, opened at run time -----------===//

#include "CudaDriver.h"
#include "DynamicLibrary.h"

using namespace tlrt;
using namespace tlrt::cuda;

bool CudaApi::open(std::string &error) {
  lib = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    error = "no CUDA driver: libcuda.so.1 cannot be loaded (" +
            std::string(dlerror()) +
            "); install the NVIDIA driver or use "
            "--target host";
    return false;
  }
  bool ok = true;
  auto sym = [&](auto &fn, const char *name) {
    if (!detail::bindSymbol(lib, fn, name)) {
      error = std::string("libcuda.so.1 lacks ") + name;
      ok = false;
    }
  };
  sym(cuInit, "cuInit");
  sym(cuDeviceGetCount, "cuDeviceGetCount");
  sym(cuDeviceGet, "cuDeviceGet");
  sym(cuDeviceGetName, "cuDeviceGetName");
  sym(cuDeviceGetAttribute, "cuDeviceGetAttribute");
  sym(cuDriverGetVersion, "cuDriverGetVersion");
  sym(cuDevicePrimaryCtxRetain, "cuDevicePrimaryCtxRetain");
  sym(cuCtxSetCurrent, "cuCtxSetCurrent");
  sym(cuMemAlloc, "cuMemAlloc_v2");
  sym(cuMemFree, "cuMemFree_v2");
  sym(cuMemAllocHost, "cuMemAllocHost_v2");
  sym(cuMemFreeHost, "cuMemFreeHost");
  sym(cuMemcpyHtoD, "cuMemcpyHtoD_v2");
  sym(cuMemcpyDtoH, "cuMemcpyDtoH_v2");
  sym(cuMemsetD8Async, "cuMemsetD8Async");
  sym(cuMemsetD8, "cuMemsetD8_v2");
  sym(cuMemcpyDtoD, "cuMemcpyDtoD_v2");
  sym(cuModuleLoadData, "cuModuleLoadData");
  sym(cuModuleUnload, "cuModuleUnload");
  sym(cuModuleGetFunction, "cuModuleGetFunction");
  sym(cuFuncSetAttribute, "cuFuncSetAttribute");
  sym(cuOccupancyMaxActiveBlocksPerMultiprocessor,
      "cuOccupancyMaxActiveBlocksPerMultiprocessor");
  sym(cuLaunchKernel, "cuLaunchKernel");
  sym(cuCtxSynchronize, "cuCtxSynchronize");
  sym(cuEventCreate, "cuEventCreate");
  sym(cuEventRecord, "cuEventRecord");
  sym(cuEventSynchronize, "cuEventSynchronize");
  sym(cuEventElapsedTime, "cuEventElapsedTime");
  sym(cuEventDestroy, "cuEventDestroy_v2");
  sym(cuGetErrorString, "cuGetErrorString");
  // Optional (CUDA 12 drivers and later): null where missing.
  detail::bindSymbol(lib, cuLaunchKernelEx, "cuLaunchKernelEx");
  detail::bindSymbol(lib, cuOccupancyMaxActiveClusters,
                     "cuOccupancyMaxActiveClusters");
  detail::bindSymbol(lib, cuTensorMapEncodeTiled, "cuTensorMapEncodeTiled");
  return ok;
}

std::string CudaApi::describe(CUresult r) const {
  const char *s = nullptr;
  if (cuGetErrorString)
    cuGetErrorString(r, &s);
  return s ? s : "CUDA error " + std::to_string(r);
}

CudaApi &tlrt::cuda::api() {
  static CudaApi instance;
  return instance;
}
