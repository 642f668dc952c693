//===- Gemm.cpp - tl.gemm on the host -------------------------------------===//
//
// tl-convert-to-host's pattern for tl.gemm (phase 1 of TLToHost.cpp).
//
//===----------------------------------------------------------------------===//

#include "HostPatterns.h"

#include "tl/Conversion/LoweringUtils.h"
#include "tl/Dialect/TL/IR/TLOps.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::tl;
using namespace mlir::tl::host;

namespace {

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

} // namespace

void mlir::tl::host::populateGemmPatterns(RewritePatternSet &patterns,
                                          unsigned vectorWidth, bool fused) {
  patterns.add<LowerGemm>(patterns.getContext(), vectorWidth, fused);
}
