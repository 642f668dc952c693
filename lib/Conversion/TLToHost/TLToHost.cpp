//===- TLToHost.cpp - Lower specialized tl kernels for the CPU ------------===//
//
// tl-convert-to-host: tile ops to loops and vector FMAs (phase 1), then the
// kernel launch to a loop over a block range and tiles to hoisted buffers
// (phase 2). See Passes.td.
//
//===----------------------------------------------------------------------===//

#include "tl/Conversion/Passes.h"

#include "tl/Conversion/LoweringUtils.h"
#include "tl/Dialect/TL/IR/TLOps.h"

#include "mlir/Dialect/SCF/Utils/Utils.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"

namespace mlir::tl {
#define GEN_PASS_DEF_CONVERTTLTOHOST
#include "tl/Conversion/Passes.h.inc"
} // namespace mlir::tl

using namespace mlir;
using namespace mlir::tl;

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

static Value constantIndex(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

/// Builds a loop nest over `[0, shape)` and calls `body` with the induction
/// variables.
static void
buildTileLoops(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
               function_ref<void(OpBuilder &, Location, ValueRange)> body) {
  SmallVector<Value> lbs, ubs, steps;
  for (int64_t dim : shape) {
    lbs.push_back(constantIndex(b, loc, 0));
    ubs.push_back(constantIndex(b, loc, dim));
    steps.push_back(constantIndex(b, loc, 1));
  }
  scf::buildLoopNest(b, loc, lbs, ubs, steps, body);
}

static Value dimSize(OpBuilder &b, Location loc, Value memref, int64_t dim) {
  auto type = cast<MemRefType>(memref.getType());
  if (!type.isDynamicDim(dim))
    return constantIndex(b, loc, type.getDimSize(dim));
  return memref::DimOp::create(b, loc, memref, dim);
}

static Value andAll(OpBuilder &b, Location loc, ArrayRef<Value> conds) {
  Value result = conds.front();
  for (Value c : conds.drop_front())
    result = arith::AndIOp::create(b, loc, result, c);
  return result;
}

static LogicalResult requireStatic(PatternRewriter &rewriter, Operation *op,
                                   ValueRange tiles) {
  for (Value tile : tiles)
    if (!cast<MemRefType>(tile.getType()).hasStaticShape())
      return rewriter.notifyMatchFailure(op, "tile shape is not static");
  return success();
}

//===----------------------------------------------------------------------===//
// Phase 1: tile ops
//===----------------------------------------------------------------------===//

namespace {

struct LowerCopy : OpRewritePattern<CopyOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(CopyOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value src = op.getSource(), dst = op.getDest();
    Type dstElem = cast<MemRefType>(dst.getType()).getElementType();
    Value tile = op.getTile();
    if (failed(requireStatic(rewriter, op, tile)))
      return failure();
    ArrayRef<int64_t> shape = cast<MemRefType>(tile.getType()).getShape();

    bool srcIndexed = !op.getSourceOffsets().empty();
    bool dstIndexed = !op.getDestOffsets().empty();
    if (!srcIndexed && !dstIndexed) {
      buildTileLoops(
          rewriter, loc, shape, [&](OpBuilder &b, Location l, ValueRange ivs) {
            Value v = memref::LoadOp::create(b, l, src, ivs);
            memref::StoreOp::create(b, l, convertElementType(b, l, v, dstElem),
                                    dst, ivs);
          });
      rewriter.eraseOp(op);
      return success();
    }

    Value indexed = srcIndexed ? src : dst;
    ValueRange offsets =
        srcIndexed ? op.getSourceOffsets() : op.getDestOffsets();
    int64_t rank = cast<MemRefType>(indexed.getType()).getRank();
    int64_t lead = rank - static_cast<int64_t>(shape.size());
    SmallVector<Value> dims;
    for (int64_t d = 0; d < rank; ++d)
      dims.push_back(dimSize(rewriter, loc, indexed, d));

    // Indices into the indexed buffer for tile indices `ivs`.
    auto indexedIndices = [&](OpBuilder &b, Location l, ValueRange ivs) {
      SmallVector<Value> idx;
      for (int64_t d = 0; d < rank; ++d)
        idx.push_back(
            d < lead ? offsets[d]
                     : arith::AddIOp::create(b, l, offsets[d], ivs[d - lead])
                           .getResult());
      return idx;
    };
    auto transfer = [&](OpBuilder &b, Location l, ValueRange ivs,
                        ValueRange idx) {
      if (srcIndexed) {
        Value v = memref::LoadOp::create(b, l, src, idx);
        memref::StoreOp::create(b, l, convertElementType(b, l, v, dstElem), dst,
                                ivs);
      } else {
        Value v = memref::LoadOp::create(b, l, src, ivs);
        memref::StoreOp::create(b, l, convertElementType(b, l, v, dstElem), dst,
                                idx);
      }
    };

    // Fast path: the whole tile lies inside the tensor.
    SmallVector<Value> fits;
    for (int64_t d = 0; d < rank; ++d) {
      Value extent =
          constantIndex(rewriter, loc, d < lead ? 1 : shape[d - lead]);
      Value end = arith::AddIOp::create(rewriter, loc, offsets[d], extent);
      fits.push_back(arith::CmpIOp::create(
          rewriter, loc, arith::CmpIPredicate::ule, end, dims[d]));
    }
    auto ifOp = scf::IfOp::create(rewriter, loc, andAll(rewriter, loc, fits),
                                  /*withElseRegion=*/true);
    {
      OpBuilder::InsertionGuard guard(rewriter);
      rewriter.setInsertionPointToStart(ifOp.thenBlock());
      buildTileLoops(rewriter, loc, shape,
                     [&](OpBuilder &b, Location l, ValueRange ivs) {
                       transfer(b, l, ivs, indexedIndices(b, l, ivs));
                     });
      // Edge path: check every element (unsigned, so a negative index is
      // out of bounds too).
      rewriter.setInsertionPointToStart(ifOp.elseBlock());
      buildTileLoops(
          rewriter, loc, shape, [&](OpBuilder &b, Location l, ValueRange ivs) {
            SmallVector<Value> idx = indexedIndices(b, l, ivs);
            SmallVector<Value> inside;
            for (int64_t d = 0; d < rank; ++d)
              inside.push_back(arith::CmpIOp::create(
                  b, l, arith::CmpIPredicate::ult, idx[d], dims[d]));
            Value inBounds = andAll(b, l, inside);
            if (srcIndexed) {
              memref::StoreOp::create(
                  b, l,
                  convertElementType(b, l, loadOrZero(b, l, src, idx, inBounds),
                                     dstElem),
                  dst, ivs);
            } else {
              auto write = scf::IfOp::create(b, l, inBounds);
              OpBuilder tb = write.getThenBodyBuilder();
              transfer(tb, l, ivs, idx);
            }
          });
    }
    rewriter.eraseOp(op);
    return success();
  }
};

/// C[i, j] (+)= sum_k A[i, k] * B[k, j], in three forms (see Passes.td).
struct LowerGemm : OpRewritePattern<GemmOp> {
  LowerGemm(MLIRContext *ctx, unsigned vectorWidth, bool fused)
      : OpRewritePattern(ctx), vectorWidth(vectorWidth), fused(fused) {}

  LogicalResult matchAndRewrite(GemmOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value a = op.getA(), b = op.getB(), c = op.getC();
    if (failed(requireStatic(rewriter, op, {a, b, c})))
      return failure();
    auto cType = cast<MemRefType>(c.getType());
    Type accType = cType.getElementType();
    int64_t m = cType.getDimSize(0), n = cType.getDimSize(1);
    int64_t k =
        cast<MemRefType>(a.getType()).getDimSize(op.getTransposeA() ? 0 : 1);

    if (op.getClearAccum())
      buildTileLoops(rewriter, loc, {m, n},
                     [&](OpBuilder &bb, Location l, ValueRange ivs) {
                       memref::StoreOp::create(bb, l, zeroOf(bb, l, accType), c,
                                               ivs);
                     });

    bool isFloat = isa<FloatType>(accType);
    int64_t vl = vectorWidth;
    if (isFloat && !op.getTransposeB() && n % vl == 0)
      buildBlocked(rewriter, loc, op, m, n, k);
    else if (isFloat && op.getTransposeB() && !op.getTransposeA() &&
             k % vl == 0)
      buildDot(rewriter, loc, op, m, n, k);
    else
      buildScalar(rewriter, loc, op, m, n, k);
    rewriter.eraseOp(op);
    return success();
  }

private:
  /// A[i, kk] honouring transpose_a.
  static Value loadA(OpBuilder &b, Location l, GemmOp op, Value i, Value kk) {
    return op.getTransposeA()
               ? memref::LoadOp::create(b, l, op.getA(), ValueRange{kk, i})
               : memref::LoadOp::create(b, l, op.getA(), ValueRange{i, kk});
  }

  /// Multiply-add in the accumulator type `acc` (scalar or vector): fused
  /// where the CPU has FMA, else a multiply and an add (which such a CPU
  /// does in hardware, where a fused one would call libm per lane).
  Value mulAdd(OpBuilder &b, Location l, Value x, Value y, Value acc) const {
    if (isa<FloatType>(getElementTypeOrSelf(acc.getType())))
      return fused ? math::FmaOp::create(b, l, x, y, acc).getResult()
                   : arith::AddFOp::create(
                         b, l, arith::MulFOp::create(b, l, x, y), acc)
                         .getResult();
    return arith::AddIOp::create(b, l, arith::MulIOp::create(b, l, x, y), acc);
  }

  void buildScalar(PatternRewriter &rewriter, Location loc, GemmOp op,
                   int64_t m, int64_t n, int64_t k) const {
    Value c = op.getC();
    Type accType = cast<MemRefType>(c.getType()).getElementType();
    buildTileLoops(
        rewriter, loc, {m, n}, [&](OpBuilder &b, Location l, ValueRange ij) {
          Value init = memref::LoadOp::create(b, l, c, ij);
          auto loop = scf::ForOp::create(
              b, l, constantIndex(b, l, 0), constantIndex(b, l, k),
              constantIndex(b, l, 1), ValueRange{init},
              [&](OpBuilder &fb, Location fl, Value kk, ValueRange iter) {
                Value av = convertElementType(
                    fb, fl, loadA(fb, fl, op, ij[0], kk), accType);
                Value bv = op.getTransposeB()
                               ? memref::LoadOp::create(fb, fl, op.getB(),
                                                        ValueRange{ij[1], kk})
                               : memref::LoadOp::create(fb, fl, op.getB(),
                                                        ValueRange{kk, ij[1]});
                bv = convertElementType(fb, fl, bv, accType);
                scf::YieldOp::create(fb, fl, mulAdd(fb, fl, av, bv, iter[0]));
              });
          memref::StoreOp::create(b, l, loop.getResult(0), c, ij);
        });
  }

  /// Register-blocked: MR rows x NR vectors of accumulators live across the
  /// k loop; each k step loads NR vectors of B's row and broadcasts MR
  /// elements of A's column. Accumulates in f32 (or C's type when wider).
  void buildBlocked(PatternRewriter &rewriter, Location loc, GemmOp op,
                    int64_t m, int64_t n, int64_t k) const {
    Value c = op.getC();
    Type cElem = cast<MemRefType>(c.getType()).getElementType();
    Type acc =
        cElem.getIntOrFloatBitWidth() < 32 ? rewriter.getF32Type() : cElem;
    int64_t vl = vectorWidth;
    int64_t mr = m % 4 == 0 ? 4 : (m % 2 == 0 ? 2 : 1);
    int64_t nr = n % (2 * vl) == 0 ? 2 : 1;
    auto accVec = VectorType::get({vl}, acc);
    auto cVec = VectorType::get({vl}, cElem);
    Type bElem = cast<MemRefType>(op.getB().getType()).getElementType();
    auto bVec = VectorType::get({vl}, bElem);

    SmallVector<Value> lbs{constantIndex(rewriter, loc, 0),
                           constantIndex(rewriter, loc, 0)};
    SmallVector<Value> ubs{constantIndex(rewriter, loc, m),
                           constantIndex(rewriter, loc, n)};
    SmallVector<Value> steps{constantIndex(rewriter, loc, mr),
                             constantIndex(rewriter, loc, nr * vl)};
    scf::buildLoopNest(
        rewriter, loc, lbs, ubs, steps,
        [&](OpBuilder &b, Location l, ValueRange ij) {
          auto row = [&](OpBuilder &bb, int64_t r) -> Value {
            return r == 0 ? ij[0]
                          : arith::AddIOp::create(bb, l, ij[0],
                                                  constantIndex(bb, l, r))
                                .getResult();
          };
          auto col = [&](OpBuilder &bb, int64_t v) -> Value {
            return v == 0 ? ij[1]
                          : arith::AddIOp::create(bb, l, ij[1],
                                                  constantIndex(bb, l, v * vl))
                                .getResult();
          };
          SmallVector<Value> inits;
          for (int64_t r = 0; r < mr; ++r)
            for (int64_t v = 0; v < nr; ++v) {
              Value cv = vector::LoadOp::create(
                  b, l, cVec, c, ValueRange{row(b, r), col(b, v)});
              inits.push_back(convertElementType(b, l, cv, acc));
            }
          auto loop = scf::ForOp::create(
              b, l, constantIndex(b, l, 0), constantIndex(b, l, k),
              constantIndex(b, l, 1), inits,
              [&](OpBuilder &fb, Location fl, Value kk, ValueRange iter) {
                SmallVector<Value> bs;
                for (int64_t v = 0; v < nr; ++v) {
                  Value bv = vector::LoadOp::create(fb, fl, bVec, op.getB(),
                                                    ValueRange{kk, col(fb, v)});
                  bs.push_back(convertElementType(fb, fl, bv, acc));
                }
                SmallVector<Value> next;
                for (int64_t r = 0; r < mr; ++r) {
                  Value av = convertElementType(
                      fb, fl, loadA(fb, fl, op, row(fb, r), kk), acc);
                  Value splat = vector::BroadcastOp::create(fb, fl, accVec, av);
                  for (int64_t v = 0; v < nr; ++v)
                    next.push_back(
                        mulAdd(fb, fl, splat, bs[v], iter[r * nr + v]));
                }
                scf::YieldOp::create(fb, fl, next);
              });
          for (int64_t r = 0; r < mr; ++r)
            for (int64_t v = 0; v < nr; ++v)
              vector::StoreOp::create(
                  b, l,
                  convertElementType(b, l, loop.getResult(r * nr + v), cElem),
                  c, ValueRange{row(b, r), col(b, v)});
        });
  }

  /// B transposed (N x K): A's row and B's row are both contiguous in k, so
  /// each C element is a vectorized dot product.
  void buildDot(PatternRewriter &rewriter, Location loc, GemmOp op, int64_t m,
                int64_t n, int64_t k) const {
    Value c = op.getC();
    Type cElem = cast<MemRefType>(c.getType()).getElementType();
    Type acc =
        cElem.getIntOrFloatBitWidth() < 32 ? rewriter.getF32Type() : cElem;
    int64_t vl = vectorWidth;
    auto accVec = VectorType::get({vl}, acc);
    Type abElem = cast<MemRefType>(op.getA().getType()).getElementType();
    auto abVec = VectorType::get({vl}, abElem);
    buildTileLoops(
        rewriter, loc, {m, n}, [&](OpBuilder &b, Location l, ValueRange ij) {
          Value zero = arith::ConstantOp::create(
              b, l, accVec, DenseElementsAttr::get(accVec, b.getZeroAttr(acc)));
          auto loop = scf::ForOp::create(
              b, l, constantIndex(b, l, 0), constantIndex(b, l, k),
              constantIndex(b, l, vl), ValueRange{zero},
              [&](OpBuilder &fb, Location fl, Value kk, ValueRange iter) {
                Value av = vector::LoadOp::create(fb, fl, abVec, op.getA(),
                                                  ValueRange{ij[0], kk});
                Value bv = vector::LoadOp::create(fb, fl, abVec, op.getB(),
                                                  ValueRange{ij[1], kk});
                scf::YieldOp::create(
                    fb, fl,
                    mulAdd(fb, fl, convertElementType(fb, fl, av, acc),
                           convertElementType(fb, fl, bv, acc), iter[0]));
              });
          Value sum = vector::ReductionOp::create(
              b, l, vector::CombiningKind::ADD, loop.getResult(0));
          Value old = convertElementType(
              b, l, memref::LoadOp::create(b, l, c, ij), acc);
          Value total = arith::AddFOp::create(b, l, old, sum);
          memref::StoreOp::create(b, l, convertElementType(b, l, total, cElem),
                                  c, ij);
        });
  }

  unsigned vectorWidth;
  bool fused;
};

/// The order of blocks and their grouping into clusters do not matter on
/// the CPU.
template <typename Op> struct DropBlockSchedule : OpRewritePattern<Op> {
  using OpRewritePattern<Op>::OpRewritePattern;
  LogicalResult matchAndRewrite(Op op,
                                PatternRewriter &rewriter) const override {
    rewriter.eraseOp(op);
    return success();
  }
};

struct LowerClear : OpRewritePattern<ClearOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ClearOp op,
                                PatternRewriter &rewriter) const override {
    if (failed(requireStatic(rewriter, op, op.getBuffer())))
      return failure();
    auto type = cast<MemRefType>(op.getBuffer().getType());
    Value zero = zeroOf(rewriter, op.getLoc(), type.getElementType());
    buildTileLoops(rewriter, op.getLoc(), type.getShape(),
                   [&](OpBuilder &b, Location l, ValueRange ivs) {
                     memref::StoreOp::create(b, l, zero, op.getBuffer(), ivs);
                   });
    rewriter.eraseOp(op);
    return success();
  }
};

