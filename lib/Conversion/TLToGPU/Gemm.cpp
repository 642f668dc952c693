//===- Gemm.cpp - tl.gemm on mma.sync and SIMT ----------------------------===//
//
// The mma.sync lowering (ldmatrix + m16n8k16 per warp) and the SIMT one
// (a rolled k loop of one FMA per owned C element); Wgmma.cpp has sm_90a's.
//
//===----------------------------------------------------------------------===//

#include "KernelLowering.h"

#include "tl/Conversion/LoweringUtils.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::tl;

namespace mlir::tl::cuda {

bool hasHalfOperandsInShared(GemmOp gemm) {
  auto a = cast<MemRefType>(gemm.getA().getType());
  auto b = cast<MemRefType>(gemm.getB().getType());
  auto c = cast<MemRefType>(gemm.getC().getType());
  Type ab = a.getElementType(); // B's too (the verifier says so)
  return (ab.isF16() || ab.isBF16()) && c.getElementType().isF32() &&
         getMemorySpace(a) == MemorySpace::Shared &&
         getMemorySpace(b) == MemorySpace::Shared;
}

/// Tensor-core gemm: f16/bf16 inputs from shared, f32 accumulator, A not
/// transposed, shapes multiples of m16n8k16 that the warps can share.
std::optional<MmaLayout> tensorCoreLayout(GemmOp gemm, int64_t warps) {
  if (!hasHalfOperandsInShared(gemm) || gemm.getTransposeA())
    return std::nullopt;
  auto a = cast<MemRefType>(gemm.getA().getType());
  auto c = cast<MemRefType>(gemm.getC().getType());
  int64_t m = c.getDimSize(0), n = c.getDimSize(1), k = a.getDimSize(1);
  if (m % 16 || n % 8 || k % 16)
    return std::nullopt;
  return squarestWarpGrid(m, n, 16, 8, warps);
}

std::optional<MmaLayout> squarestWarpGrid(int64_t m, int64_t n, int64_t tileM,
                                          int64_t tileN, int64_t warps) {
  std::optional<MmaLayout> best;
  double bestScore = 1e30;
  for (int64_t wm = 1; wm <= warps; ++wm) {
    if (warps % wm)
      continue;
    int64_t wn = warps / wm;
    if ((m / tileM) % wm || (n / tileN) % wn)
      continue;
    double score = std::abs(std::log(double(m / wm) / double(n / wn)));
    if (score < bestScore) {
      bestScore = score;
      best = MmaLayout{m, n, wm, wn};
    }
  }
  return best;
}

LogicalResult KernelLowering::lowerGemm(GemmOp op, OpBuilder &b) {
  Location l = op.getLoc();
  Value a = op.getA(), bm = op.getB(), c = op.getC();
  if (!fragments.count(c))
    return op.emitError() << "accumulates into a tile the CUDA lowering did "
                             "not allocate";
  Fragment &acc = fragments[c];
  Type accType = acc.logical.getElementType();
  if (op.getClearAccum())
    forEachOwned(b, l, acc, [&](OpBuilder &bb, int64_t slot, ValueRange) {
      slotStore(bb, l, zeroOf(bb, l, accType), acc, slot);
    });
  auto aType = cast<MemRefType>(a.getType());
  int64_t k = aType.getDimSize(op.getTransposeA() ? 0 : 1);

  if (acc.isMma && acc.mma.wgmma)
    return lowerWgmma(op, b);
  if (acc.isMma && acc.mma.mfma)
    return lowerMfma(op, b);
  if (acc.isMma) {
    const MmaLayout &m = acc.mma;
    Type ab = aType.getElementType();
    bool bf16 = ab.isBF16();
    MLIRContext *ctx = b.getContext();
    Value wr = arith::DivUIOp::create(b, l, warp, cIdx(b, l, m.wn));
    Value wc = arith::RemUIOp::create(b, l, warp, cIdx(b, l, m.wn));
    Value rowBase = mul(b, l, wr, cIdx(b, l, m.warpM()));
    Value colBase = mul(b, l, wc, cIdx(b, l, m.warpN()));
    Value lane16 = arith::RemUIOp::create(b, l, lane, cIdx(b, l, 16));
    Value laneHi = mul(b, l, arith::DivUIOp::create(b, l, lane, cIdx(b, l, 16)),
                       cIdx(b, l, 8));
    Value lane8 = arith::RemUIOp::create(b, l, lane, cIdx(b, l, 8));
    Value laneK =
        mul(b, l,
            arith::RemUIOp::create(
                b, l, arith::DivUIOp::create(b, l, lane, cIdx(b, l, 8)),
                cIdx(b, l, 2)),
            cIdx(b, l, 8));
    // A 2-element b16 vector as the operand nvvm.mma.sync wants.
    auto operand = [&](OpBuilder &bb, Value v2) -> Value {
      if (!bf16)
        return v2;
      Value asI32 = vector::BitCastOp::create(
          bb, l, VectorType::get({1}, bb.getI32Type()), v2);
      return vector::ExtractOp::create(bb, l, asI32, ArrayRef<int64_t>{0});
    };
    auto mmaType = NVVM::MMATypesAttr::get(ctx, bf16 ? NVVM::MMATypes::bf16
                                                     : NVVM::MMATypes::f16);
    auto f32 = b.getF32Type();
    auto resultType =
        LLVM::LLVMStructType::getLiteral(ctx, {f32, f32, f32, f32});
    for (int64_t kk = 0; kk < k; kk += 16) {
      SmallVector<SmallVector<Value>> aFrags, bFrags;
      for (int64_t mi = 0; mi < m.tilesM(); ++mi) {
        Value row = add(b, l, add(b, l, rowBase, mi * 16), lane16);
        Value col = add(b, l, laneHi, kk);
        SmallVector<Value> idx = sharedIndices(b, l, a, ValueRange{row, col});
        Value v = nvgpu::LdMatrixOp::create(
            b, l, VectorType::get({4, 2}, ab), shared[a].view, idx,
            /*transpose=*/false, /*numTiles=*/4);
        SmallVector<Value> regs;
        for (int64_t r = 0; r < 4; ++r)
          regs.push_back(operand(
              b, vector::ExtractOp::create(b, l, v, ArrayRef<int64_t>{r})));
        aFrags.push_back(regs);
      }
      // B fragments, two n8 tiles per ldmatrix.x4 where the warp tile
      // has an even count (one per x2 otherwise).
      for (int64_t ni = 0; ni < m.tilesN();) {
        int64_t count = ni + 1 < m.tilesN() ? 2 : 1;
        Value n0 = add(b, l, colBase, ni * 8);
        SmallVector<Value> idx;
        Value v;
        auto type = VectorType::get({2 * count, 2}, ab);
        if (op.getTransposeB()) { // B is N x K: rows are n
          Value row = add(b, l, n0, lane8);
          if (count == 2)
            row = add(b, l, row, laneHi);
          idx = sharedIndices(b, l, bm, ValueRange{row, add(b, l, laneK, kk)});
          v = nvgpu::LdMatrixOp::create(b, l, type, shared[bm].view, idx, false,
                                        2 * count);
        } else { // B is K x N: rows are k, transposed load
          Value col = count == 2 ? add(b, l, n0, laneHi) : n0;
          idx = sharedIndices(b, l, bm, ValueRange{add(b, l, lane16, kk), col});
          v = nvgpu::LdMatrixOp::create(b, l, type, shared[bm].view, idx, true,
                                        2 * count);
        }
        for (int64_t t = 0; t < count; ++t) {
          SmallVector<Value> regs;
          for (int64_t r = 0; r < 2; ++r)
            regs.push_back(
                operand(b, vector::ExtractOp::create(
                               b, l, v, ArrayRef<int64_t>{2 * t + r})));
          bFrags.push_back(regs);
        }
        ni += count;
      }
      for (int64_t mi = 0; mi < m.tilesM(); ++mi)
        for (int64_t ni = 0; ni < m.tilesN(); ++ni) {
          int64_t base = (mi * m.tilesN() + ni) * 4;
          SmallVector<Value> cs;
          for (int64_t r = 0; r < 4; ++r)
            cs.push_back(slotLoad(b, l, acc, base + r));
          auto mma = NVVM::MmaOp::create(
              b, l, resultType, aFrags[mi], bFrags[ni], cs,
              ArrayRef<int64_t>{16, 8, 16},
              /*b1Op=*/std::nullopt, /*intOverflow=*/std::nullopt,
              std::array<NVVM::MMATypes, 2>{mmaType.getValue(),
                                            mmaType.getValue()},
              std::array<NVVM::MMALayout, 2>{NVVM::MMALayout::row,
                                             NVVM::MMALayout::col});
          for (int64_t r = 0; r < 4; ++r)
            slotStore(b, l,
                      LLVM::ExtractValueOp::create(b, l, mma.getResult(),
                                                   ArrayRef<int64_t>{r}),
                      acc, base + r);
        }
    }
    return success();
  }

  // SIMT: a loop over k (kept rolled) whose body is one FMA per owned
  // element of C. The owned elements' accumulators are independent, so
  // the FMAs of one k overlap, and the code stays one k step long:
  // ptxas and LLVM see slots x 2 loads, not slots x k.
  if (!shared.count(a) || !shared.count(bm))
    return op.emitError()
           << "has an operand in fragment memory; the CUDA lowering reads "
              "gemm operands from shared memory (only wgmma, on sm_90a, "
              "reads A from a fragment copied whole from a wgmma "
              "accumulator); stage the tile through shared memory";
  auto kLoop =
      scf::ForOp::create(b, l, cIdx(b, l, 0), cIdx(b, l, k), cIdx(b, l, 1));
  OpBuilder kb = OpBuilder::atBlockBegin(kLoop.getBody());
  Value kk = kLoop.getInductionVar();
  forEachOwned(kb, l, acc, [&](OpBuilder &bb, int64_t slot, ValueRange ij) {
    Value av = op.getTransposeA() ? loadShared(bb, l, a, ValueRange{kk, ij[0]})
                                  : loadShared(bb, l, a, ValueRange{ij[0], kk});
    Value bv = op.getTransposeB()
                   ? loadShared(bb, l, bm, ValueRange{ij[1], kk})
                   : loadShared(bb, l, bm, ValueRange{kk, ij[1]});
    av = convertElementType(bb, l, av, accType);
    bv = convertElementType(bb, l, bv, accType);
    Value sum = slotLoad(bb, l, acc, slot);
    Value r = isa<FloatType>(accType)
                  ? math::FmaOp::create(bb, l, av, bv, sum).getResult()
                  : arith::AddIOp::create(
                        bb, l, arith::MulIOp::create(bb, l, av, bv), sum)
                        .getResult();
    slotStore(bb, l, r, acc, slot);
  });
  return success();
}

} // namespace mlir::tl::cuda
