//===- Epilogue.cpp - An accumulator stored through TMA on sm_90a ---------===//
//
// On sm_90a the copy of a wgmma accumulator into a 16-bit kernel argument
// (a GEMM's epilogue) goes through a staging tile in shared memory and TMA
// stores, as CUTLASS's and TileLang's Hopper epilogues do: every thread
// writes its pairs, converted, into the staging tile (the 128B-swizzled
// column blocks of a wgmma operand tile, so a warp's eight rows fall in
// eight different bank groups); after a fence and a barrier one thread
// stores each column block with one cp.async.bulk.tensor and commits them
// as a bulk group. The threads do not wait for the stores: the next use of
// the staging tile (a persistent kernel's next tile) first waits until the
// stores have read it, and the kernel's end until they completed. Edge
// tiles are clipped by TMA, like the loads' zero fill. Persistent kernels
// only, where the staging tile fits beside the pipeline's stages.
//
//===----------------------------------------------------------------------===//

#include "KernelLowering.h"

#include "tl/Conversion/LoweringUtils.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::tl;

namespace mlir::tl::cuda {

/// The most dynamic shared memory a block of sm_90a may use (227 KiB).
constexpr int64_t kMaxSharedSm90 = 232448;

void KernelLowering::planTmaStore(
    function_ref<int64_t(int64_t, int64_t)> reserve, int64_t used) {
  // Persistent kernels only: their consumers go on to the next tile while
  // the stores drain. (A kernel launched whole gains little, and the
  // staging tile would cost the 128x128 tiles their second block an SM.)
  // (Not yet with two consumer groups: each would need its own.)
  if (!persistent || consumerGroups > 1 || !tmaOption || !wgmmaChip ||
      !asyncCopyOption)
    return;
  for (Operation &op : launch.getBody().front()) {
    auto copy = dyn_cast<CopyOp>(&op);
    if (!copy || !fragments.count(copy.getSource()) ||
        !copy.getSourceOffsets().empty())
      continue;
    Fragment &f = fragments[copy.getSource()];
    auto dst = dyn_cast<BlockArgument>(copy.getDest());
    auto type = cast<MemRefType>(copy.getDest().getType());
    // A whole wgmma accumulator into a row-major 2-D 16-bit argument whose
    // rows are whole 16-byte chunks (what a tensor map can describe); the
    // tile's rows are one TMA box, its columns whole swizzle atoms.
    if (!f.isMma || !f.mma.wgmma || !dst ||
        !isa<FuncOp>(dst.getOwner()->getParentOp()) || type.getRank() != 2 ||
        !type.hasStaticShape() || !type.getLayout().isIdentity() ||
        type.getElementTypeBitWidth() != 16 || type.getDimSize(1) % 8 ||
        llvm::any_of(type.getShape(),
                     [](int64_t d) { return d >= (int64_t(1) << 31); }))
      continue;
    int64_t rows = f.logical.getDimSize(0), cols = f.logical.getDimSize(1);
    if (rows > 256 || rows % 8 || cols % 64)
      continue;
    TmaStore s;
    // (Its shape and element type: the view is made where it is stored.)
    s.staging.logical = MemRefType::get({rows, cols}, type.getElementType());
    s.staging.chunkElems = 8;
    s.staging.atomCols = 64;
    // Only where it fits beside the kernel's other shared memory: else the
    // accumulator is stored from registers.
    int64_t bytes = s.staging.stageBytes();
    int64_t align = 8 * s.staging.atomBytes();
    if (llvm::alignTo(used, align) + bytes > kMaxSharedSm90)
      return;
    s.staging.offset = reserve(bytes, align);
    TmaMap m;
    m.arg = dst.getArgNumber();
    m.box = {rows, 64};
    m.swizzleBytes = 128;
    s.map = addTensorMap(m);
    tmaStores[copy] = s;
    return; // one staging tile a kernel
  }
}

LogicalResult KernelLowering::lowerTmaStore(CopyOp op, OpBuilder &b) {
  Location l = op.getLoc();
  TmaStore &s = tmaStores[op];
  Fragment &f = fragments[op.getSource()];
  Type elem = s.staging.logical.getElementType();
  // The staging tile is free once the previous stores read it.
  {
    OpBuilder tb = whenEquals(b, l, tid, 0);
    NVVM::CpAsyncBulkWaitGroupOp::create(tb, l, 0, tb.getUnitAttr());
  }
  syncThreads(b, l);
  Value view = memref::ViewOp::create(
      b, l,
      MemRefType::get({s.staging.logical.getDimSize(1) / 64,
                       s.staging.logical.getDimSize(0), 64},
                      elem, AffineMap(), workgroupSpace(b.getContext())),
      smemBase, cIdx(b, l, s.staging.offset), ValueRange{});
  auto pairType = VectorType::get({2}, elem);
  forEachOwned(b, l, f, [&](OpBuilder &bb, int64_t slot, ValueRange c) {
    if (slot % 2)
      return; // stored with its even neighbour, in the same 16-byte chunk
    Value lo = convertElementType(bb, l, slotLoad(bb, l, f, slot), elem);
    Value hi = convertElementType(bb, l, slotLoad(bb, l, f, slot + 1), elem);
    vector::StoreOp::create(
        bb, l,
        vector::FromElementsOp::create(bb, l, pairType, ValueRange{lo, hi}),
        view, tileIndices(bb, l, s.staging, Value(), c), /*nontemporal=*/false,
        llvm::MaybeAlign(4));
  });
  // The writes, published to the async proxy that the stores read through.
  barrier(b, l);
  OpBuilder tb = whenEquals(b, l, tid, 0);
  auto i32 = [&](Value v) {
    return arith::IndexCastOp::create(tb, l, tb.getI32Type(), v).getResult();
  };
  Value row = map.lookupOrDefault(op.getDestOffsets()[0]);
  Value col = map.lookupOrDefault(op.getDestOffsets()[1]);
  for (int64_t blk = 0; blk < s.staging.logical.getDimSize(1) / 64; ++blk)
    NVVM::CpAsyncBulkTensorSharedCTAToGlobalOp::create(
        tb, l, tmaMapArgs[s.map],
        sharedPointer(
            tb, l,
            cIdx(tb, l, s.staging.offset + blk * s.staging.blockBytes())),
        ValueRange{i32(add(tb, l, col, blk * 64)), i32(row)}, Value(),
        NVVM::TMAStoreMode::TILE, Value());
  NVVM::CpAsyncBulkCommitGroupOp::create(tb, l);
  return success();
}

void KernelLowering::finishTmaStores(OpBuilder &b, Location l) {
  if (tmaStores.empty())
    return;
  // Every store complete before the block's shared memory goes away.
  OpBuilder tb = whenEquals(b, l, tid, 0);
  NVVM::CpAsyncBulkWaitGroupOp::create(tb, l, 0, UnitAttr());
}

} // namespace mlir::tl::cuda
