//===- KernelMetadata.cpp - What a runtime needs to launch a kernel -------===//

#include "tl/Target/KernelMetadata.h"
#include "tl/Dialect/TL/Transforms/ResourceModel.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MathExtras.h"

#include <cmath>

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

/// The extent of the global tensor that a tl.copy indexed at a tile offset
/// moves dimension `dim` of `tile` from (`into`) or to (the tile maps to the
/// tensor's trailing dimensions), if a copy does and the extent is static.
/// Of several such copies, those of the innermost region around `user` (a
/// tile filled in two loops from two tensors is each loop's gemm's), else
/// all of them; none where those disagree.
static std::optional<int64_t> globalExtent(FuncOp kernel, Value tile,
                                           unsigned dim, bool into,
                                           Operation *user) {
  SmallVector<std::pair<Region *, int64_t>> copies;
  kernel.walk([&](CopyOp copy) {
    Value side = into ? copy.getSource() : copy.getDest();
    bool indexed = into ? !copy.getSourceOffsets().empty()
                        : !copy.getDestOffsets().empty();
    auto global = dyn_cast<MemRefType>(side.getType());
    auto type = dyn_cast<MemRefType>(tile.getType());
    if ((into ? copy.getDest() : copy.getSource()) != tile || !indexed ||
        !global || !type || getMemorySpace(global) != MemorySpace::Global)
      return;
    int64_t size = global.getDimSize(global.getRank() - type.getRank() + dim);
    if (!ShapedType::isDynamic(size))
      copies.push_back({copy->getParentRegion(), size});
  });
  // The innermost region around the user that holds such a copy, if any.
  Region *nearest = nullptr;
  for (auto [region, size] : copies)
    if (region->isAncestor(user->getParentRegion()) &&
        (!nearest || nearest->isProperAncestor(region)))
      nearest = region;
  std::optional<int64_t> extent;
  for (auto [region, size] : copies) {
    if (nearest && region != nearest)
      continue;
    if (extent && *extent != size)
      return std::nullopt;
    extent = size;
  }
  return extent;
}

/// How many times the loops around `op` inside its tl.kernel (tl.pipelined,
/// scf.for) run it; std::nullopt where a loop's bounds are not constants
/// (a causal attention's key loop).
static std::optional<double> tripsAround(Operation *op) {
  double trips = 1;
  for (Operation *parent = op->getParentOp();
       parent && !isa<KernelOp, FuncOp>(parent);
       parent = parent->getParentOp()) {
    APInt lo, hi, step(64, 1);
    Value lower, upper, stepValue;
    if (auto loop = dyn_cast<PipelinedOp>(parent)) {
      lower = loop.getLower();
      upper = loop.getUpper();
    } else if (auto loop = dyn_cast<scf::ForOp>(parent)) {
      lower = loop.getLowerBound();
      upper = loop.getUpperBound();
      stepValue = loop.getStep();
    } else {
      continue;
    }
    if (!matchPattern(lower, m_ConstantInt(&lo)) ||
        !matchPattern(upper, m_ConstantInt(&hi)) ||
        (stepValue && !matchPattern(stepValue, m_ConstantInt(&step))))
      return std::nullopt;
    int64_t span = (hi - lo).getSExtValue(), by = step.getSExtValue();
    trips *= by > 0 && span > 0
                 ? static_cast<double>(llvm::divideCeil(span, by))
                 : 0.0;
  }
  return trips;
}

/// The FLOPs of the kernel's gemms over its grid, as the problem counts
/// them (2*M*N*K for a GEMM): every block's tile FLOPs times the loops
/// around the gemm, with the padding past the tensors' edges taken out.
/// Each of M, N and K: a tile of t that covers a tensor's dimension of G
/// in ceil(G/t) tiles (M and N over the grid, K over a pipelined loop's
/// trips, or a dimension the tile holds whole, as attention's head) counts
/// G / ceil(G/t) of its t. G is where the accumulator is written (M, N),
/// else where the operands are copied from; a dimension whose G is not
/// known (a tile computed in registers, a dynamic tensor) counts t. 0
/// (unknown) where a tile is not static or a loop's trips are not known.
static int64_t problemFlops(FuncOp kernel, ArrayRef<int64_t> grid) {
  double blocks = 1;
  for (int64_t g : grid)
    blocks *= static_cast<double>(g);
  double flops = 0;
  bool known = true;
  kernel.walk([&](GemmOp gemm) {
    Value a = gemm.getA(), b = gemm.getB(), c = gemm.getC();
    bool ta = gemm.getTransposeA(), tb = gemm.getTransposeB();
    auto cType = cast<MemRefType>(c.getType());
    auto extent = [&](Value tile, unsigned dim, Value written,
                      unsigned writtenDim) {
      std::optional<int64_t> g = globalExtent(kernel, written, writtenDim,
                                              /*into=*/false, gemm);
      return g ? g : globalExtent(kernel, tile, dim, /*into=*/true, gemm);
    };
    std::optional<int64_t> gk = globalExtent(kernel, a, ta ? 0 : 1, true, gemm);
    if (!gk)
      gk = globalExtent(kernel, b, tb ? 1 : 0, true, gemm);
    std::optional<double> trips = tripsAround(gemm);
    known &= trips.has_value();
    double useful = 2.0 * blocks * trips.value_or(0);
    for (auto [tile, global] :
         {std::pair{cType.getDimSize(0), extent(a, ta ? 1 : 0, c, 0)},
          std::pair{cType.getDimSize(1), extent(b, tb ? 0 : 1, c, 1)},
          std::pair{cast<MemRefType>(a.getType()).getDimSize(ta ? 0 : 1),
                    gk}}) {
      known &= !ShapedType::isDynamic(tile) && tile > 0;
      useful *= global && tile > 0
                    ? static_cast<double>(*global) /
                          static_cast<double>(llvm::divideCeil(*global, tile))
                    : static_cast<double>(tile);
    }
    flops += useful;
  });
  if (!known || !(flops > 0))
    return 0;
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
