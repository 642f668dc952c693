//===- Access.cpp - Tile elements in shared memory and registers ----------===//
//
// Where an element of a shared tile lives (its stage, swizzle or wgmma
// swizzle-atom block), and which elements of a fragment or a tile each
// thread owns and visits (tensor-core accumulator layouts, linear and
// replicated fragments, cooperative loops over the block's threads).
//
//===----------------------------------------------------------------------===//

#include "KernelLowering.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace mlir::tl;

namespace mlir::tl::cuda {

SmallVector<Value> KernelLowering::sharedIndices(OpBuilder &b, Location l,
                                                 Value tile,
                                                 ValueRange coords) {
  return tileIndices(b, l, shared[tile], currentStage.lookup(tile), coords);
}

SmallVector<Value> KernelLowering::tileIndices(OpBuilder &b, Location l,
                                               const SharedTile &t, Value stage,
                                               ValueRange coords) {
  SmallVector<Value> idx;
  if (t.stages > 1)
    idx.push_back(stage ? stage : cIdx(b, l, 0));
  if (t.atomCols) {
    // [block][row][chunk ^ phase(row)] with `chunks` 16-byte chunks a row.
    Value row = coords[0], col = coords[1];
    int64_t chunks = t.atomCols / t.chunkElems;
    Value ce = cIdx(b, l, t.chunkElems);
    Value inAtom = arith::RemUIOp::create(b, l, col, cIdx(b, l, t.atomCols));
    Value chunk = arith::DivUIOp::create(b, l, inAtom, ce);
    Value phase = arith::RemUIOp::create(
        b, l, arith::DivUIOp::create(b, l, row, cIdx(b, l, 8 / chunks)),
        cIdx(b, l, chunks));
    Value swz = arith::XOrIOp::create(b, l, chunk, phase);
    idx.push_back(arith::DivUIOp::create(b, l, col, cIdx(b, l, t.atomCols)));
    idx.push_back(row);
    idx.push_back(add(b, l, mul(b, l, swz, ce),
                      arith::RemUIOp::create(b, l, inAtom, ce)));
    return idx;
  }
  idx.append(coords.begin(), coords.end());
  if (t.swizzle) {
    Value row = coords[0], col = coords[1];
    Value ce = cIdx(b, l, t.chunkElems);
    Value chunk = arith::DivUIOp::create(b, l, col, ce);
    Value within = arith::RemUIOp::create(b, l, col, ce);
    Value x = t.swizzle == 1
                  ? arith::RemUIOp::create(b, l, row, cIdx(b, l, 8)).getResult()
                  : arith::RemUIOp::create(
                        b, l, arith::DivUIOp::create(b, l, row, cIdx(b, l, 2)),
                        cIdx(b, l, 4))
                        .getResult();
    Value swz = arith::XOrIOp::create(b, l, chunk, x);
    idx.back() = add(b, l, mul(b, l, swz, ce), within);
  }
  return idx;
}

Value KernelLowering::loadShared(OpBuilder &b, Location l, Value tile,
                                 ValueRange coords) {
  return memref::LoadOp::create(b, l, shared[tile].view,
                                sharedIndices(b, l, tile, coords));
}

void KernelLowering::storeShared(OpBuilder &b, Location l, Value v, Value tile,
                                 ValueRange coords) {
  memref::StoreOp::create(b, l, v, shared[tile].view,
                          sharedIndices(b, l, tile, coords));
}

KernelLowering::WarpgroupPlace
KernelLowering::warpgroupPlace(OpBuilder &b, Location l, const MmaLayout &m) {
  Value group = arith::DivUIOp::create(b, l, warp, cIdx(b, l, 4));
  Value row = arith::DivUIOp::create(b, l, group, cIdx(b, l, m.wgN));
  Value col = arith::RemUIOp::create(b, l, group, cIdx(b, l, m.wgN));
  return {group, row, col};
}

void KernelLowering::forEachOwned(
    OpBuilder &b, Location l, Fragment &f,
    function_ref<void(OpBuilder &, int64_t, ValueRange)> fn) {
  if (f.isMma && f.mma.mfma) {
    const MmaLayout &m = f.mma;
    Value wr = arith::DivUIOp::create(b, l, warp, cIdx(b, l, m.wn));
    Value wc = arith::RemUIOp::create(b, l, warp, cIdx(b, l, m.wn));
    Value quad = arith::DivUIOp::create(b, l, lane, cIdx(b, l, 16));
    Value row0 = add(b, l, mul(b, l, wr, cIdx(b, l, m.warpM())),
                     mul(b, l, quad, cIdx(b, l, 4)));
    Value col0 = add(b, l, mul(b, l, wc, cIdx(b, l, m.warpN())),
                     arith::RemUIOp::create(b, l, lane, cIdx(b, l, 16)));
    for (int64_t mi = 0; mi < m.tilesM(); ++mi)
      for (int64_t ni = 0; ni < m.tilesN(); ++ni)
        for (int64_t r = 0; r < 4; ++r)
          fn(b, (mi * m.tilesN() + ni) * 4 + r,
             ValueRange{add(b, l, row0, mi * 16 + r),
                        add(b, l, col0, ni * 16)});
    return;
  }
  if (f.isMma) {
    const MmaLayout &m = f.mma;
    Value wr = arith::DivUIOp::create(b, l, warp, cIdx(b, l, m.wn));
    Value wc = arith::RemUIOp::create(b, l, warp, cIdx(b, l, m.wn));
    Value g = arith::DivUIOp::create(b, l, lane, cIdx(b, l, 4));
    Value tig = arith::RemUIOp::create(b, l, lane, cIdx(b, l, 4));
    Value row0 = add(b, l, mul(b, l, wr, cIdx(b, l, m.warpM())), g);
    Value col0 = add(b, l, mul(b, l, wc, cIdx(b, l, m.warpN())),
                     mul(b, l, tig, cIdx(b, l, 2)));
    if (m.wgmma) {
      auto [group, gm, gn] = warpgroupPlace(b, l, m);
      Value inGroup = arith::RemUIOp::create(b, l, warp, cIdx(b, l, 4));
      row0 = add(b, l,
                 add(b, l, mul(b, l, gm, cIdx(b, l, m.groupM())),
                     mul(b, l, inGroup, cIdx(b, l, 16))),
                 g);
      col0 = add(b, l, mul(b, l, gn, cIdx(b, l, m.groupN())),
                 mul(b, l, tig, cIdx(b, l, 2)));
    }
    for (int64_t mi = 0; mi < m.tilesM(); ++mi)
      for (int64_t ni = 0; ni < m.tilesN(); ++ni)
        for (int64_t h = 0; h < 2; ++h)
          for (int64_t j = 0; j < 2; ++j) {
            int64_t slot = ((mi * m.tilesN() + ni) * 2 + h) * 2 + j;
            Value row = add(b, l, row0, mi * m.rowTileStride() + h * 8);
            Value col = add(b, l, col0, ni * 8 + j);
            fn(b, slot, ValueRange{row, col});
          }
    return;
  }
  if (f.replicated) {
    for (int64_t e = 0; e < f.logical.getNumElements(); ++e)
      fn(b, e, ValueRange{cIdx(b, l, e)});
    return;
  }
  int64_t n = f.logical.getNumElements();
  ArrayRef<int64_t> shape = f.logical.getShape();
  for (int64_t s = 0; s < f.slots; ++s) {
    Value e = add(b, l, tid, s * threads);
    auto emit = [&](OpBuilder &bb) {
      SmallVector<Value> coords(shape.size());
      Value rest = e;
      for (int64_t d = shape.size() - 1; d >= 0; --d) {
        if (d == 0) {
          coords[d] = rest;
          break;
        }
        coords[d] = arith::RemUIOp::create(bb, l, rest, cIdx(bb, l, shape[d]));
        rest = arith::DivUIOp::create(bb, l, rest, cIdx(bb, l, shape[d]));
      }
      fn(bb, s, coords);
    };
    if ((s + 1) * threads <= n) {
      emit(b);
    } else {
      auto guard = scf::IfOp::create(b, l, ult(b, l, e, cIdx(b, l, n)));
      OpBuilder tb = guard.getThenBodyBuilder();
      emit(tb);
    }
  }
}

void KernelLowering::forEachCooperative(
    OpBuilder &b, Location l, ArrayRef<int64_t> shape,
    function_ref<void(OpBuilder &, ValueRange)> fn) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  auto loop = scf::ForOp::create(b, l, tid, cIdx(b, l, n), cIdx(b, l, threads));
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPoint(loop.getBody()->getTerminator());
  SmallVector<Value> coords(shape.size());
  Value rest = loop.getInductionVar();
  for (int64_t d = shape.size() - 1; d >= 0; --d) {
    if (d == 0) {
      coords[d] = rest;
      break;
    }
    coords[d] = arith::RemUIOp::create(b, l, rest, cIdx(b, l, shape[d]));
    rest = arith::DivUIOp::create(b, l, rest, cIdx(b, l, shape[d]));
  }
  fn(b, coords);
}

} // namespace mlir::tl::cuda
