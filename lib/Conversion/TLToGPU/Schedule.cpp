//===- Schedule.cpp - Which tile a block computes -------------------------===//
//
// The block indices a kernel body sees: the launch's block ids, renumbered
// in groups of rows by tl.use_swizzle (keeping a tl.cluster's blocks in
// one column of consecutive rows); or, in a persistent kernel
// (tl.persistent), a loop over the grid's tiles from the block id by the
// launch's block count, the indices derived from each tile, and the count
// of tiles done before (what the TMA pipelines' mbarrier phases go on
// from); in clusters, each cluster's tiles in turn, its blocks' rows side
// by side; with two consumer groups (tl.persistent 2), each group's half
// of the block's tiles.
//
//===----------------------------------------------------------------------===//

#include "KernelLowering.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"

using namespace mlir;
using namespace mlir::tl;

namespace mlir::tl::cuda {

void KernelLowering::swizzleBlocks(OpBuilder &b, Location l) {
  // A cluster's blocks are consecutive rows of one column in the launch
  // order: with clusters, the groups are of cluster rows.
  int64_t n = clusterRows;
  int64_t clusterPanel = std::max<int64_t>(1, swizzlePanel / n);
  if (clusterPanel == 1)
    return;
  // pid: the launch order (x fastest). A group is `panel` rows of the grid,
  // visited column by column; the last group has the rows that are left.
  // (A persistent kernel's launch is not the grid: its extents.)
  auto extent = [&](gpu::Dimension d, unsigned i) -> Value {
    if (persistent)
      return cIdx(b, l, *constantOf(launch.getGrid()[i]));
    return gpu::GridDimOp::create(b, l, d);
  };
  Value gx = extent(gpu::Dimension::x, 0);
  Value gy = extent(gpu::Dimension::y, 1);
  Value bx = map.lookup(launch.getBlockIndices()[0]);
  Value by = map.lookup(launch.getBlockIndices()[1]);
  if (n > 1) {
    by = arith::DivUIOp::create(b, l, by, cIdx(b, l, n));
    gy = arith::DivUIOp::create(b, l, gy, cIdx(b, l, n));
  }
  Value pid = add(b, l, mul(b, l, by, gx), bx);
  Value perGroup = mul(b, l, gx, cIdx(b, l, clusterPanel));
  Value group = arith::DivUIOp::create(b, l, pid, perGroup);
  Value firstRow = mul(b, l, group, cIdx(b, l, clusterPanel));
  Value rows =
      arith::MinUIOp::create(b, l, arith::SubIOp::create(b, l, gy, firstRow),
                             cIdx(b, l, clusterPanel));
  Value inGroup = arith::RemUIOp::create(b, l, pid, perGroup);
  Value row = add(b, l, firstRow, arith::RemUIOp::create(b, l, inGroup, rows));
  if (n > 1)
    row = add(b, l, mul(b, l, row, cIdx(b, l, n)), clusterRank);
  map.map(launch.getBlockIndices()[1], row);
  map.map(launch.getBlockIndices()[0],
          arith::DivUIOp::create(b, l, inGroup, rows));
}

void KernelLowering::mapBlockIndices(OpBuilder &b, Location l, Value tile) {
  gpu::Dimension dims[] = {gpu::Dimension::x, gpu::Dimension::y,
                           gpu::Dimension::z};
  auto indices = launch.getBlockIndices();
  for (auto [i, arg] : llvm::enumerate(indices)) {
    if (!tile) {
      map.map(arg, gpu::BlockIdOp::create(b, l, dims[i]));
      continue;
    }
    // The tile's place in the grid, x fastest, as a launch numbers blocks.
    if (i + 1 == indices.size()) {
      map.map(arg, tile);
      break;
    }
    Value extent = cIdx(b, l, *constantOf(launch.getGrid()[i]));
    map.map(arg, arith::RemUIOp::create(b, l, tile, extent));
    tile = arith::DivUIOp::create(b, l, tile, extent);
  }
  if (clusterRows > 1)
    // Clusters of (1, n): a block's rank is its row's place in the cluster.
    clusterRank = arith::RemUIOp::create(b, l, map.lookup(indices[1]),
                                         cIdx(b, l, clusterRows));
  swizzleBlocks(b, l);
}

LogicalResult
KernelLowering::forEachTile(OpBuilder &b, Location l,
                            function_ref<LogicalResult(OpBuilder &)> body) {
  if (!persistent)
    return body(b);
  int64_t tiles = 1;
  for (Value extent : launch.getGrid())
    tiles *= *constantOf(extent);
  // The runtime launches a one-dimensional grid of at most `tiles` blocks.
  // A consumer group of two takes every other of the block's tiles.
  Value first = gpu::BlockIdOp::create(b, l, gpu::Dimension::x);
  Value blocks = gpu::GridDimOp::create(b, l, gpu::Dimension::x);
  // In clusters of n consecutive blocks, a cluster takes the tiles of n
  // consecutive rows of one column (the rows of the grid are a multiple of
  // n), its block of rank r the r-th: the loop runs over the grid of
  // cluster rows, by cluster.
  Value rank;
  if (clusterRows > 1) {
    rank = arith::RemUIOp::create(b, l, first, cIdx(b, l, clusterRows));
    first = arith::DivUIOp::create(b, l, first, cIdx(b, l, clusterRows));
    blocks = arith::DivUIOp::create(b, l, blocks, cIdx(b, l, clusterRows));
    tiles /= clusterRows;
  }
  Value start = first, step = blocks;
  if (consumerGroup) {
    start = add(b, l, first, mul(b, l, blocks, cIdx(b, l, *consumerGroup)));
    step = mul(b, l, blocks, cIdx(b, l, consumerGroups));
  }
  auto loop = scf::ForOp::create(b, l, start, cIdx(b, l, tiles), step);
  OpBuilder tb = OpBuilder::atBlockTerminator(loop.getBody());
  Value tile = loop.getInductionVar();
  // The block's tiles before this one, both groups' (the producer loads
  // them all, in order).
  tileIter = arith::DivUIOp::create(
      tb, l, arith::SubIOp::create(tb, l, tile, first), blocks);
  if (consumerGroup)
    nextTileExists =
        arith::CmpIOp::create(tb, l, arith::CmpIPredicate::ult,
                              add(tb, l, tile, blocks), cIdx(tb, l, tiles));
  if (rank) {
    // The cluster's tile (x, y) of the grid of cluster rows: this block's
    // is (x, y * n + rank) of the grid.
    // (One op a statement: the IR's order must not depend on the
    // compiler's order of evaluating arguments.)
    Value gx = cIdx(tb, l, *constantOf(launch.getGrid()[0]));
    Value x = arith::RemUIOp::create(tb, l, tile, gx);
    Value y = arith::DivUIOp::create(tb, l, tile, gx);
    Value row = add(tb, l, mul(tb, l, y, cIdx(tb, l, clusterRows)), rank);
    tile = add(tb, l, mul(tb, l, row, gx), x);
  }
  mapBlockIndices(tb, l, tile);
  LogicalResult result = body(tb);
  tileIter = nextTileExists = Value();
  return result;
}

Value KernelLowering::earlierIterations(OpBuilder &b, Location l, Value lb,
                                        Value ub) {
  if (!tileIter)
    return Value();
  return mul(b, l, tileIter, arith::SubIOp::create(b, l, ub, lb));
}

} // namespace mlir::tl::cuda
