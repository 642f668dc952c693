//===- Cuda.cpp - Compile tl kernels to CUBIN and PTX ---------------------===//

#include "tl/Target/Cuda.h"

#include "tl/Conversion/Passes.h"
#include "tl/Dialect/TL/IR/TLOps.h"
#include "tl/Target/GpuModule.h"
#include "tl/Target/KernelMetadata.h"
#include "tl/Target/Tool.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::tl;

/// The lowering's options from the compile's: one place, so that the cache
/// key (describeCompile) sees what the lowering gets.
static void fillLowering(const CudaCompileOptions &options,
                         LowerToNVVMOptions &lower) {
  lower.chip = options.chip;
  lower.features = options.features;
  lower.optLevel = options.optLevel;
  lower.mma = options.mma;
  lower.wgmmaInFlight = options.wgmmaInFlight;
  lower.tma = options.tma;
  lower.warpSpecialize = options.warpSpecialize;
  lower.indexBitwidth = options.indexBitwidth;
  lower.format = "none";
}

std::string mlir::tl::describeCompile(const CudaCompileOptions &options) {
  LowerToNVVMOptions lower;
  fillLowering(options, lower);
  std::string text = "tl-lower-to-nvvm";
  llvm::raw_string_ostream os(text);
  lower.print(os);
  os << " ptxas -arch=" << options.chip << " -O" << options.optLevel;
  return text;
}

LogicalResult mlir::tl::compileCudaKernel(ModuleOp module, StringRef dir,
                                          const CudaCompileOptions &options,
                                          std::string &error) {
  FailureOr<FuncOp> kernel = getSingleKernel(module, error);
  if (failed(kernel))
    return failure();
  std::string name = kernel->getSymName().str();
  FailureOr<tlrt::KernelInfo> metadata =
      describeKernel(*kernel, options.chip, name, error);
  if (failed(metadata))
    return failure();

  PassManager pm(module.getContext(), ModuleOp::getOperationName());
  LowerToNVVMOptions lower;
  fillLowering(options, lower);
  unsigned bits = options.indexBitwidth;
  if (bits != 32 && bits != 64) {
    error = "index bit width " + std::to_string(bits) +
            " is not supported; use 64 (the default) or 32";
    return failure();
  }
  if (bits == 32)
    for (Type t : kernel->getArgumentTypes())
      if (auto m = dyn_cast<MemRefType>(t))
        if (!m.hasStaticShape() || m.getNumElements() >= (int64_t(1) << 31)) {
          error = "32-bit indices cannot address a tensor of " +
                  (m.hasStaticShape() ? std::to_string(m.getNumElements())
                                      : std::string("unknown size")) +
                  " elements; use --index-bitwidth=64";
          return failure();
        }
  buildLowerToNVVMPipeline(pm, lower);
  if (failed(runCapturing(pm, module, error))) {
    error = "lowering to NVVM failed: " + error;
    return failure();
  }
  // The actual dynamic shared memory and block size, from the lowering,
  // and the TMA tensor maps the kernel takes after its arguments.
  if (failed(readLoweredLaunch(module, *metadata, error)))
    return failure();
  module.walk([&](Operation *op) {
    if (auto maps = op->getAttrOfType<ArrayAttr>("tl.tensor_maps"))
      for (auto entry : maps.getAsRange<DictionaryAttr>()) {
        tlrt::TensorMapInfo m;
        m.arg = cast<IntegerAttr>(entry.get("arg")).getInt();
        llvm::append_range(
            m.box, cast<DenseI64ArrayAttr>(entry.get("box")).asArrayRef());
        m.swizzleBytes = cast<IntegerAttr>(entry.get("swizzle")).getInt();
        metadata->tensorMaps.push_back(std::move(m));
      }
    if (auto cluster = op->getAttrOfType<DenseI64ArrayAttr>("tl.cluster"))
      metadata->cluster.assign(cluster.asArrayRef().begin(),
                               cluster.asArrayRef().end());
    if (op->hasAttr("tl.persistent"))
      metadata->persistent = true;
  });

  if (failed(checkDeadline(options.deadline, "the lowering to NVVM", error)))
    return failure();
  FailureOr<std::string> ptx = serializeGpuModule(
      module, "isa", findCudaToolkit(options.toolkit), error);
  if (failed(ptx))
    return failure();
  // ptxas runs here rather than inside gpu-module-to-binary: the NVPTX
  // backend runs once for both files, and ptxas stops at the deadline.
  std::string ptxPath = (dir + "/kernel.ptx").str();
  std::string cubinPath = (dir + "/kernel.cubin").str();
  std::string ptxas = findCudaToolkit(options.toolkit) + "/bin/ptxas";
  if (!llvm::sys::fs::can_execute(ptxas)) {
    error = "ptxas not found at " + ptxas +
            ": install the CUDA toolkit or set CUDA_HOME";
    return failure();
  }
  std::string arch = "-arch=" + options.chip;
  std::string opt = "-O" + std::to_string(options.optLevel);
  if (std::error_code ec = llvm::sys::fs::create_directories(dir)) {
    error = "cannot create " + dir.str() + ": " + ec.message();
    return failure();
  }
  // kernel.json last: a directory with it holds a complete kernel.
  if (failed(writeFile(ptxPath, *ptx, error)) ||
      failed(runTool({ptxas, arch, opt, ptxPath, "-o", cubinPath},
                     options.deadline, error)))
    return failure();
  return writeKernelMetadata(dir, *metadata, error);
}
