//===- Tma.cpp - TMA loads and mbarrier stages on sm_90a -----------------===//
//
// On sm_90a the producer copies of a tl.pipelined loop that fill wgmma
// operand tiles are TMA loads (cp.async.bulk.tensor): one thread issues a
// stage's loads and expects their bytes on the stage's mbarrier; every
// thread waits on that mbarrier's phase before reading the stage. Out of
// range parts of a box are zero-filled by the hardware, so edge tiles need
// no per-element guards, and no thread computes addresses.
//
// A wgmma operand tile is stored as column blocks of one swizzle atom
// (SharedTile::atomCols): each block is exactly what one TMA load of a
// rows x atomCols box writes with the 128B/64B/32B swizzle of the same
// width, so a stage of a tile is one load per column block.
//
// The tensor maps are kernel parameters appended after the kernel's
// arguments, counted by the kernel's tl.tensor_maps; tl-kernels-to-nvvm
// makes them 128-byte __grid_constant__ parameters passed by value
// (llvm.byval + nvvm.grid_constant) once the kernel is an llvm.func.
// The runtime encodes them at launch with cuTensorMapEncodeTiled from the
// argument's address, shape and the box and swizzle recorded in
// kernel.json. Upstream nvgpu.tma.* takes its descriptor from a host
// wrapper Debian does not ship and passes it by pointer, so this file emits
// the NVVM ops directly.
//
// Warp specialization (the end of this file) moves the loads to a producer
// warpgroup that waits for the consumers to release a stage.
//
// In a kernel launched in clusters of block rows (tl.cluster), a tile every
// block of the cluster loads (offsets independent of the row index: a
// GEMM's B) is loaded in slices: block r of n loads rows r/n .. (r+1)/n of
// every column block and multicasts them into the same place of every
// block's shared memory, completing each block's stage mbarrier there, so
// every block still expects the whole stage's bytes. A block may refill a
// stage only when every block of the cluster is done reading it: a second
// mbarrier a stage counts the cluster's blocks that released it (thread 0
// of each arrives on it in every block, CUTLASS's consumer release), and
// the refilling thread waits for that; cluster barriers order only the
// mbarriers' initialization and the end of the loop.
//
//===----------------------------------------------------------------------===//

#include "KernelLowering.h"

#include "tl/Conversion/LoweringUtils.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace mlir::tl;

