//===- TLTileOps.cpp - tl dialect operations on tiles ---------------------===//
//
// Verifiers, folds and canonicalizations of the ops on tiles: allocation
// in shared memory or fragments, tl.copy, tl.gemm, tl.clear / tl.fill,
// tl.reduce. The op classes themselves are generated into TLOps.cpp.
//
//===----------------------------------------------------------------------===//

#include "tl/Dialect/TL/IR/TLOps.h"

#include "ShapeStrings.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "llvm/ADT/STLExtras.h"

using namespace mlir;
using namespace mlir::tl;
using mlir::tl::detail::shapeString;

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

static StringRef stringifySpace(std::optional<MemorySpace> space) {
  return space ? stringifyMemorySpace(*space) : "unknown";
}

/// Checks that `value` is a buffer in one of `allowed` memory spaces; `role`
/// names it in the diagnostic.
static LogicalResult verifySpace(Operation *op, Value value, StringRef role,
                                 ArrayRef<MemorySpace> allowed, StringRef fix) {
  auto type = cast<MemRefType>(value.getType());
  std::optional<MemorySpace> space = getMemorySpace(type);
  if (space && llvm::is_contained(allowed, *space))
    return success();
  InFlightDiagnostic diag = op->emitOpError()
                            << role << " is in " << stringifySpace(space)
                            << " memory; it must be in ";
  llvm::interleave(
      allowed, diag, [&](MemorySpace s) { diag << stringifyMemorySpace(s); },
      " or ");
  return diag << " memory" << (fix.empty() ? "" : "; ") << fix;
}

/// Dimensions `a` and `b` agree unless both are static and differ.
static bool dimsAgree(int64_t a, int64_t b) {
  return ShapedType::isDynamic(a) || ShapedType::isDynamic(b) || a == b;
}

//===----------------------------------------------------------------------===//
// Alloc ops
//===----------------------------------------------------------------------===//

template <typename AllocOpTy> static LogicalResult verifyAlloc(AllocOpTy op) {
  MemRefType type = op.getBuffer().getType();
  std::optional<MemorySpace> space = getMemorySpace(type);
  MemorySpace expected = AllocOpTy::getMemorySpace();
  if (space != expected)
    return op.emitOpError() << "allocates in " << stringifySpace(space)
                            << " memory; its result type needs #tl.memory<"
                            << stringifyMemorySpace(expected) << ">";
  if (op.getDynamicSizes().size() != type.getNumDynamicDims())
    return op.emitOpError()
           << "has " << op.getDynamicSizes().size() << " size operands for "
           << type.getNumDynamicDims() << " dynamic dimensions of " << type;
  if (!type.getLayout().isIdentity())
    return op.emitOpError() << "allocates with a layout; tiles are allocated "
                               "with the identity layout";
  for (int64_t dim : type.getShape())
    if (!ShapedType::isDynamic(dim) && dim <= 0)
      return op.emitOpError() << "allocates a tile with a dimension of size "
                              << dim << "; tile sizes are positive";
  if (!op->template getParentOfType<KernelOp>())
    return op.emitOpError() << "must be nested in a tl.kernel (tiles belong to "
                               "a block)";
  return success();
}

LogicalResult AllocSharedOp::verify() { return verifyAlloc(*this); }
LogicalResult AllocFragmentOp::verify() { return verifyAlloc(*this); }

namespace {
/// Folds constant size operands into the result type and casts back to the
/// original type for the users (which fold the cast away in turn):
///   tl.alloc_shared(%c64, %n) : memref<?x?xf16, S>
/// becomes
///   %a = tl.alloc_shared(%n) : memref<64x?xf16, S>
///   memref.cast %a : memref<64x?xf16, S> to memref<?x?xf16, S>
template <typename AllocOpTy>
struct FoldConstantAllocSizes : OpRewritePattern<AllocOpTy> {
  using OpRewritePattern<AllocOpTy>::OpRewritePattern;

  LogicalResult matchAndRewrite(AllocOpTy op,
                                PatternRewriter &rewriter) const override {
    MemRefType type = op.getBuffer().getType();
    SmallVector<int64_t> shape;
    SmallVector<Value> dynamicSizes;
    bool changed = false;
    auto sizeIt = op.getDynamicSizes().begin();
    for (int64_t dim : type.getShape()) {
      if (!ShapedType::isDynamic(dim)) {
        shape.push_back(dim);
        continue;
      }
      Value size = *sizeIt++;
      APInt constant;
      if (matchPattern(size, m_ConstantInt(&constant)) &&
          constant.isStrictlyPositive()) {
        shape.push_back(constant.getSExtValue());
        changed = true;
      } else {
        shape.push_back(ShapedType::kDynamic);
        dynamicSizes.push_back(size);
      }
    }
    if (!changed)
      return failure();
    auto newType = MemRefType::get(shape, type.getElementType(),
                                   type.getLayout(), type.getMemorySpace());
    auto newOp =
        AllocOpTy::create(rewriter, op.getLoc(), newType, dynamicSizes);
    newOp->setAttrs(op->getAttrs());
    rewriter.replaceOpWithNewOp<memref::CastOp>(op, type, newOp);
    return success();
  }
};
} // namespace

void AllocSharedOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                                MLIRContext *context) {
  results.add<FoldConstantAllocSizes<AllocSharedOp>>(context);
}

void AllocFragmentOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                                  MLIRContext *context) {
  results.add<FoldConstantAllocSizes<AllocFragmentOp>>(context);
}

//===----------------------------------------------------------------------===//
// CopyOp
//===----------------------------------------------------------------------===//

static bool isConvertible(Type from, Type to) {
  if (from == to)
    return true;
  if (isa<FloatType>(from) && isa<FloatType>(to))
    return true;
  return from.isSignlessInteger() && to.isSignlessInteger();
}

LogicalResult CopyOp::verify() {
  auto srcType = cast<MemRefType>(getSource().getType());
  auto dstType = cast<MemRefType>(getDest().getType());
  std::optional<MemorySpace> srcSpace = getMemorySpace(srcType);
  std::optional<MemorySpace> dstSpace = getMemorySpace(dstType);
  if (!srcSpace || !dstSpace)
    return emitOpError() << "copies between buffers whose memory space is not "
                            "a #tl.memory";
  if (*srcSpace == MemorySpace::Global && *dstSpace == MemorySpace::Global)
    return emitOpError() << "copies global to global; stage the tile through "
                            "shared or fragment memory";
  if (!getSourceOffsets().empty() && !getDestOffsets().empty())
    return emitOpError() << "indexes both sides; index the larger buffer and "
                            "give the tile whole";
  if (!isConvertible(srcType.getElementType(), dstType.getElementType()))
    return emitOpError() << "copies " << srcType.getElementType() << " to "
                         << dstType.getElementType()
                         << "; element types must match or both be floats "
                            "(or both integers)";

  bool srcIndexed = !getSourceOffsets().empty();
  bool dstIndexed = !getDestOffsets().empty();
  if (!srcIndexed && !dstIndexed) {
    if (srcType.getRank() != dstType.getRank() ||
        !llvm::all_of(
            llvm::zip(srcType.getShape(), dstType.getShape()),
            [](auto p) { return dimsAgree(std::get<0>(p), std::get<1>(p)); }))
      return emitOpError() << "copies a " << shapeString(srcType.getShape())
                           << " tile into a " << shapeString(dstType.getShape())
                           << " tile; whole-tile copies need equal shapes";
    return success();
  }

  MemRefType indexed = srcIndexed ? srcType : dstType;
  MemRefType tile = srcIndexed ? dstType : srcType;
  size_t numOffsets =
      srcIndexed ? getSourceOffsets().size() : getDestOffsets().size();
  if (numOffsets != static_cast<size_t>(indexed.getRank()))
    return emitOpError() << "indexes a rank-" << indexed.getRank()
                         << " buffer with " << numOffsets << " offsets";
  if (tile.getRank() > indexed.getRank())
    return emitOpError() << "copies a rank-" << tile.getRank()
                         << " tile at an offset into a rank-"
                         << indexed.getRank()
                         << " buffer; the tile's rank cannot exceed it";
  if (getMemorySpace(tile) == MemorySpace::Global)
    return emitOpError() << "uses a global tensor as the tile; the tile side "
                            "must be shared or fragment memory";
  return success();
}

LogicalResult CopyOp::fold(FoldAdaptor, SmallVectorImpl<OpFoldResult> &) {
  return memref::foldMemRefCast(*this);
}

//===----------------------------------------------------------------------===//
// GemmOp
//===----------------------------------------------------------------------===//

/// Whether `ab` inputs may accumulate into `c`.
static bool isSupportedGemmTypes(Type ab, Type c) {
  if (ab.isF16())
    return c.isF16() || c.isF32();
  if (ab.isBF16() || isa<Float8E4M3FNType, Float8E5M2Type>(ab))
    return c.isF32();
  if (ab.isF32() || ab.isF64())
    return c == ab;
  if (ab.isSignlessInteger(8))
    return c.isSignlessInteger(32);
  return false;
}