struct LowerFill : OpRewritePattern<FillOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(FillOp op,
                                PatternRewriter &rewriter) const override {
    if (failed(requireStatic(rewriter, op, op.getBuffer())))
      return failure();
    auto type = cast<MemRefType>(op.getBuffer().getType());
    buildTileLoops(rewriter, op.getLoc(), type.getShape(),
                   [&](OpBuilder &b, Location l, ValueRange ivs) {
                     memref::StoreOp::create(b, l, op.getValue(),
                                             op.getBuffer(), ivs);
                   });
    rewriter.eraseOp(op);
    return success();
  }
};

struct LowerReduce : OpRewritePattern<ReduceOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(ReduceOp op,
                                PatternRewriter &rewriter) const override {
    if (failed(requireStatic(rewriter, op, {op.getSource(), op.getDest()})))
      return failure();
    auto srcType = cast<MemRefType>(op.getSource().getType());
    auto dstType = cast<MemRefType>(op.getDest().getType());
    Type elem = srcType.getElementType();
    int64_t dim = op.getDim();
    ReduceKind kind = op.getKind();
    auto body = [&](OpBuilder &b, Location l, ValueRange outIvs) {
      Value init =
          op.getAccumulate()
              ? memref::LoadOp::create(b, l, op.getDest(), outIvs).getResult()
              : buildReduceIdentity(b, l, kind, elem);
      auto loop = scf::ForOp::create(
          b, l, constantIndex(b, l, 0),
          constantIndex(b, l, srcType.getDimSize(dim)), constantIndex(b, l, 1),
          ValueRange{init},
          [&](OpBuilder &fb, Location fl, Value r, ValueRange iter) {
            SmallVector<Value> srcIdx(outIvs.begin(), outIvs.end());
            srcIdx.insert(srcIdx.begin() + dim, r);
            Value v = memref::LoadOp::create(fb, fl, op.getSource(), srcIdx);
            scf::YieldOp::create(fb, fl,
                                 buildReduceCombine(fb, fl, kind, iter[0], v));
          });
      memref::StoreOp::create(b, l, loop.getResult(0), op.getDest(), outIvs);
    };
    if (dstType.getRank() == 0) {
      body(rewriter, op.getLoc(), {});
    } else {
      buildTileLoops(rewriter, op.getLoc(), dstType.getShape(), body);
    }
    rewriter.eraseOp(op);
    return success();
  }
};

