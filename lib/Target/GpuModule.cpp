//===- GpuModule.cpp - What the GPU targets share -------------------------===//

#include "tl/Target/GpuModule.h"

#include "tl/Target/CapturedDiagnostics.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"

using namespace mlir;
using namespace mlir::tl;

LogicalResult mlir::tl::runCapturing(PassManager &pm, Operation *op,
                                     std::string &error) {
  CapturedDiagnostics diagnostics(op->getContext());
  if (succeeded(pm.run(op)))
    return success();
  error = diagnostics.str().empty() ? "lowering failed" : diagnostics.str();
  return failure();
}

LogicalResult mlir::tl::readLoweredLaunch(ModuleOp module,
                                          tlrt::KernelInfo &info,
                                          std::string &error) {
  // (The kernel is an llvm.func by now; the attributes travel with it.)
  bool found = false;
  module.walk([&](Operation *op) {
    if (auto bytes = op->getAttrOfType<IntegerAttr>("tl.shared_memory_bytes")) {
      info.sharedMemoryBytes = bytes.getInt();
      found = true;
    }
    // A warp-specialized kernel adds a producer warpgroup to its threads.
    if (auto launch = op->getAttrOfType<IntegerAttr>("tl.launch_threads"))
      info.threads = launch.getInt();
  });
  if (found)
    return success();
  error = "the lowered kernel lost its tl.shared_memory_bytes; cannot tell "
          "the runtime how much shared memory to give it";
  return failure();
}

FailureOr<std::string> mlir::tl::serializeGpuModule(ModuleOp module,
                                                    StringRef format,
                                                    StringRef toolkit,
                                                    std::string &error) {
  PassManager pm(module.getContext(), ModuleOp::getOperationName());
  GpuModuleToBinaryPassOptions binary;
  binary.compilationTarget = format.str();
  binary.toolkitPath = toolkit.str();
  pm.addPass(createGpuModuleToBinaryPass(binary));
  if (failed(runCapturing(pm, module, error)))
    return failure();
  for (auto binaryOp : module.getOps<gpu::BinaryOp>())
    for (Attribute object : binaryOp.getObjects())
      return cast<gpu::ObjectAttr>(object).getObject().getValue().str();
  error = "serialization produced no " + format.str() + " object";
  return failure();
}
