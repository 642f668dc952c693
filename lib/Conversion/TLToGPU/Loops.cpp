//===- Loops.cpp - tl.reduce, tl.parallel, tl.pipelined -------------------===//
//
// Reductions through a shared scratch tile, tl.parallel over a fragment's
// layout or the block's threads, and the software pipeline of tl.pipelined
// (cp.async or TMA stages, optionally a wgmma group in flight).
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

LogicalResult KernelLowering::lowerReduce(ReduceOp op, OpBuilder &b) {
  Location l = op.getLoc();
  Value src = op.getSource(), dst = op.getDest();
  auto srcType = cast<MemRefType>(src.getType());
  Type elem = srcType.getElementType();
  int64_t dim = op.getDim();
  // The source as a shared buffer everyone can read.
  Value readable;
  SmallVector<int64_t> srcShape(srcType.getShape());
  if (fragments.count(src)) {
    auto type = MemRefType::get(srcShape, elem, AffineMap(),
                                workgroupSpace(b.getContext()));
    readable = memref::ViewOp::create(
        b, l, type, smemBase, cIdx(b, l, reduceScratch[op]), ValueRange{});
    barrier(b, l);
    Fragment &f = fragments[src];
    forEachOwned(b, l, f, [&](OpBuilder &bb, int64_t slot, ValueRange coords) {
      memref::StoreOp::create(bb, l, slotLoad(bb, l, f, slot), readable,
                              coords);
    });
    barrier(b, l);
  }
  auto readSrc = [&](OpBuilder &bb, ValueRange coords) -> Value {
    if (readable)
      return memref::LoadOp::create(bb, l, readable, coords);
    return loadShared(bb, l, src, coords);
  };
  ReduceKind kind = op.getKind();
  auto identity = [&](OpBuilder &bb) {
    return buildReduceIdentity(bb, l, kind, elem);
  };
  auto combine = [&](OpBuilder &bb, Value acc, Value v) {
    return buildReduceCombine(bb, l, kind, acc, v);
  };
  auto reduceAt = [&](OpBuilder &bb, ValueRange outCoords, Value init) {
    auto loop = scf::ForOp::create(
        bb, l, cIdx(bb, l, 0), cIdx(bb, l, srcShape[dim]), cIdx(bb, l, 1),
        ValueRange{init},
        [&](OpBuilder &fb, Location, Value r, ValueRange iter) {
          SmallVector<Value> c(outCoords.begin(), outCoords.end());
          c.insert(c.begin() + dim, r);
          scf::YieldOp::create(fb, l, combine(fb, iter[0], readSrc(fb, c)));
        });
    return loop.getResult(0);
  };
  if (fragments.count(dst)) {
    Fragment &f = fragments[dst];
    forEachOwned(b, l, f, [&](OpBuilder &bb, int64_t slot, ValueRange coords) {
      Value init = op.getAccumulate() ? slotLoad(bb, l, f, slot) : identity(bb);
      slotStore(bb, l, reduceAt(bb, coords, init), f, slot);
    });
  } else {
    barrier(b, l);
    forEachCooperative(
        b, l, cast<MemRefType>(dst.getType()).getShape(),
        [&](OpBuilder &bb, ValueRange coords) {
          Value init = op.getAccumulate() ? loadShared(bb, l, dst, coords)
                                          : identity(bb);
          storeShared(bb, l, reduceAt(bb, coords, init), dst, coords);
        });
  }
  barrier(b, l);
  return success();
}

LogicalResult KernelLowering::lowerParallel(ParallelOp op, OpBuilder &b) {
  Location l = op.getLoc();
  SmallVector<int64_t> extents;
  for (Value e : op.getExtents()) {
    std::optional<int64_t> c = constantOf(map.lookupOrDefault(e));
    if (!c)
      c = constantOf(e);
    if (!c)
      return op.emitError() << "has a non-constant extent; specialize first";
    extents.push_back(*c);
  }
  // Iterate the layout of the first fragment the body accesses at exactly
  // the induction variables.
  Value iter = iterationFragment(op, fragments);
  Fragment *layout = iter ? &fragments[iter] : nullptr;
  bool writesShared = false;
  op.getBody().walk([&](memref::StoreOp st) {
    writesShared |= shared.count(st.getMemRef()) != 0;
  });
  if (writesShared)
    barrier(b, l);
  LogicalResult result = success();
  auto body = [&](OpBuilder &bb, ValueRange coords, int64_t slot) {
    for (auto [iv, c] : llvm::zip(op.getInductionVars(), coords))
      map.map(iv, c);
    std::optional<ParallelContext> saved = parallel;
    parallel = ParallelContext{layout, SmallVector<Value>(coords), slot};
    if (failed(lowerBlock(op.getBody().front(), bb)))
      result = failure();
    parallel = saved;
  };
  if (layout) {
    // Mismatched layouts of other fragments are diagnosed at the access.
    forEachOwned(b, l, *layout,
                 [&](OpBuilder &bb, int64_t slot, ValueRange coords) {
                   body(bb, coords, slot);
                 });
  } else {
    forEachCooperative(b, l, extents, [&](OpBuilder &bb, ValueRange coords) {
      body(bb, coords, 0);
    });
  }
  if (writesShared)
    barrier(b, l);
  return result;
}