/// Inlines a single-block tl region (ending in tl.yield) at the rewriter's
/// insertion point with `args` for its arguments.
static void inlineBody(PatternRewriter &rewriter, Region &region,
                       ValueRange args) {
  Block *body = &region.front();
  rewriter.eraseOp(body->getTerminator());
  rewriter.inlineBlockBefore(body, rewriter.getInsertionBlock(),
                             rewriter.getInsertionPoint(), args);
}

struct LowerParallel : OpRewritePattern<ParallelOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ParallelOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    SmallVector<Value> lbs, steps;
    for (size_t i = 0; i < op.getExtents().size(); ++i) {
      lbs.push_back(constantIndex(rewriter, loc, 0));
      steps.push_back(constantIndex(rewriter, loc, 1));
    }
    scf::LoopNest nest =
        scf::buildLoopNest(rewriter, loc, lbs, op.getExtents(), steps);
    OpBuilder::InsertionGuard guard(rewriter);
    rewriter.setInsertionPoint(nest.loops.back().getBody()->getTerminator());
    SmallVector<Value> ivs;
    for (scf::ForOp loop : nest.loops)
      ivs.push_back(loop.getInductionVar());
    inlineBody(rewriter, op.getBody(), ivs);
    rewriter.eraseOp(op);
    return success();
  }
};