namespace mlir::tl::cuda {

/// The alignment of a CUtensorMap parameter.
constexpr int64_t kTensorMapAlign = 64;

std::optional<TmaMap> KernelLowering::tmaMapFor(CopyOp copy) {
  auto src = cast<MemRefType>(copy.getSource().getType());
  auto dst = cast<MemRefType>(copy.getDest().getType());
  SharedTile &t = shared[copy.getDest()];
  // A wgmma operand tile (its column blocks are TMA boxes) filled from a
  // kernel argument (what a tensor map describes): a contiguous tensor of 2
  // to 5 dimensions within TMA's 32-bit coordinates; a box has at most 256
  // rows, here a multiple of 8 so that every block starts a swizzle atom.
  auto arg = dyn_cast<BlockArgument>(copy.getSource());
  int64_t rank = src.getRank(), rows = dst.getDimSize(0);
  if (!t.atomCols || !arg || !isa<FuncOp>(arg.getOwner()->getParentOp()) ||
      rank < 2 || rank > 5 || !src.getLayout().isIdentity() ||
      llvm::any_of(src.getShape(),
                   [](int64_t d) { return d >= (int64_t(1) << 31); }) ||
      rows > 256 || rows % 8)
    return std::nullopt;
  TmaMap m;
  m.arg = arg.getArgNumber();
  m.box.assign(rank - 2, 1);
  m.box.push_back(rows);
  m.box.push_back(t.atomCols);
  m.swizzleBytes = t.atomBytes();
  return m;
}

void KernelLowering::planTma(function_ref<int64_t(int64_t, int64_t)> reserve) {
  if (!tmaOption || !wgmmaChip)
    return;
  launch.walk([&](PipelinedOp loop) {
    std::optional<int64_t> stages = constantOf(loop.getNumStages());
    if (!stages || *stages < 2)
      return;
    SmallVector<std::pair<CopyOp, TmaMap>> loads;
    for (CopyOp copy : pipelineProducers(loop, *stages)) {
      std::optional<TmaMap> m = tmaMapFor(copy);
      if (!m)
        return; // one mechanism a loop: these stay cp.async
      loads.emplace_back(copy, *m);
    }
    if (loads.empty())
      return;
    TmaPipeline p;
    p.barrierOffset = reserve(8 * *stages, 8);
    for (auto &[copy, m] : loads) {
      p.stageBytes += shared[copy.getDest()].stageBytes();
      // A slice a block: whole swizzle repeats (8 rows) each.
      int64_t &rows = m.box[m.box.size() - 2];
      if (clusterRows > 1 && rows % (8 * clusterRows) == 0 &&
          sharedByCluster(copy)) {
        rows /= clusterRows;
        tmaMulticast.insert(copy);
        p.multicast = true;
      }
      tmaCopies[copy] = addTensorMap(m);
    }
    // The release barriers follow the full ones.
    if (p.multicast)
      (void)reserve(8 * *stages, 8);
    tmaLoops[loop] = p;
  });
  planWarpSpecialization(reserve);
}

unsigned KernelLowering::addTensorMap(const TmaMap &m) {
  auto *same = llvm::find_if(tmaMaps, [&](const TmaMap &x) {
    return x.arg == m.arg && x.box == m.box && x.swizzleBytes == m.swizzleBytes;
  });
  if (same == tmaMaps.end()) {
    tmaMaps.push_back(m);
    return tmaMaps.size() - 1;
  }
  return same - tmaMaps.begin();
}

SmallVector<CopyOp> KernelLowering::pipelineProducers(PipelinedOp loop,
                                                      int64_t stages) {
  SmallVector<CopyOp> producers;
  if (stages < 2)
    return producers;
  for (Operation &inner : loop.getBody().front())
    if (auto copy = dyn_cast<CopyOp>(&inner))
      if (isAsyncCopy(copy) && shared[copy.getDest()].stages == stages)
        producers.push_back(copy);
  return producers;
}

void KernelLowering::planWarpSpecialization(
    function_ref<int64_t(int64_t, int64_t)> reserve) {
  // One TMA loop at the top of the kernel, the only pipelined loop, keeping
  // a wgmma group in flight; whole consumer warpgroups and room for one
  // more. A persistent kernel is specialized where it can be: its producer
  // loads the next tile while the consumers store this one.
  SmallVector<PipelinedOp> loops;
  launch.walk([&](PipelinedOp loop) { loops.push_back(loop); });
  if (!(warpSpecializeOption || persistent) || !wgmmaInFlightOption ||
      loops.size() != 1 || !tmaLoops.count(loops[0]) ||
      loops[0]->getParentOp() != launch.getOperation() || threads % 128 ||
      threads * consumerGroups + 128 > 1024 ||
      !inFlightWgmma(loops[0].getBody().front()))
    return;
  TmaPipeline &p = tmaLoops[loops[0]];
  int64_t stages = *constantOf(loops[0].getNumStages());
  // The empty barriers follow the full ones (a multicast loop reserved
  // them already).
  if (!p.multicast && reserve(8 * stages, 8) != p.barrierOffset + 8 * stages)
    return;
  p.specialized = true;
  producerThreads = 128;
}

Value KernelLowering::sharedPointer(OpBuilder &b, Location l, Value bytes,
                                    bool cluster) {
  Value base = memref::ExtractAlignedPointerAsIndexOp::create(b, l, smemBase);
  Value at =
      arith::IndexCastOp::create(b, l, b.getI64Type(), add(b, l, base, bytes));
  // A shared::cta address is also the shared::cluster address of this
  // block's shared memory (how CUTLASS passes TMA destinations).
  return LLVM::IntToPtrOp::create(
      b, l,
      LLVM::LLVMPointerType::get(
          b.getContext(),
          cluster ? static_cast<unsigned>(NVVM::NVVMMemorySpace::SharedCluster)
                  : static_cast<unsigned>(NVVM::NVVMMemorySpace::Shared)),
      at);
}

void KernelLowering::setUpTma(OpBuilder &b, Location l) {
  if (tmaMaps.empty())
    return;
  MLIRContext *ctx = b.getContext();
  auto ptr = LLVM::LLVMPointerType::get(ctx);
  for (size_t i = 0; i < tmaMaps.size(); ++i) {
    NamedAttrList attrs;
    attrs.set(LLVM::LLVMDialect::getAlignAttrName(),
              b.getI64IntegerAttr(kTensorMapAlign));
    unsigned at = func.getNumArguments();
    if (failed(func.insertArgument(at, ptr, attrs.getDictionary(ctx), l)))
      llvm_unreachable("appending a kernel argument cannot fail");
    tmaMapArgs.push_back(func.getArgument(at));
  }
  // One thread initializes every stage's mbarrier (one arrival: the thread
  // that expects the bytes); the fence and the barrier publish them.
  {
    OpBuilder tb = whenEquals(b, l, tid, 0);
    Value one = arith::ConstantIntOp::create(tb, l, tb.getI32Type(), 1);
    // In program order, so that the IR does not depend on pointer values.
    launch.walk([&](PipelinedOp loop) {
      auto it = tmaLoops.find(loop);
      if (it == tmaLoops.end())
        return;
      const TmaPipeline &p = it->second;
      int64_t stages = *constantOf(loop.getNumStages());
      // Releases: every consumer warp (warp-specialized), or every block's
      // thread 0 (multicast), or every consumer warp of every block (both).
      int64_t releases =
          (p.specialized ? threads / 32 : 1) * (p.multicast ? clusterRows : 1);
      Value released =
          arith::ConstantIntOp::create(tb, l, tb.getI32Type(), releases);
      bool empties = p.specialized || p.multicast;
      for (int64_t s = 0; s < (empties ? 2 : 1) * stages; ++s)
        NVVM::MBarrierInitOp::create(
            tb, l, sharedPointer(tb, l, cIdx(tb, l, p.barrierOffset + 8 * s)),
            s < stages ? one : released, Value());
    });
    NVVM::FenceMbarrierInitOp::create(tb, l);
  }
  // The other blocks of a cluster complete these mbarriers too.
  if (anyMulticast())
    syncCluster(b, l);
  else
    gpu::BarrierOp::create(b, l);
}

void KernelLowering::syncCluster(OpBuilder &b, Location l) {
  NVVM::ClusterArriveOp::create(b, l, b.getUnitAttr());
  NVVM::ClusterWaitOp::create(b, l, b.getUnitAttr());
}

/// Whether `v` is computed from `target` (within the kernel body).
static bool dependsOn(Value v, Value target,
                      llvm::SmallPtrSetImpl<Value> &seen) {
  if (v == target)
    return true;
  if (!seen.insert(v).second)
    return false;
  Operation *def = v.getDefiningOp();
  return def && llvm::any_of(def->getOperands(), [&](Value operand) {
           return dependsOn(operand, target, seen);
         });
}

bool KernelLowering::sharedByCluster(CopyOp copy) {
  Value row = launch.getBlockIndices()[1];
  llvm::SmallPtrSet<Value, 16> seen;
  return llvm::none_of(copy.getSourceOffsets(),
                       [&](Value v) { return dependsOn(v, row, seen); });
}

Value KernelLowering::stageBarrier(OpBuilder &b, Location l, PipelinedOp loop,
                                   Value stage, bool empty) {
  int64_t stages = *constantOf(loop.getNumStages());
  int64_t offset = tmaLoops[loop].barrierOffset + (empty ? 8 * stages : 0);
  return sharedPointer(
      b, l, add(b, l, cIdx(b, l, offset), mul(b, l, stage, cIdx(b, l, 8))));
}

void KernelLowering::issueTmaStage(OpBuilder &b, Location l, PipelinedOp loop,
                                   ArrayRef<CopyOp> producers, Value stage,
                                   bool guarded, Value releasedAt) {
  int64_t stageBytes = tmaLoops[loop].stageBytes;
  OpBuilder tb = guarded ? whenEquals(b, l, tid, 0) : b;
  if (releasedAt)
    awaitClusterRelease(tb, l, loop, stage, releasedAt);
  Value bar = stageBarrier(tb, l, loop, stage);
  NVVM::MBarrierArriveExpectTxOp::create(
      tb, l, Type(), bar,
      arith::ConstantIntOp::create(tb, l, tb.getI32Type(), stageBytes),
      NVVM::MemScopeKind::CTA, /*relaxed=*/false, Value());
  for (CopyOp copy : producers) {
    SharedTile &t = shared[copy.getDest()];
    Value tensorMap = tmaMapArgs[tmaCopies[copy]];
    SmallVector<Value> offsets;
    for (Value v : copy.getSourceOffsets())
      offsets.push_back(map.lookupOrDefault(v));
    Value tileBytes = add(tb, l, cIdx(tb, l, t.offset),
                          mul(tb, l, stage, cIdx(tb, l, t.stageBytes())));
    // A multicast load: this block's slice of rows, into every block.
    Value row = offsets[offsets.size() - 2], mask;
    if (tmaMulticast.contains(copy)) {
      int64_t sliceRows = t.logical.getDimSize(0) / clusterRows;
      Value first = mul(tb, l, clusterRank, cIdx(tb, l, sliceRows));
      row = add(tb, l, row, first);
      tileBytes =
          add(tb, l, tileBytes, mul(tb, l, first, cIdx(tb, l, t.atomBytes())));
      mask = arith::ConstantIntOp::create(tb, l, tb.getI16Type(),
                                          (1 << clusterRows) - 1);
    }
    int64_t blocks = t.logical.getDimSize(1) / t.atomCols;
    for (int64_t blk = 0; blk < blocks; ++blk) {
      // Coordinates innermost first: the column, the row, leading dims.
      SmallVector<Value> coords{
          toI32(tb, l, add(tb, l, offsets.back(), blk * t.atomCols)),
          toI32(tb, l, row)};
      for (int64_t d = static_cast<int64_t>(offsets.size()) - 3; d >= 0; --d)
        coords.push_back(toI32(tb, l, offsets[d]));
      NVVM::CpAsyncBulkTensorGlobalToSharedClusterOp::create(
          tb, l,
          sharedPointer(tb, l, add(tb, l, tileBytes, blk * t.blockBytes()),
                        /*cluster=*/true),
          tensorMap, coords, bar, ValueRange{}, mask, Value(),
          NVVM::TMALoadMode::TILE, /*isCTAOnly=*/false,
          NVVM::CTAGroupKindAttr(), Value());
    }
  }
}

/// The parity of a barrier's `use`-th phase or, with `previous`, of the
/// phase before it ((use & 1) ^ 1; for use 0 the phase "before" the first,
/// which counts as complete).
static Value phaseParity(OpBuilder &b, Location l, Value use,
                         bool previous = false) {
  Value parity = arith::RemUIOp::create(b, l, use, cIdx(b, l, 2));
  if (previous)
    parity = arith::XOrIOp::create(b, l, parity, cIdx(b, l, 1));
  return arith::IndexCastOp::create(b, l, b.getI32Type(), parity);
}

/// Waits until `bar` completed the phase of `parity`, with the suspend-time
/// hint CUTLASS uses (ns).
static void waitParity(OpBuilder &b, Location l, Value bar, Value parity) {
  NVVM::MBarrierTryWaitParityOp::create(
      b, l, bar, parity,
      arith::ConstantIntOp::create(b, l, b.getI32Type(), 0x989680));
}

void KernelLowering::waitTmaStage(OpBuilder &b, Location l, PipelinedOp loop,
                                  Value stage, Value k, Value lb,
                                  int64_t stages, Value base) {
  // Iteration k is the ((base + k - lb) / stages)-th use of its stage: that
  // phase's parity.
  Value use = arith::DivUIOp::create(b, l, pipelineIteration(b, l, k, lb, base),
                                     cIdx(b, l, stages));
  Value parity = phaseParity(b, l, use);
  waitParity(b, l, stageBarrier(b, l, loop, stage), parity);
}

void KernelLowering::releaseToCluster(OpBuilder &b, Location l, Value bar) {
  // The same offset in every block of the cluster (mapa), this one too.
  // With the default release.cta semantics, as CUTLASS's ClusterBarrier
  // arrives: the stage's readers are wgmma groups already waited for, and
  // nothing written needs publishing, so a cluster-scope release (a fence
  // per stage, which made clustered kernels 40% slower on the H200) buys
  // nothing.
  auto clusterPtr = LLVM::LLVMPointerType::get(
      b.getContext(),
      static_cast<unsigned>(NVVM::NVVMMemorySpace::SharedCluster));
  for (int64_t r = 0; r < clusterRows; ++r) {
    Value theirs = NVVM::MapaOp::create(
        b, l, clusterPtr, bar,
        arith::ConstantIntOp::create(b, l, b.getI32Type(), r));
    NVVM::MBarrierArriveOp::create(b, l, Type(), theirs, Value());
  }
}

void KernelLowering::awaitClusterRelease(OpBuilder &b, Location l,
                                         PipelinedOp loop, Value stage,
                                         Value k) {
  // This block is done with `stage`: one arrival on its release barrier in
  // every block of the cluster.
  Value mine = stageBarrier(b, l, loop, stage, /*empty=*/true);
  releaseToCluster(b, l, mine);
  // Iteration k refills its stage for the ((k - lb) / stages)-th time
  // through this barrier (the prologue's loads did not wait): once every
  // block released that use.
  Value lb = map.lookupOrDefault(loop.getLower());
  int64_t stages = *constantOf(loop.getNumStages());
  Value use = arith::DivUIOp::create(b, l, arith::SubIOp::create(b, l, k, lb),
                                     cIdx(b, l, stages));
  waitParity(b, l, mine, phaseParity(b, l, use));
}

//===----------------------------------------------------------------------===//
// Warp specialization
//===----------------------------------------------------------------------===//
//
// A kernel whose one pipelined loop loads through TMA and keeps a wgmma
// group in flight runs a producer warpgroup after its threads (CUTLASS's
// and TileLang's warp-specialized Hopper GEMM): the tl.kernel's threads
// are the consumers and run the kernel as written, minus the loads; one
// producer thread runs the loop's loads only, each into a stage once its
// consumer warps released it (the stage's empty barrier). Consumers
// synchronize among themselves with a named barrier, never with the
// producer; with two or more consumer warpgroups the producer gives its
// registers to them (setmaxnreg).

void KernelLowering::lowerProducer(OpBuilder &b) {
  // Index math the loads need, then the loads; nothing else of the kernel.
  for (Operation &op : launch.getBody().front().without_terminator()) {
    if (auto loop = dyn_cast<PipelinedOp>(&op)) {
      lowerProducerLoop(loop, b);
    } else if (isa<CeilDivOp>(&op)) {
      (void)lowerOp(&op, b);
    } else if (!isa<TLDialect>(op.getDialect()) && isMemoryEffectFree(&op) &&
               op.getNumRegions() == 0) {
      b.clone(op, map);
    }
  }
}

void KernelLowering::lowerProducerLoop(PipelinedOp loop, OpBuilder &b) {
  Location l = loop.getLoc();
  int64_t stages = *constantOf(loop.getNumStages());
  SmallVector<CopyOp> producers = pipelineProducers(loop, stages);
  Value lb = map.lookupOrDefault(loop.getLower());
  Value ub = map.lookupOrDefault(loop.getUpper());
  // A persistent kernel's earlier tiles used the stages before.
  Value base = earlierIterations(b, l, lb, ub);
  OpBuilder ob = whenEquals(b, l, tid, threads * consumerGroups);
  auto forOp = scf::ForOp::create(ob, l, lb, ub, cIdx(ob, l, 1));
  OpBuilder fb = OpBuilder::atBlockTerminator(forOp.getBody());
  Value k = forOp.getInductionVar();
  map.map(loop.getInductionVar(), k);
  for (Operation &inner : loop.getBody().front().without_terminator())
    if (!isa<TLDialect>(inner.getDialect()) && isMemoryEffectFree(&inner) &&
        inner.getNumRegions() == 0)
      fb.clone(inner, map);
  // The n-th use of a stage waits until its consumers released use n-1.
  Value rel = pipelineIteration(fb, l, k, lb, base);
  Value stage = arith::RemUIOp::create(fb, l, rel, cIdx(fb, l, stages));
  Value use = arith::DivUIOp::create(fb, l, rel, cIdx(fb, l, stages));
  Value parity = phaseParity(fb, l, use, /*previous=*/true);
  waitParity(fb, l, stageBarrier(fb, l, loop, stage, /*empty=*/true), parity);
  issueTmaStage(fb, l, loop, producers, stage, /*guarded=*/false);
}

void KernelLowering::releaseTmaStage(OpBuilder &b, Location l, PipelinedOp loop,
                                     Value stage) {
  // Lane 0 of every consumer warp, after the warp's wgmma reads of the
  // stage completed; with multicast loads, in every block of the cluster
  // (their producers write into this block too).
  OpBuilder tb = whenEquals(b, l, lane, 0);
  Value bar = stageBarrier(tb, l, loop, stage, /*empty=*/true);
  if (tmaLoops[loop].multicast)
    releaseToCluster(tb, l, bar);
  else
    NVVM::MBarrierArriveOp::create(tb, l, Type(), bar, Value());
}

} // namespace mlir::tl::cuda