void KernelLowering::cloneIndexMath(Block &body, OpBuilder &b) {
  for (Operation &inner : body.without_terminator())
    if (!isa<TLDialect>(inner.getDialect()) && isMemoryEffectFree(&inner) &&
        inner.getNumRegions() == 0)
      b.clone(inner, map);
}

LogicalResult KernelLowering::lowerPipelined(PipelinedOp op, OpBuilder &b) {
  Location l = op.getLoc();
  Value lb = map.lookupOrDefault(op.getLower());
  Value ub = map.lookupOrDefault(op.getUpper());
  int64_t stages = constantOf(map.lookupOrDefault(op.getNumStages()))
                       .value_or(constantOf(op.getNumStages()).value_or(1));
  // Producers: async copies into shared tiles multi-buffered for this loop.
  SmallVector<CopyOp> producers = pipelineProducers(op, stages);

  Block &body = op.getBody().front();
  Value iv = op.getInductionVar();
  if (producers.empty()) {
    SmallVector<CopyOp> staged;
    for (Operation &inner : body)
      if (auto copy = dyn_cast<CopyOp>(&inner); copy && isRegisterStaged(copy))
        staged.push_back(copy);
    if (!staged.empty())
      return lowerRegisterPipeline(op, staged, b);
    auto loop = scf::ForOp::create(b, l, lb, ub, cIdx(b, l, 1));
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPoint(loop.getBody()->getTerminator());
    map.map(iv, loop.getInductionVar());
    if (failed(lowerBlock(body, b)))
      return failure();
    barrier(b, l);
    return success();
  }

  // A wgmma gemm alone on its accumulator in this loop keeps one group in
  // flight: iteration k computes, then waits for k-1's group only, and
  // only then refills the stage k-1 read (after a barrier when several
  // warpgroups read it), so the tensor cores run through the refill and
  // into the next iteration's wait.
  GemmOp inFlight = wgmmaInFlightOption ? inFlightWgmma(body) : GemmOp();
  int64_t ahead = stages - 1;
  // The producers are TMA loads into mbarrier stages (Tma.cpp), issued by
  // a producer warpgroup when the loop is warp-specialized: the consumers
  // only wait for a stage and release it.
  bool tma = tmaLoops.count(op) != 0;
  bool specialized = tma && tmaLoops[op].specialized;
  // Loads multicast into the cluster's blocks: a stage is refilled once
  // every block of the cluster is done reading it.
  bool multicast = tma && tmaLoops[op].multicast;
  // A persistent kernel runs the loop once a tile, and the mbarriers'
  // phases go on from the tiles before: global iteration base + k - lb.
  Value base = tma ? earlierIterations(b, l, lb, ub) : Value();

  // Issues the producers of iteration `k` into `stage`, reading nothing
  // when k >= ub. `releasedAt`: the iteration that frees the stage, which
  // the cluster's blocks must all have released first.
  auto issue = [&](OpBuilder &bb, Value k, Value stage,
                   Value releasedAt = {}) -> LogicalResult {
    map.map(iv, k);
    cloneIndexMath(body, bb);
    // Past a static end nothing is read; the (empty) group is still
    // committed so that the waits count the same.
    std::optional<int64_t> kc = constantOf(k), ubc = constantOf(ub);
    if (tma) {
      // Nothing past the end: that stage's barrier is not waited on.
      if (kc && ubc && *kc < *ubc) {
        issueTmaStage(bb, l, op, producers, stage, true, releasedAt);
      } else if (!kc || !ubc) {
        auto inRange = scf::IfOp::create(bb, l, ult(bb, l, k, ub));
        OpBuilder tb = inRange.getThenBodyBuilder();
        issueTmaStage(tb, l, op, producers, stage, true, releasedAt);
      }
      return success();
    }
    if (!kc || !ubc || *kc < *ubc) {
      Value inRange = ult(bb, l, k, ub);
      for (CopyOp copy : producers)
        if (failed(lowerCopy(copy, bb, stage, inRange)))
          return failure();
    }
    NVVM::CpAsyncCommitGroupOp::create(bb, l);
    return success();
  };
  // Stage (base + k + offset - lb) % stages, for a loop with dynamic
  // bounds or a persistent kernel's.
  auto stageOf = [&](OpBuilder &bb, Value k, int64_t offset) -> Value {
    return arith::RemUIOp::create(
        bb, l, pipelineIteration(bb, l, add(bb, l, k, offset), lb, base),
        cIdx(bb, l, stages));
  };
  // One iteration: wait for stage `stage`, refill the stage computed on in
  // the previous iteration so its loads fly while this one computes, then
  // compute; with a wgmma group in flight, compute first and refill once
  // the previous iteration's group is done.
  auto iteration = [&](OpBuilder &bb, Value k, Value stage,
                       Value refill) -> LogicalResult {
    if (tma) {
      waitTmaStage(bb, l, op, stage, k, lb, stages, base);
      // Refilling before computing: every thread is done with the stage.
      if (!inFlight)
        barrier(bb, l);
    } else {
      NVVM::CpAsyncWaitGroupOp::create(bb, l, ahead - 1);
      barrier(bb, l);
    }
    // With multicast loads the stage is also the cluster's other blocks'.
    Value releasedAt = multicast ? k : Value();
    if (!inFlight &&
        failed(issue(bb, add(bb, l, k, ahead), refill, releasedAt)))
      return failure();
    for (CopyOp copy : producers)
      currentStage[copy.getDest()] = stage;
    inFlightGemm = inFlight;
    map.map(iv, k);
    for (Operation &inner : body.without_terminator()) {
      if (auto copy = dyn_cast<CopyOp>(&inner))
        if (llvm::is_contained(producers, copy))
          continue;
      if (failed(lowerOp(&inner, bb)))
        return failure();
    }
    for (CopyOp copy : producers)
      currentStage.erase(copy.getDest());
    inFlightGemm = GemmOp();
    if (specialized) {
      // The previous iteration's group is done: its stage is free.
      Value notFirst =
          arith::CmpIOp::create(bb, l, arith::CmpIPredicate::ugt, k, lb);
      auto release = scf::IfOp::create(bb, l, notFirst);
      OpBuilder rb = release.getThenBodyBuilder();
      releaseTmaStage(rb, l, op, refill);
    } else if (inFlight) {
      // wgmma.wait_group is per warpgroup: the others may still read.
      if (threads > 128)
        syncThreads(bb, l);
      if (failed(issue(bb, add(bb, l, k, ahead), refill, releasedAt)))
        return failure();
    }
    return success();
  };

  // With static bounds the loop is unrolled by the stage count, so every
  // stage index (and the shared-memory offsets from it) is a constant; the
  // last trips % stages iterations follow unrolled too. (In a persistent
  // kernel, where every tile's loop starts at stage 0.)
  std::optional<int64_t> lbConst = constantOf(lb), ubConst = constantOf(ub);
  int64_t trips =
      lbConst && ubConst ? std::max<int64_t>(*ubConst - *lbConst, 0) : 0;
  bool unrolled = lbConst && ubConst && (!base || trips % stages == 0);

  // With two consumer groups, this group's turn on the tensor cores.
  if (specialized)
    waitTurn(b, l);

  // Prologue: `ahead` iterations in flight (the producer's, when there is
  // one).
  for (int64_t s = 0; s < ahead && !specialized; ++s) {
    Value k = add(b, l, lb, s);
    if (failed(issue(b, k, unrolled ? cIdx(b, l, s) : stageOf(b, k, 0))))
      return failure();
  }

  if (unrolled) {
    int64_t whole = trips / stages * stages;
    if (whole > 0) {
      auto loop = scf::ForOp::create(b, l, lb, cIdx(b, l, *lbConst + whole),
                                     cIdx(b, l, stages));
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPoint(loop.getBody()->getTerminator());
      for (int64_t j = 0; j < stages; ++j)
        if (failed(iteration(b, add(b, l, loop.getInductionVar(), j),
                             cIdx(b, l, j), cIdx(b, l, (j + ahead) % stages))))
          return failure();
    }
    for (int64_t j = 0; j < trips - whole; ++j)
      if (failed(iteration(b, cIdx(b, l, *lbConst + whole + j), cIdx(b, l, j),
                           cIdx(b, l, (j + ahead) % stages))))
        return failure();
  } else {
    auto loop = scf::ForOp::create(b, l, lb, ub, cIdx(b, l, 1));
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPoint(loop.getBody()->getTerminator());
    Value k = loop.getInductionVar();
    if (failed(iteration(b, k, stageOf(b, k, 0), stageOf(b, k, ahead))))
      return failure();
  }
  if (!tma)
    NVVM::CpAsyncWaitGroupOp::create(b, l, 0);
  // Every wgmma group issued: the other consumer group may begin.
  if (specialized)
    endTurn(b, l);
  if (inFlight)
    drainWgmma(b, l, inFlight);
  // The next tile's producer waits for the last stage too.
  if (specialized && base) {
    auto any = scf::IfOp::create(b, l, ult(b, l, lb, ub));
    OpBuilder rb = any.getThenBodyBuilder();
    releaseTmaStage(rb, l, op, stageOf(rb, ub, ahead));
  }
  // With a producer, the stages' reuse is ordered by their empty barriers
  // and each consumer warpgroup's epilogue touches only its own buffers;
  // without one, the next tile's loads overwrite stages others may read.
  // (Kept with multicast loads: no GPU has run those kernels without it.)
  if (!specialized || multicast)
    barrier(b, l);
  // No block leaves while another's loads may still write into it (a
  // persistent kernel's blocks, after their last tile: run()).
  if (multicast && !persistent)
    syncCluster(b, l);
  return success();
}

