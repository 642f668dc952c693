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

#include "HostPatterns.h"

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
using namespace mlir::tl::host;

//===----------------------------------------------------------------------===//
// Phase 1: tile ops (tl.gemm: Gemm.cpp)
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
    populateGemmPatterns(tiles, vectorWidth, fma);
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
