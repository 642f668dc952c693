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

/// The extent of the global tensor that fills dimension `dim` of the tile
/// `tile` through a tl.copy (the tile maps to the tensor's trailing
/// dimensions), if a copy does and the extent is static.
static std::optional<int64_t> globalExtent(FuncOp kernel, Value tile,
                                           unsigned dim) {
  std::optional<int64_t> extent;
  kernel.walk([&](CopyOp copy) {
    auto src = dyn_cast<MemRefType>(copy.getSource().getType());
    auto dst = dyn_cast<MemRefType>(tile.getType());
    if (copy.getDest() != tile || copy.getSourceOffsets().empty() || !src ||
        !dst || getMemorySpace(src) != MemorySpace::Global)
      return WalkResult::advance();
    int64_t size = src.getDimSize(src.getRank() - dst.getRank() + dim);
    if (!ShapedType::isDynamic(size))
      extent = size;
    return WalkResult::interrupt();
  });
  return extent;
}

/// The FLOPs of the kernel's gemms over its grid, as the problem counts
/// them (2*M*N*K for a GEMM): every block's tile FLOPs, with the padding
/// past the edges of the tensors the tiles are copied from taken out. A
/// dimension of a gemm whose tile covers a global extent G in ceil(G/t)
/// tiles of t (M and N over the grid, K over the pipelined loop's trips)
/// counts G of those t*ceil(G/t); one whose extent is not known (a tile
/// computed in registers, a dynamic tensor) counts the tile's.
static int64_t problemFlops(FuncOp kernel, ArrayRef<int64_t> grid) {
  double blocks = 1;
  for (int64_t g : grid)
    blocks *= static_cast<double>(g);
  double flops = 0;
  kernel.walk([&](GemmOp gemm) {
    auto c = cast<MemRefType>(gemm.getC().getType());
    auto a = cast<MemRefType>(gemm.getA().getType());
    bool ta = gemm.getTransposeA(), tb = gemm.getTransposeB();
    int64_t trips = 1;
    if (auto loop = gemm->getParentOfType<PipelinedOp>()) {
      APInt lo, hi;
      if (matchPattern(loop.getLower(), m_ConstantInt(&lo)) &&
          matchPattern(loop.getUpper(), m_ConstantInt(&hi)))
        trips = std::max<int64_t>(0, (hi - lo).getSExtValue());
    }
    // (tile extent, how many tiles cover it, the global extent if known)
    // for M, N and K.
    int64_t m = c.getDimSize(0), n = c.getDimSize(1),
            k = a.getDimSize(ta ? 0 : 1);
    std::optional<int64_t> gk = globalExtent(kernel, gemm.getA(), ta ? 0 : 1);
    if (!gk)
      gk = globalExtent(kernel, gemm.getB(), tb ? 1 : 0);
    double useful = 2.0 * blocks;
    for (auto [tile, global] :
         {std::pair{m, globalExtent(kernel, gemm.getA(), ta ? 1 : 0)},
          std::pair{n, globalExtent(kernel, gemm.getB(), tb ? 0 : 1)}}) {
      double covered =
          tile *
          static_cast<double>(llvm::divideCeil(global.value_or(tile), tile));
      useful *= tile * (global && covered > 0 ? *global / covered : 1.0);
    }
    double kCovered = static_cast<double>(k) * trips;
    useful *= gk && *gk < kCovered ? static_cast<double>(*gk) : kCovered;
    flops += useful;
  });
  return flops >= 9.2e18 ? INT64_MAX
                         : static_cast<int64_t>(std::llround(flops));
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
  int64_t flops = problemFlops(kernel, res.grid);
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