LogicalResult KernelLowering::lowerRegisterPipeline(PipelinedOp op,
                                                    ArrayRef<CopyOp> producers,
                                                    OpBuilder &b) {
  Location l = op.getLoc();
  Value lb = map.lookupOrDefault(op.getLower());
  Value ub = map.lookupOrDefault(op.getUpper());
  Block &body = op.getBody().front();
  Value iv = op.getInductionVar();
  using Chunks = SmallVector<SmallVector<Value>>;
  // The producers' chunks of iteration `k` (zero when k >= ub), after the
  // index math of the body at k.
  auto load = [&](OpBuilder &bb, Value k) {
    map.map(iv, k);
    cloneIndexMath(body, bb);
    Chunks chunks;
    Value inRange = ult(bb, l, k, ub);
    for (CopyOp copy : producers)
      chunks.push_back(loadChunks(copy, bb, inRange));
    return chunks;
  };
  auto store = [&](OpBuilder &bb, const Chunks &chunks, Value stage) {
    for (auto [copy, c] : llvm::zip(producers, chunks))
      storeChunks(copy, bb, c, stage);
  };
  // Iteration k computes on buffer `stage` while the loads of k + 1 fly,
  // then stores them into `other`; one barrier orders both for k + 1.
  auto iteration = [&](OpBuilder &bb, Value k, Value stage,
                       Value other) -> LogicalResult {
    Value next = add(bb, l, k, 1);
    Chunks chunks = load(bb, next);
    map.map(iv, k);
    for (CopyOp copy : producers)
      currentStage[copy.getDest()] = stage;
    for (Operation &inner : body.without_terminator()) {
      if (auto copy = dyn_cast<CopyOp>(&inner);
          copy && llvm::is_contained(producers, copy))
        continue;
      if (failed(lowerOp(&inner, bb)))
        return failure();
    }
    for (CopyOp copy : producers)
      currentStage.erase(copy.getDest());
    auto more = scf::IfOp::create(bb, l, ult(bb, l, next, ub));
    OpBuilder mb = more.getThenBodyBuilder();
    store(mb, chunks, other);
    barrier(bb, l);
    return success();
  };

  // Prologue: iteration lb's tiles into buffer 0 (after the last reads of
  // an enclosing loop's previous trip).
  barrier(b, l);
  store(b, load(b, lb), cIdx(b, l, 0));
  barrier(b, l);
  // Static bounds: unrolled by two, so that both buffers' offsets are
  // constants.
  std::optional<int64_t> lbConst = constantOf(lb), ubConst = constantOf(ub);
  if (lbConst && ubConst) {
    int64_t trips = std::max<int64_t>(*ubConst - *lbConst, 0);
    int64_t whole = trips / 2 * 2;
    if (whole > 0) {
      auto loop = scf::ForOp::create(b, l, lb, cIdx(b, l, *lbConst + whole),
                                     cIdx(b, l, 2));
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPoint(loop.getBody()->getTerminator());
      Value k = loop.getInductionVar();
      if (failed(iteration(b, k, cIdx(b, l, 0), cIdx(b, l, 1))) ||
          failed(iteration(b, add(b, l, k, 1), cIdx(b, l, 1), cIdx(b, l, 0))))
        return failure();
    }
    if (trips % 2 && failed(iteration(b, cIdx(b, l, *lbConst + whole),
                                      cIdx(b, l, 0), cIdx(b, l, 1))))
      return failure();
    return success();
  }
  auto loop = scf::ForOp::create(b, l, lb, ub, cIdx(b, l, 1));
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPoint(loop.getBody()->getTerminator());
  Value k = loop.getInductionVar();
  Value stage = arith::RemUIOp::create(b, l, arith::SubIOp::create(b, l, k, lb),
                                       cIdx(b, l, 2));
  Value other = arith::SubIOp::create(b, l, cIdx(b, l, 1), stage);
  return iteration(b, k, stage, other);
}

} // namespace mlir::tl::cuda
