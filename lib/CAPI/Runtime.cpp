//===- Runtime.cpp - Compiled kernels through the C API -------------------===//
//
// tl-c/Runtime.h over the runtime (TLRuntime) alone: this file is also the
// whole of libTileMLIRRuntime, so it includes nothing of LLVM or MLIR but
// the C API's header-only string type.
//
//===----------------------------------------------------------------------===//

#include "tl-c/Runtime.h"

#include "Error.h"
#include "tl/Runtime/Device.h"
#include "tl/Runtime/Kernel.h"

#include <memory>

using namespace mlir::tl::capi;

namespace {

struct Kernel {
  std::unique_ptr<tlrt::Device> device;
  std::unique_ptr<tlrt::LoadedKernel> loaded;
  tlrt::KernelInfo info;
  std::string metadata;
};

Kernel &unwrap(TlKernel k) { return *static_cast<Kernel *>(k.ptr); }

} // namespace

MlirStringRef tlErrorGetMessage(TlError error) {
  return error.ptr ? toRef(*static_cast<std::string *>(error.ptr))
                   : mlirStringRefCreate(nullptr, 0);
}
void tlErrorDestroy(TlError error) {
  delete static_cast<std::string *>(error.ptr);
}

TlKernel tlKernelLoad(MlirStringRef dirRef, int device, TlError *error) {
  std::string dir = str(dirRef), message;
  auto kernel = std::make_unique<Kernel>();
  if (!tlrt::loadKernelInfo(dir + "/kernel.json", kernel->info, message,
                            &kernel->metadata))
    return fail<TlKernel>(error, message +
                                     ": give a compiled kernel's or a tuning "
                                     "result's directory");
  kernel->device =
      tlrt::createDevice(tlrt::binaryKind(dir), device, 0, message);
  if (!kernel->device)
    return fail<TlKernel>(error, dir + ": " + message);
  kernel->loaded = kernel->device->load(dir, kernel->info, message);
  if (!kernel->loaded)
    return fail<TlKernel>(error, message);
  return TlKernel{kernel.release()};
}

void tlKernelDestroy(TlKernel k) { delete &unwrap(k); }
bool tlKernelIsNull(TlKernel k) { return !k.ptr; }
MlirStringRef tlKernelGetMetadata(TlKernel k) {
  return toRef(unwrap(k).metadata);
}
intptr_t tlKernelGetNumArgs(TlKernel k) {
  return static_cast<intptr_t>(unwrap(k).info.args.size());
}

bool tlKernelLaunch(TlKernel k, void **args, void *stream, TlError *error) {
  std::string message;
  if (!args)
    return fail<bool>(error, "tlKernelLaunch: args is NULL", false);
  if (!unwrap(k).loaded->launch(args, stream, message))
    return fail<bool>(error, unwrap(k).info.name + ": " + message, false);
  return true;
}
