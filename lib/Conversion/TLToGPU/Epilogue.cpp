//===- Epilogue.cpp - An accumulator stored through TMA on sm_90a ---------===//
//
// On sm_90a the copy of a wgmma accumulator into a 16-bit kernel argument
// (a GEMM's epilogue) goes through shared memory and TMA stores, as
// CUTLASS's Hopper epilogues do. Each warpgroup stores its own part of the
// accumulator on its own, in 64 x 64 subtiles (one m64 row tile, 64
// columns: one 128-byte swizzle atom a row), taking its staging buffers in
// turn: its threads write a subtile's pairs, converted, into a buffer (the
// 128B swizzle, so a warp's eight rows fall in eight different bank
// groups); after a fence and the warpgroup's named barrier its first thread
// stores the subtile with one cp.async.bulk.tensor and commits it as a bulk
// group, and the warpgroup goes on to the next subtile while the store
// reads. A buffer is written again once the store that last read it is
// done reading (cp.async.bulk.wait_group.read), which two buffers give a
// subtile's time; the kernel's end waits for every store to complete. Edge
// tiles are clipped by TMA, like the loads' zero fill. Persistent kernels
// only, where the buffers fit beside the pipeline's stages.
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

/// Rows and columns of the subtiles a warpgroup stores (a 64 x 64 box).
constexpr int64_t kSubtile = 64;
/// The named barriers of the warpgroups' epilogues: 5 + the warpgroup
/// (0 is the block's, 1-2 the consumer groups', 3-4 their turns).
constexpr int64_t kEpilogueBarrier = 5;

void KernelLowering::planTmaStore(
    function_ref<int64_t(int64_t, int64_t)> reserve, int64_t used) {
  // Persistent kernels only: their consumers go on to the next tile while
  // the stores drain. (A kernel launched whole gains little, and the
  // buffers would cost the 128x128 tiles their second block an SM.)
  // (Not yet with two consumer groups: each would need its own.)
  if (!persistent || consumerGroups > 1 || !tmaOption || !wgmmaChip ||
      !asyncCopyOption || !tmaStoreOption)
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
    // rows are whole 16-byte chunks (what a tensor map can describe), each
    // warpgroup's columns whole subtiles.
    if (!f.isMma || !f.mma.wgmma || !dst ||
        !isa<FuncOp>(dst.getOwner()->getParentOp()) || type.getRank() != 2 ||
        !type.hasStaticShape() || !type.getLayout().isIdentity() ||
        type.getElementTypeBitWidth() != 16 || type.getDimSize(1) % 8 ||
        f.mma.groupN() % kSubtile ||
        llvm::any_of(type.getShape(),
                     [](int64_t d) { return d >= (int64_t(1) << 31); }))
      continue;
    TmaStore s;
    // (Its element type: the view is made where it is stored.)
    s.staging.logical =
        MemRefType::get({kSubtile, kSubtile}, type.getElementType());
    s.staging.chunkElems = 8;
    s.staging.atomCols = kSubtile;
    int64_t rounds = f.mma.tilesM() * (f.mma.groupN() / kSubtile);
    s.buffers = std::min<int64_t>(2, rounds);
    // Only where it fits beside the kernel's other shared memory: else the
    // accumulator is stored from registers.
    int64_t bytes = f.mma.wgM * f.mma.wgN * s.buffers * s.staging.stageBytes();
    int64_t align = 8 * s.staging.atomBytes();
    if (llvm::alignTo(used, align) + bytes > kMaxSharedSm90)
      return;
    s.staging.offset = reserve(bytes, align);
    TmaMap m;
    m.arg = dst.getArgNumber();
    m.box = {kSubtile, kSubtile};
    m.swizzleBytes = 128;
    s.map = addTensorMap(m);
    tmaStores[copy] = s;
    return; // one accumulator a kernel
  }
}