struct LowerPipelined : OpRewritePattern<PipelinedOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(PipelinedOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto loop = scf::ForOp::create(rewriter, loc, op.getLower(), op.getUpper(),
                                   constantIndex(rewriter, loc, 1));
    OpBuilder::InsertionGuard guard(rewriter);
    rewriter.setInsertionPoint(loop.getBody()->getTerminator());
    inlineBody(rewriter, op.getBody(), loop.getInductionVar());
    rewriter.eraseOp(op);
    return success();
  }
};

struct LowerCeilDiv : OpRewritePattern<CeilDivOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(CeilDivOp op,
                                PatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<arith::CeilDivUIOp>(op, op.getLhs(),
                                                    op.getRhs());
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Phase 2: functions, launches, tiles
//===----------------------------------------------------------------------===//

struct LowerFunc : OpRewritePattern<FuncOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(FuncOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    SmallVector<KernelOp> launches;
    op.walk([&](KernelOp k) { launches.push_back(k); });
    if (launches.size() != 1)
      return rewriter.notifyMatchFailure(op, "needs exactly one tl.kernel");
    KernelOp launch = launches.front();

    SmallVector<Type> argTypes;
    for (Type t : op.getArgumentTypes())
      argTypes.push_back(
          isa<MemRefType>(t) ? stripTLMemorySpace(cast<MemRefType>(t)) : t);
    argTypes.push_back(rewriter.getIndexType());
    argTypes.push_back(rewriter.getIndexType());
    auto func = func::FuncOp::create(rewriter, loc, op.getSymName(),
                                     rewriter.getFunctionType(argTypes, {}));
    func->setAttr("tl.entry", rewriter.getUnitAttr());
    SmallVector<int64_t> grid;
    for (Value g : launch.getGrid()) {
      APInt v;
      if (!matchPattern(g, m_ConstantInt(&v)))
        return rewriter.notifyMatchFailure(op, "grid is not constant");
      grid.push_back(v.getSExtValue());
    }
    func->setAttr("tl.grid", rewriter.getDenseI64ArrayAttr(grid));
    if (op.getConfigAttr())
      func->setAttr("tl.config", op.getConfigAttr());

    // Move the body; its arguments take the new types.
    Region &body = func.getBody();
    rewriter.inlineRegionBefore(op.getBody(), body, body.end());
    Block &entry = body.front();
    for (auto [arg, type] : llvm::zip(entry.getArguments(), argTypes))
      arg.setType(type);
    Value begin = entry.addArgument(rewriter.getIndexType(), loc);
    Value end = entry.addArgument(rewriter.getIndexType(), loc);
    Operation *ret = entry.getTerminator();
    rewriter.setInsertionPoint(ret);
    rewriter.replaceOpWithNewOp<func::ReturnOp>(ret);

    // The launch: a loop over linear blocks [begin, end), x fastest.
    rewriter.setInsertionPoint(launch);
    auto loop = scf::ForOp::create(rewriter, loc, begin, end,
                                   constantIndex(rewriter, loc, 1));
    rewriter.setInsertionPoint(loop.getBody()->getTerminator());
    SmallVector<Value> indices;
    Value rest = loop.getInductionVar();
    for (auto [i, g] : llvm::enumerate(launch.getGrid())) {
      if (i + 1 == launch.getGrid().size()) {
        indices.push_back(rest);
        break;
      }
      indices.push_back(arith::RemUIOp::create(rewriter, loc, rest, g));
      rest = arith::DivUIOp::create(rewriter, loc, rest, g);
    }
    inlineBody(rewriter, launch.getBody(), indices);
    rewriter.eraseOp(launch);
    rewriter.eraseOp(op);
    return success();
  }
};

