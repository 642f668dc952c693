//===- Analysis.cpp - Whole-kernel facts of tl-convert-to-gpu ------------===//
//
// What the lowering of one tl.kernel decides before it emits anything: the
// cluster shape (tl.cluster), each fragment's layout (the tensor-core
// accumulator layout of a gemm's C, else linear or replicated), and the
// dynamic shared memory (tiles multi-buffered by the pipelined loops that
// fill them, in their swizzled layouts; TMA mbarriers; reduction scratch).
//
//===----------------------------------------------------------------------===//

#include "KernelLowering.h"

#include "tl/Conversion/LoweringUtils.h"

using namespace mlir;
using namespace mlir::tl;

namespace mlir::tl::cuda {

bool sameLayout(const MmaLayout &x, const MmaLayout &y) {
  return x.m == y.m && x.n == y.n && x.wgmma == y.wgmma && x.mfma == y.mfma &&
         (x.wgmma ? x.wgM == y.wgM && x.wgN == y.wgN
                  : x.wm == y.wm && x.wn == y.wn);
}

/// The fragment whose layout tl.parallel `op` iterates: the first one its
/// body accesses at exactly the induction variables with the loop's shape.
Value iterationFragment(ParallelOp op,
                        const llvm::DenseMap<Value, Fragment> &frags) {
  SmallVector<int64_t> extents;
  for (Value e : op.getExtents()) {
    std::optional<int64_t> c = constantOf(e);
    if (!c)
      return {};
    extents.push_back(*c);
  }
  Value found;
  op.getBody().walk([&](Operation *inner) {
    Value m;
    ValueRange idx;
    if (auto ld = dyn_cast<memref::LoadOp>(inner)) {
      m = ld.getMemRef();
      idx = ld.getIndices();
    } else if (auto st = dyn_cast<memref::StoreOp>(inner)) {
      m = st.getMemRef();
      idx = st.getIndices();
    }
    auto it = m ? frags.find(m) : frags.end();
    if (!found && it != frags.end() &&
        llvm::equal(idx, op.getInductionVars()) &&
        it->second.logical.getShape() == ArrayRef<int64_t>(extents))
      found = m;
  });
  return found;
}

LogicalResult KernelLowering::analyzeCluster() {
  auto cluster = kernelDirective<ClusterOp>();
  if (!cluster)
    return success();
  std::optional<int64_t> rows = constantOf(cluster.getRows());
  if (!rows)
    return cluster.emitError() << "needs a constant cluster size for the GPU "
                                  "lowering; specialize the template first";
  if (*rows == 1)
    return success();
  if (!wgmmaChip)
    return cluster.emitError()
           << "launches clusters of " << *rows
           << " blocks; the GPU lowering has thread-block clusters for sm_90a "
              "only (drop tl.cluster or use 1)";
  std::optional<int64_t> gridRows = constantOf(launch.getGrid()[1]);
  if (!gridRows || *gridRows % *rows)
    return cluster.emitError()
           << "launches " << gridRows.value_or(0) << " block rows in "
           << "clusters of " << *rows
           << "; the rows must be a multiple of the cluster";
  clusterRows = *rows;
  return success();
}

LogicalResult KernelLowering::analyzeSwizzle() {
  auto swizzle = kernelDirective<UseSwizzleOp>();
  if (!swizzle)
    return success();
  std::optional<int64_t> panel = constantOf(swizzle.getPanel());
  if (!panel)
    return swizzle.emitError() << "needs a constant panel for the CUDA "
                                  "lowering; specialize the template first";
  swizzlePanel = *panel;
  return success();
}

LogicalResult KernelLowering::analyzePersistent() {
  auto directive = kernelDirective<PersistentOp>();
  if (!directive)
    return success();
  std::optional<int64_t> enabled = constantOf(directive.getEnabled());
  if (!enabled)
    return directive.emitError() << "needs a constant for the GPU lowering; "
                                    "specialize the template first";
  // The HIP runtime launches the grid as written (the expansion folds the
  // knob to 0 for AMD chips).
  if (*enabled == 0 || amd)
    return success();
  persistent = true;
  if (*enabled == 2) {
    if (clusterRows > 1)
      return directive.emitError()
             << "runs two tiles at a time (2) in clusters of " << clusterRows
             << "; the GPU lowering does one or the other (use tl.cluster 1 "
                "or tl.persistent 1)";
    if (!wgmmaChip)
      return directive.emitError()
             << "runs two tiles at a time (2), on consumer groups that need "
                "sm_90a's warp specialization; use tl.persistent 1";
    consumerGroups = 2;
  }
  return success();
}

LogicalResult KernelLowering::checkPersistence() {
  auto directive = kernelDirective<PersistentOp>();
  // A cluster's blocks refill a multicast stage once all of them released
  // it, which across a persistent block's tiles only the producer
  // warpgroup's empty barriers track.
  if (persistent && anyMulticast() && !producerThreads)
    return directive.emitError()
           << "makes a kernel launched in clusters of " << clusterRows
           << " persistent, which needs a warp-specialized kernel: one "
              "pipelined loop of TMA loads at the top keeping a wgmma group "
              "in flight, and "
           << threads
           << " threads + a producer warpgroup at most 1024; use tl.cluster "
              "1 or tl.persistent 0";
  if (consumerGroups == 1)
    return success();
  if (!producerThreads)
    return directive.emitError()
           << "runs two tiles at a time (2), which needs a warp-specialized "
              "kernel: one pipelined loop of TMA loads at the top keeping a "
              "wgmma group in flight, and 2 x "
           << threads
           << " threads + a producer warpgroup at most 1024; use "
              "tl.persistent 1";
  // Each group would need its own copy of any other shared memory.
  for (auto &[value, t] : shared)
    if (t.stages < 2)
      return directive.emitError()
             << "runs two tiles at a time (2); the GPU lowering shares only "
                "the pipeline's stages between the groups, and this kernel "
                "keeps other tiles in shared memory; use tl.persistent 1";
  if (!reduceScratch.empty())
    return directive.emitError()
           << "runs two tiles at a time (2); the GPU lowering shares only the "
              "pipeline's stages between the groups, and this kernel's "
              "tl.reduce needs shared scratch; use tl.persistent 1";
  return success();
}

LogicalResult KernelLowering::analyze() {
  if (failed(analyzeCluster()) || failed(analyzeSwizzle()) ||
      failed(analyzePersistent()))
    return failure();
  // Fragments: the mma layout for tensor-core accumulators.
  launch.walk([&](Operation *op) {
    if (isa<AllocSharedOp, AllocFragmentOp>(op))
      allocOrder.push_back(op->getResult(0));
    if (auto alloc = dyn_cast<AllocFragmentOp>(op)) {
      Fragment f;
      f.logical = alloc.getBuffer().getType();
      fragments[alloc.getBuffer()] = f;
    }
  });
  bool ok = true;
  // In program order: a fragment copied whole from a tensor-core
  // accumulator (attention's P from S, converted) takes its layout, so
  // that a later gemm can read it from registers (wgmma's RS form).
  launch.walk([&](Operation *op) {
    if (auto copy = dyn_cast<CopyOp>(op)) {
      auto from = fragments.find(copy.getSource());
      auto to = fragments.find(copy.getDest());
      if (from != fragments.end() && to != fragments.end() &&
          from->second.isMma && !to->second.isMma &&
          from->second.logical.getShape() == to->second.logical.getShape()) {
        to->second.isMma = true;
        to->second.mma = from->second.mma;
      }
      return;
    }
    auto gemm = dyn_cast<GemmOp>(op);
    if (!gemm || threads % warpSize())
      return;
    FailureOr<std::optional<MmaLayout>> chosen = chooseMmaLayout(gemm);
    if (failed(chosen)) {
      ok = false;
      return;
    }
    std::optional<MmaLayout> layout = *chosen;
    if (!layout)
      return;
    Value c = gemm.getC();
    if (!fragments.count(c))
      return;
    Fragment &f = fragments[c];
    if (f.isMma && !sameLayout(f.mma, *layout)) {
      gemm.emitError() << "accumulates into a fragment another gemm uses "
                          "with a different warp layout";
      ok = false;
      return;
    }
    f.isMma = true;
    f.mma = *layout;
    if (layout->wgmma) {
      if (!fragments.count(gemm.getA()))
        wgmmaOperands.insert(gemm.getA());
      wgmmaOperands.insert(gemm.getB());
      asyncProxyReads = true;
    }
  });
  if (!ok)
    return failure();
  // 1-D fragments read inside a tl.parallel that iterates another
  // fragment are replicated in every thread.
  launch.walk([&](ParallelOp par) {
    Value iter = iterationFragment(par, fragments);
    par.getBody().walk([&](memref::LoadOp ld) {
      Value m = ld.getMemRef();
      if (m != iter && fragments.count(m) && !fragments[m].isMma &&
          fragments[m].logical.getRank() == 1)
        fragments[m].replicated = true;
    });
  });
  for (auto &[value, f] : fragments) {
    if (f.replicated && f.logical.getNumElements() > kMaxReplicated) {
      ok = false;
      launch.emitError() << "reads a fragment of " << f.logical.getNumElements()
                         << " elements at another tl.parallel's row index; "
                            "the CUDA lowering replicates such fragments in "
                            "every thread, up to "
                         << kMaxReplicated << " elements";
    }
    f.slots = f.isMma ? f.mma.tilesM() * f.mma.tilesN() * 4
              : f.replicated
                  ? f.logical.getNumElements()
                  : llvm::divideCeil(f.logical.getNumElements(), threads);
  }
  if (!ok)
    return failure();

  // Shared tiles: stages from the pipelined loops that prefetch into them.
  int64_t offset = 0;
  auto reserve = [&](int64_t bytes, int64_t align = 128) {
    offset = llvm::alignTo(offset, align);
    int64_t at = offset;
    offset += bytes;
    return at;
  };
  launch.walk([&](AllocSharedOp alloc) {
    SharedTile t;
    t.logical = alloc.getBuffer().getType();
    for (Operation *user : alloc.getBuffer().getUsers()) {
      auto copy = dyn_cast<CopyOp>(user);
      if (!copy || copy.getDest() != alloc.getBuffer())
        continue;
      // Copies through registers fill one buffer while the other is read.
      if (isRegisterStaged(copy)) {
        t.stages = 2;
        continue;
      }
      if (!isAsyncCopy(copy))
        continue;
      if (auto loop = copy->getParentOfType<PipelinedOp>())
        if (loop->getParentOfType<KernelOp>() == launch &&
            copy->getParentOp() == loop)
          t.stages =
              std::max(t.stages, constantOf(loop.getNumStages()).value_or(1));
    }
    unsigned bits = t.logical.getElementTypeBitWidth();
    if (wgmmaOperands.contains(alloc.getBuffer())) {
      // The swizzle repeats every 8 rows of atoms: blocks start there.
      t.chunkElems = 128 / bits;
      t.atomCols = wgmmaAtomCols(t.logical);
    } else if (t.logical.getRank() == 2 && bits == 16) {
      t.chunkElems = 8;
      int64_t chunks = t.logical.getDimSize(1) / 8;
      if (t.logical.getDimSize(1) % 8 == 0) {
        if (chunks % 8 == 0)
          t.swizzle = 1;
        else if (chunks == 4)
          t.swizzle = 2;
      }
    }
    int64_t bytes = t.stages * t.logical.getNumElements() * bits / 8;
    t.offset = reserve(bytes, t.atomCols ? 8 * t.atomBytes() : 128);
    shared[alloc.getBuffer()] = t;
  });
  planTma(reserve);
  launch.walk([&](ReduceOp reduce) {
    auto src = cast<MemRefType>(reduce.getSource().getType());
    if (getMemorySpace(src) == MemorySpace::Fragment)
      reduceScratch[reduce] =
          reserve(src.getNumElements() * src.getElementTypeBitWidth() / 8);
  });
  planTmaStore(reserve, offset);
  sharedTotal = llvm::alignTo(offset, 128);
  return checkPersistence();
}

} // namespace mlir::tl::cuda