LogicalResult KernelLowering::lowerTmaStore(CopyOp op, OpBuilder &b) {
  Location l = op.getLoc();
  TmaStore &s = tmaStores[op];
  Fragment &f = fragments[op.getSource()];
  const MmaLayout &m = f.mma;
  Type elem = s.staging.logical.getElementType();
  // This thread's warpgroup, the origin of its part in the destination,
  // its named barrier and its buffers.
  auto [group, gm, gn] = warpgroupPlace(b, l, m);
  Value row0 = add(b, l, map.lookupOrDefault(op.getDestOffsets()[0]),
                   mul(b, l, gm, cIdx(b, l, m.groupM())));
  Value col0 = add(b, l, map.lookupOrDefault(op.getDestOffsets()[1]),
                   mul(b, l, gn, cIdx(b, l, m.groupN())));
  Value barrierId = toI32(b, l, add(b, l, group, kEpilogueBarrier));
  Value inGroup = arith::RemUIOp::create(b, l, tid, cIdx(b, l, 128));
  int64_t subtileBytes = s.staging.stageBytes();
  Value mine = mul(b, l, group, cIdx(b, l, s.buffers * subtileBytes));
  Value buffers = add(b, l, cIdx(b, l, s.staging.offset), mine);
  int64_t blocks = m.groupN() / kSubtile;
  int64_t rounds = m.tilesM() * blocks;
  auto pairType = VectorType::get({2}, elem);
  for (int64_t r = 0; r < rounds; ++r) {
    int64_t mi = r / blocks, nb = r % blocks, buffer = r % s.buffers;
    // The store that last read this buffer (an earlier round, or the
    // previous tile's last round that used it) is done reading once at
    // most the groups committed after it are pending.
    int64_t lastUse = (rounds - 1 - buffer) / s.buffers * s.buffers + buffer;
    int64_t pending = r >= s.buffers ? s.buffers - 1 : rounds - 1 - lastUse + r;
    {
      OpBuilder tb = whenEquals(b, l, inGroup, 0);
      NVVM::CpAsyncBulkWaitGroupOp::create(tb, l, pending, tb.getUnitAttr());
    }
    namedBarrier(b, l, barrierId, 128, /*wait=*/true);
    Value offset = add(b, l, buffers, buffer * subtileBytes);
    Value view = memref::ViewOp::create(
        b, l,
        MemRefType::get({1, kSubtile, kSubtile}, elem, AffineMap(),
                        workgroupSpace(b.getContext())),
        smemBase, offset, ValueRange{});
    forEachOwned(b, l, f, [&](OpBuilder &bb, int64_t slot, ValueRange c) {
      // Slots are ((row tile, column tile), row half, pair): stored in
      // pairs, the 8-column tiles 8 nb .. 8 nb + 7 of row tile mi.
      int64_t tile = slot / 4;
      if (slot % 2 || tile / m.tilesN() != mi || tile % m.tilesN() / 8 != nb)
        return;
      Value lo = convertElementType(bb, l, slotLoad(bb, l, f, slot), elem);
      Value hi = convertElementType(bb, l, slotLoad(bb, l, f, slot + 1), elem);
      SmallVector<Value> local{
          arith::RemUIOp::create(bb, l, c[0], cIdx(bb, l, kSubtile)),
          arith::RemUIOp::create(bb, l, c[1], cIdx(bb, l, kSubtile))};
      vector::StoreOp::create(
          bb, l,
          vector::FromElementsOp::create(bb, l, pairType, ValueRange{lo, hi}),
          view, tileIndices(bb, l, s.staging, Value(), local),
          /*nontemporal=*/false, llvm::MaybeAlign(4));
    });
    // The writes, published to the async proxy that the store reads
    // through.
    fenceAsyncProxy(b, l);
    namedBarrier(b, l, barrierId, 128, /*wait=*/true);
    OpBuilder tb = whenEquals(b, l, inGroup, 0);
    NVVM::CpAsyncBulkTensorSharedCTAToGlobalOp::create(
        tb, l, tmaMapArgs[s.map], sharedPointer(tb, l, offset),
        ValueRange{toI32(tb, l, add(tb, l, col0, nb * kSubtile)),
                   toI32(tb, l, add(tb, l, row0, mi * kSubtile))},
        Value(), NVVM::TMAStoreMode::TILE, Value());
    NVVM::CpAsyncBulkCommitGroupOp::create(tb, l);
  }
  return success();
}

void KernelLowering::finishTmaStores(OpBuilder &b, Location l) {
  if (tmaStores.empty())
    return;
  // Every store complete before the block's shared memory goes away: each
  // warpgroup's first thread, which issued its stores.
  OpBuilder tb =
      whenEquals(b, l, arith::RemUIOp::create(b, l, tid, cIdx(b, l, 128)), 0);
  NVVM::CpAsyncBulkWaitGroupOp::create(tb, l, 0, UnitAttr());
}

} // namespace mlir::tl::cuda