/// Tiles become buffers allocated once at the function's entry and freed at
/// its return; every block the call runs reuses them.
template <typename AllocOpTy> struct LowerAlloc : OpRewritePattern<AllocOpTy> {
  using OpRewritePattern<AllocOpTy>::OpRewritePattern;

  LogicalResult matchAndRewrite(AllocOpTy op,
                                PatternRewriter &rewriter) const override {
    auto func = op->template getParentOfType<func::FuncOp>();
    if (!func)
      return rewriter.notifyMatchFailure(op, "function not lowered yet");
    MemRefType type = op.getBuffer().getType();
    if (!type.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "tile shape is not static");
    OpBuilder::InsertionGuard guard(rewriter);
    rewriter.setInsertionPointToStart(&func.getBody().front());
    auto alloc =
        memref::AllocOp::create(rewriter, op.getLoc(), stripTLMemorySpace(type),
                                ValueRange{}, rewriter.getI64IntegerAttr(64));
    func.walk([&](func::ReturnOp ret) {
      rewriter.setInsertionPoint(ret);
      memref::DeallocOp::create(rewriter, op.getLoc(), alloc);
    });
    rewriter.replaceOp(op, alloc.getResult());
    return success();
  }
};

struct ConvertTLToHostPass
    : public tl::impl::ConvertTLToHostBase<ConvertTLToHostPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();

    // Preconditions, with a diagnostic instead of a silent non-lowering.
    WalkResult check = module.walk([&](Operation *op) {
      if (auto func = dyn_cast<FuncOp>(op)) {
        if (!func.getParamDecls().empty()) {
          func.emitError() << "'" << func.getSymName()
                           << "' is a template; run tl-expand-configs first";
          return WalkResult::interrupt();
        }
        int launches = 0;
        func.walk([&](KernelOp) { ++launches; });
        if (launches != 1) {
          func.emitError() << "the host target runs one tl.kernel per "
                              "tl.func; '"
                           << func.getSymName() << "' has " << launches;
          return WalkResult::interrupt();
        }
        if (failed(verifyStaticShapes(func)))
          return WalkResult::interrupt();
      }
      return WalkResult::advance();
    });
    if (check.wasInterrupted())
      return signalPassFailure();

    RewritePatternSet tiles(ctx);
    tiles.add<LowerCopy, LowerClear, LowerFill, LowerReduce, LowerParallel,
              LowerPipelined, LowerCeilDiv, DropBlockSchedule<UseSwizzleOp>,
              DropBlockSchedule<ClusterOp>, DropBlockSchedule<PersistentOp>>(
        ctx);
    tiles.add<LowerGemm>(ctx, vectorWidth, fma);
    // One post-order walk: no pattern creates tl ops, and a worklist driver
    // revisits every op an outer loop's inlining moves, which is cubic in
    // the nesting depth.
    walkAndApplyPatterns(module, std::move(tiles));
    GreedyRewriteConfig config;
    config.setRegionSimplificationLevel(GreedySimplifyRegionLevel::Disabled);

    RewritePatternSet funcs(ctx);
    funcs
        .add<LowerFunc, LowerAlloc<AllocSharedOp>, LowerAlloc<AllocFragmentOp>>(
            ctx);
    if (failed(applyPatternsGreedily(module, std::move(funcs), config)))
      return signalPassFailure();

    WalkResult leftover = module.walk([&](Operation *op) {
      if (isa<TLDialect>(op->getDialect())) {
        op->emitError() << "could not be lowered to the host";
        return WalkResult::interrupt();
      }
      return WalkResult::advance();
    });
    if (leftover.wasInterrupted())
      signalPassFailure();
  }
};

} // namespace
