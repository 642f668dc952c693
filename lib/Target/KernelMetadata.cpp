//===- KernelMetadata.cpp - What a runtime needs to launch a kernel -------===//

#include "tl/Target/KernelMetadata.h"
#include "tl/Dialect/TL/Transforms/ResourceModel.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace mlir::tl;

LogicalResult mlir::tl::writeFile(StringRef path, StringRef contents,
                                  std::string &error) {
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec);
  if (ec) {
    error = "cannot write " + path.str() + ": " + ec.message();
    return failure();
  }
  os << contents;
  os.close();
  if (os.has_error()) {
    error = "writing " + path.str() + " failed";
    os.clear_error();
    return failure();
  }
  return success();
}

FailureOr<FuncOp> mlir::tl::getSingleKernel(ModuleOp module,
                                            std::string &error) {
  SmallVector<FuncOp> kernels(module.getOps<FuncOp>());
  if (kernels.size() == 1)
    return kernels.front();
  error = llvm::formatv("expected one specialized tl.func in the module, "
                        "found {0}",
                        kernels.size())
              .str();
  return failure();
}

LogicalResult mlir::tl::writeKernelMetadata(StringRef dir,
                                            const tlrt::KernelInfo &info,
                                            std::string &error) {
  if (std::error_code ec = llvm::sys::fs::create_directories(dir)) {
    error = "cannot create " + dir.str() + ": " + ec.message();
    return failure();
  }
  return writeFile((dir + "/kernel.json").str(), tlrt::writeKernelInfo(info),
                   error);
}

std::string mlir::tl::dtypeName(Type type) {
  std::string s;
  llvm::raw_string_ostream os(s);
  if (type.isIndex())
    os << "i64";
  else
    type.print(os);
  return s;
}

/// "read", "write", "readwrite" or "none": what the kernel's ops do to the
/// tensor argument `arg`, through the views and casts of it.
static std::string accessOf(BlockArgument arg) {
  bool read = false, written = false;
  auto rootOf = [](Value v) {
    while (Operation *def = v.getDefiningOp()) {
      if (auto view = dyn_cast<ViewLikeOpInterface>(def))
        v = view.getViewSource();
      else if (auto cast = dyn_cast<memref::CastOp>(def))
        v = cast.getSource();
      else
        break;
    }
    return v;
  };
  arg.getOwner()->getParentOp()->walk([&](MemoryEffectOpInterface op) {
    SmallVector<MemoryEffects::EffectInstance> effects;
    op.getEffects(effects);
    for (const MemoryEffects::EffectInstance &effect : effects) {
      if (!effect.getValue() || rootOf(effect.getValue()) != arg)
        continue;
      read |= isa<MemoryEffects::Read>(effect.getEffect());
      written |= isa<MemoryEffects::Write>(effect.getEffect());
    }
  });
  return read && written ? "readwrite"
         : written       ? "write"
         : read          ? "read"
                         : "none";
}

FailureOr<tlrt::KernelInfo> mlir::tl::describeKernel(FuncOp kernel,
                                                     StringRef target,
                                                     StringRef symbol,
                                                     std::string &error) {
  if (!kernel.getParamDecls().empty()) {
    error = "'" + kernel.getSymName().str() +
            "' is a template; specialize it (tl-expand-configs) first";
    return failure();
  }
  tlrt::KernelInfo info;
  for (auto [i, type] : llvm::enumerate(kernel.getArgumentTypes())) {
    tlrt::ArgInfo arg;
    auto memref = dyn_cast<MemRefType>(type);
    arg.isTensor = static_cast<bool>(memref);
    std::string dtype = dtypeName(memref ? memref.getElementType() : type);
    std::optional<tlrt::DType> parsed = tlrt::parseDType(dtype);
    if (!parsed) {
      error = llvm::formatv("argument {0} of '{1}' has element type {2}, "
                            "which the runtime cannot pass; use f16, bf16, "
                            "f32, f64, f8, or an integer of 8 to 64 bits",
                            i, kernel.getSymName(), dtype)
                  .str();
      return failure();
    }
    arg.dtype = *parsed;
    if (memref) {
      if (!memref.hasStaticShape()) {
        error = llvm::formatv("argument {0} of '{1}' has a dynamic shape; "
                              "instantiate every parameter that sizes it",
                              i, kernel.getSymName())
                    .str();
        return failure();
      }
      arg.shape.assign(memref.getShape().begin(), memref.getShape().end());
      arg.access = accessOf(kernel.getArgument(i));
    }
    info.args.push_back(std::move(arg));
  }
  KernelResources res = computeResources(kernel);
  llvm::json::Object config;
  if (DictionaryAttr dict = kernel.getConfigAttr())
    for (NamedAttribute entry : dict)
      if (auto v = dyn_cast<IntegerAttr>(entry.getValue()))
        config[entry.getName().getValue()] = v.getInt();
  // FLOPs of the gemms, for TFLOP/s in tables: 2*M*N*K per block.
  int64_t flopsPerBlock = 0;
  kernel.walk([&](GemmOp gemm) {
    auto c = cast<MemRefType>(gemm.getC().getType());
    auto a = cast<MemRefType>(gemm.getA().getType());
    int64_t k = a.getDimSize(gemm.getTransposeA() ? 0 : 1);
    int64_t trips = 1;
    if (auto loop = gemm->getParentOfType<PipelinedOp>()) {
      APInt lo, hi;
      if (matchPattern(loop.getLower(), m_ConstantInt(&lo)) &&
          matchPattern(loop.getUpper(), m_ConstantInt(&hi)))
        trips = std::max<int64_t>(0, (hi - lo).getSExtValue());
    }
    flopsPerBlock += 2 * c.getDimSize(0) * c.getDimSize(1) * k * trips;
  });
  int64_t blocks = 1, flops = 0;
  for (int64_t g : res.grid)
    if (llvm::MulOverflow(blocks, g, blocks))
      blocks = INT64_MAX;
  if (llvm::MulOverflow(flopsPerBlock, blocks, flops))
    flops = INT64_MAX; // only a table's TFLOP/s column reads it
  info.name = kernel.getSymName().str();
  info.symbol = symbol.str();
  info.target = target.str();
  info.grid.assign(res.grid.begin(), res.grid.end());
  info.threads = res.threads;
  info.sharedMemoryBytes = res.sharedBytes;
  llvm::raw_string_ostream(info.configJson)
      << llvm::json::Value(std::move(config));
  info.gemmFlops = flops;
  return info;
}