LogicalResult GemmOp::verify() {
  auto aType = cast<MemRefType>(getA().getType());
  auto bType = cast<MemRefType>(getB().getType());
  auto cType = cast<MemRefType>(getC().getType());
  StringRef stage = "copy it into a tl.alloc_shared tile first";
  if (failed(verifySpace(*this, getA(), "operand A",
                         {MemorySpace::Shared, MemorySpace::Fragment},
                         stage)) ||
      failed(verifySpace(*this, getB(), "operand B",
                         {MemorySpace::Shared, MemorySpace::Fragment},
                         stage)) ||
      failed(verifySpace(*this, getC(), "accumulator C",
                         {MemorySpace::Fragment},
                         "allocate it with tl.alloc_fragment")))
    return failure();
  if (aType.getRank() != 2 || bType.getRank() != 2 || cType.getRank() != 2)
    return emitOpError() << "multiplies rank-2 tiles only; got ranks "
                         << aType.getRank() << ", " << bType.getRank() << ", "
                         << cType.getRank();
  if (aType.getElementType() != bType.getElementType())
    return emitOpError() << "multiplies " << aType.getElementType() << " by "
                         << bType.getElementType()
                         << "; A and B need the same element type";
  if (!isSupportedGemmTypes(aType.getElementType(), cType.getElementType()))
    return emitOpError() << "cannot accumulate " << aType.getElementType()
                         << " products into " << cType.getElementType()
                         << "; supported: f16 -> f16|f32, bf16|f8 -> f32, "
                            "f32 -> f32, f64 -> f64, i8 -> i32";

  // A is MxK (KxM when transposed), B is KxN (NxK when transposed).
  int64_t m = aType.getDimSize(getTransposeA() ? 1 : 0);
  int64_t ka = aType.getDimSize(getTransposeA() ? 0 : 1);
  int64_t kb = bType.getDimSize(getTransposeB() ? 1 : 0);
  int64_t n = bType.getDimSize(getTransposeB() ? 0 : 1);
  if (!dimsAgree(ka, kb) || !dimsAgree(m, cType.getDimSize(0)) ||
      !dimsAgree(n, cType.getDimSize(1)))
    return emitOpError() << "has mismatched shapes: A "
                         << shapeString(aType.getShape())
                         << (getTransposeA() ? " (transposed)" : "") << ", B "
                         << shapeString(bType.getShape())
                         << (getTransposeB() ? " (transposed)" : "") << ", C "
                         << shapeString(cType.getShape())
                         << "; need A: MxK, B: KxN, C: MxN";
  return success();
}

LogicalResult GemmOp::fold(FoldAdaptor, SmallVectorImpl<OpFoldResult> &) {
  return memref::foldMemRefCast(*this);
}

//===----------------------------------------------------------------------===//
// ClearOp / FillOp
//===----------------------------------------------------------------------===//

static constexpr StringLiteral kWriteGlobalFix =
    "write a global tensor with tl.copy from a tile";

LogicalResult ClearOp::verify() {
  return verifySpace(*this, getBuffer(), "the tile",
                     {MemorySpace::Shared, MemorySpace::Fragment},
                     kWriteGlobalFix);
}

LogicalResult ClearOp::fold(FoldAdaptor, SmallVectorImpl<OpFoldResult> &) {
  return memref::foldMemRefCast(*this);
}

LogicalResult FillOp::verify() {
  if (failed(verifySpace(*this, getBuffer(), "the tile",
                         {MemorySpace::Shared, MemorySpace::Fragment},
                         kWriteGlobalFix)))
    return failure();
  Type elementType = cast<MemRefType>(getBuffer().getType()).getElementType();
  if (getValue().getType() != elementType)
    return emitOpError() << "fills a tile of " << elementType
                         << " with a value of type " << getValue().getType();
  return success();
}

LogicalResult FillOp::fold(FoldAdaptor, SmallVectorImpl<OpFoldResult> &) {
  return memref::foldMemRefCast(*this);
}

//===----------------------------------------------------------------------===//
// ReduceOp
//===----------------------------------------------------------------------===//

LogicalResult ReduceOp::verify() {
  auto srcType = cast<MemRefType>(getSource().getType());
  auto dstType = cast<MemRefType>(getDest().getType());
  StringRef fix = "reduce a shared or fragment tile";
  if (failed(verifySpace(*this, getSource(), "the source",
                         {MemorySpace::Shared, MemorySpace::Fragment}, fix)) ||
      failed(verifySpace(*this, getDest(), "the destination",
                         {MemorySpace::Shared, MemorySpace::Fragment}, fix)))
    return failure();
  int64_t dim = getDim();
  if (dim < 0 || dim >= srcType.getRank())
    return emitOpError() << "reduces dimension " << dim << " of a rank-"
                         << srcType.getRank() << " tile";
  if (srcType.getElementType() != dstType.getElementType())
    return emitOpError() << "reduces " << srcType.getElementType() << " into "
                         << dstType.getElementType()
                         << "; element types must match";
  SmallVector<int64_t> expected(srcType.getShape());
  expected.erase(expected.begin() + dim);
  if (dstType.getRank() != static_cast<int64_t>(expected.size()) ||
      !llvm::all_of(llvm::zip(expected, dstType.getShape()), [](auto p) {
        return dimsAgree(std::get<0>(p), std::get<1>(p));
      }))
    return emitOpError() << "reduces a " << shapeString(srcType.getShape())
                         << " tile along dimension " << dim << " into a "
                         << shapeString(dstType.getShape())
                         << " tile; expected " << shapeString(expected);
  return success();
}

LogicalResult ReduceOp::fold(FoldAdaptor, SmallVectorImpl<OpFoldResult> &) {
  return memref::foldMemRefCast(*this);
}
