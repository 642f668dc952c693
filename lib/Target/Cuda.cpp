//===- Cuda.cpp - Compile tl kernels to CUBIN and PTX ---------------------===//

#include "tl/Target/Cuda.h"

#include "tl/Conversion/Passes.h"
#include "tl/Dialect/TL/IR/TLOps.h"
#include "tl/Target/CapturedDiagnostics.h"
#include "tl/Target/KernelMetadata.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::tl;

/// Runs `pm` on `op`, turning error diagnostics into `error`.
static LogicalResult runCapturing(PassManager &pm, Operation *op,
                                  std::string &error) {
  CapturedDiagnostics diagnostics(op->getContext());
  if (succeeded(pm.run(op)))
    return success();
  error = diagnostics.str().empty() ? "lowering failed" : diagnostics.str();
  return failure();
}

/// Serializes the gpu.module of `module` in `format` and returns the bytes.
static FailureOr<std::string> serialize(ModuleOp module, StringRef format,
                                        const CudaCompileOptions &options,
                                        std::string &error) {
  PassManager pm(module.getContext(), ModuleOp::getOperationName());
  GpuModuleToBinaryPassOptions binary;
  binary.compilationTarget = format.str();
  binary.toolkitPath = findCudaToolkit(options.toolkit);
  pm.addPass(createGpuModuleToBinaryPass(binary));
  if (failed(runCapturing(pm, module, error))) {
    std::string ptxas = binary.toolkitPath + "/bin/ptxas";
    if (format == "bin" && !llvm::sys::fs::can_execute(ptxas))
      error = "ptxas not found at " + ptxas +
              ": install the CUDA toolkit or set CUDA_HOME (" + error + ")";
    return failure();
  }
  for (auto binaryOp : module.getOps<gpu::BinaryOp>())
    for (Attribute object : binaryOp.getObjects())
      return cast<gpu::ObjectAttr>(object).getObject().getValue().str();
  error = "serialization produced no object";
  return failure();
}

LogicalResult mlir::tl::compileCudaKernel(ModuleOp module, StringRef dir,
                                          const CudaCompileOptions &options,
                                          std::string &error) {
  FailureOr<FuncOp> kernel = getSingleKernel(module, error);
  if (failed(kernel))
    return failure();
  std::string name = kernel->getSymName().str();
  FailureOr<llvm::json::Object> metadata =
      describeKernel(*kernel, options.chip, name, error);
  if (failed(metadata))
    return failure();

  PassManager pm(module.getContext(), ModuleOp::getOperationName());
  LowerToNVVMOptions lower;
  lower.chip = options.chip;
  lower.features = options.features;
  lower.optLevel = options.optLevel;
  lower.format = "none";
  unsigned bits = options.indexBitwidth;
  if (!bits) {
    bits = 32;
    for (Type t : kernel->getArgumentTypes())
      if (auto m = dyn_cast<MemRefType>(t))
        if (m.getNumElements() >= (int64_t(1) << 31))
          bits = 64;
  }
  lower.indexBitwidth = bits;
  buildLowerToNVVMPipeline(pm, lower);
  if (failed(runCapturing(pm, module, error))) {
    error = "lowering to NVVM failed: " + error;
    return failure();
  }
  // The actual dynamic shared memory, from the lowering.
  // (The kernel is an llvm.func by now; the attribute travels with it.)
  bool found = false;
  module.walk([&](Operation *op) {
    if (auto bytes = op->getAttrOfType<IntegerAttr>("tl.shared_memory_bytes")) {
      (*metadata)["shared_memory_bytes"] = bytes.getInt();
      found = true;
    }
  });
  if (!found) {
    error = "the lowered kernel lost its tl.shared_memory_bytes; cannot tell "
            "the runtime how much shared memory to give it";
    return failure();
  }

  OwningOpRef<ModuleOp> forPtx = module.clone();
  FailureOr<std::string> ptx = serialize(*forPtx, "isa", options, error);
  if (failed(ptx))
    return failure();
  FailureOr<std::string> cubin = serialize(module, "bin", options, error);
  if (failed(cubin))
    return failure();

  if (failed(writeKernelMetadata(dir, std::move(*metadata), error)) ||
      failed(writeFile((dir + "/kernel.cubin").str(), *cubin, error)) ||
      failed(writeFile((dir + "/kernel.ptx").str(), *ptx, error)))
    return failure();
  return success();
}
