//===- Mfma.cpp - tl.gemm on AMD's matrix cores ---------------------------===//
//
// v_mfma_f32_16x16x16{f16,bf16_1k} per wavefront (CDNA2 gfx90a, CDNA3
// gfx942) through amdgpu.mfma. The operands come from LDS: lane l holds
// A[row l % 16][k 4 (l / 16) .. +3] and B[k 4 (l / 16) .. +3][column
// l % 16] of a 16x16x16 step (either orientation of each tile), and the
// accumulator stays in registers in the layout MmaLayout describes.
//
//===----------------------------------------------------------------------===//

#include "KernelLowering.h"

#include "tl/Conversion/LoweringUtils.h"

#include "mlir/Dialect/AMDGPU/IR/AMDGPUDialect.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::tl;

namespace mlir::tl::cuda {

std::optional<MmaLayout> mfmaLayout(GemmOp gemm, int64_t waves) {
  if (!hasHalfOperandsInShared(gemm))
    return std::nullopt;
  auto a = cast<MemRefType>(gemm.getA().getType());
  auto c = cast<MemRefType>(gemm.getC().getType());
  int64_t m = c.getDimSize(0), n = c.getDimSize(1),
          k = a.getDimSize(gemm.getTransposeA() ? 0 : 1);
  if (m % 16 || n % 16 || k % 16)
    return std::nullopt;
  std::optional<MmaLayout> layout = squarestWarpGrid(m, n, 16, 16, waves);
  if (layout)
    layout->mfma = true;
  return layout;
}

LogicalResult KernelLowering::lowerMfma(GemmOp op, OpBuilder &b) {
  Location l = op.getLoc();
  Value a = op.getA(), bm = op.getB();
  Fragment &acc = fragments[op.getC()];
  const MmaLayout &m = acc.mma;
  auto aType = cast<MemRefType>(a.getType());
  Type ab = aType.getElementType();
  int64_t k = aType.getDimSize(op.getTransposeA() ? 0 : 1);
  Value wr = arith::DivUIOp::create(b, l, warp, cIdx(b, l, m.wn));
  Value wc = arith::RemUIOp::create(b, l, warp, cIdx(b, l, m.wn));
  Value rowBase = add(b, l, mul(b, l, wr, cIdx(b, l, m.warpM())),
                      arith::RemUIOp::create(b, l, lane, cIdx(b, l, 16)));
  Value colBase = add(b, l, mul(b, l, wc, cIdx(b, l, m.warpN())),
                      arith::RemUIOp::create(b, l, lane, cIdx(b, l, 16)));
  Value kLane = mul(b, l, arith::DivUIOp::create(b, l, lane, cIdx(b, l, 16)),
                    cIdx(b, l, 4));
  auto operandType = VectorType::get({4}, ab);
  auto accType = VectorType::get({4}, b.getF32Type());
  // Four elements along k of one row of A (or column of B), as a vector:
  // one 8-byte LDS read where k runs along the tile's rows (the four are
  // contiguous: k is a multiple of 16 and a swizzle moves 8-element
  // chunks), else four reads.
  auto operand = [&](Value tile, Value outer, int64_t k0, bool kFirst) {
    Value kk = add(b, l, kLane, k0);
    if (!kFirst)
      return vector::LoadOp::create(
                 b, l, operandType, shared[tile].view,
                 sharedIndices(b, l, tile, ValueRange{outer, kk}),
                 /*nontemporal=*/false, llvm::MaybeAlign(8))
          .getResult();
    SmallVector<Value> elems;
    for (int64_t i = 0; i < 4; ++i)
      elems.push_back(
          loadShared(b, l, tile, ValueRange{add(b, l, kk, i), outer}));
    return vector::FromElementsOp::create(b, l, operandType, elems).getResult();
  };
  for (int64_t kk = 0; kk < k; kk += 16) {
    SmallVector<Value> aOps, bOps;
    for (int64_t mi = 0; mi < m.tilesM(); ++mi)
      aOps.push_back(operand(a, add(b, l, rowBase, mi * 16), kk,
                             /*kFirst=*/op.getTransposeA()));
    for (int64_t ni = 0; ni < m.tilesN(); ++ni)
      bOps.push_back(operand(bm, add(b, l, colBase, ni * 16), kk,
                             /*kFirst=*/!op.getTransposeB()));
    for (int64_t mi = 0; mi < m.tilesM(); ++mi)
      for (int64_t ni = 0; ni < m.tilesN(); ++ni) {
        int64_t base = (mi * m.tilesN() + ni) * 4;
        SmallVector<Value> cs;
        for (int64_t r = 0; r < 4; ++r)
          cs.push_back(slotLoad(b, l, acc, base + r));
        Value c = vector::FromElementsOp::create(b, l, accType, cs);
        Value d =
            amdgpu::MFMAOp::create(b, l, 16, 16, 16, 1, aOps[mi], bOps[ni], c);
        for (int64_t r = 0; r < 4; ++r)
          slotStore(b, l,
                    vector::ExtractOp::create(b, l, d, ArrayRef<int64_t>{r}),
                    acc, base + r);
      }
  }
  return success();
}

} // namespace mlir::tl::cuda
