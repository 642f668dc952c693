//===- KernelLowering.h - The CUDA lowering of one tl.kernel ----*- C++ -*-===//
//
// Private to lib/Conversion/TLToGPU: the state of tl-convert-to-gpu's
// lowering of one tl.kernel (tile storage, fragment layouts, the walk over
// the body), shared by the files that lower each op family. One lowering
// serves NVIDIA chips (warps of 32; cp.async, mma.sync, wgmma, TMA) and AMD
// ones (wavefronts of 64, called warps here too; MFMA, plain loads into
// LDS, which is the gpu dialect's workgroup memory either way).
//
//===----------------------------------------------------------------------===//

#ifndef TL_LIB_CONVERSION_TLTOGPU_KERNELLOWERING_H
#define TL_LIB_CONVERSION_TLTOGPU_KERNELLOWERING_H

#include "IndexMath.h"
#include "TileStorage.h"
#include "tl/Dialect/TL/IR/TLOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMTypes.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"

#include <optional>

namespace mlir::tl::cuda {

//===----------------------------------------------------------------------===//
// The kernel lowering
//===----------------------------------------------------------------------===//

/// The fragment whose layout tl.parallel `op` iterates: the first one its
/// body accesses at exactly the induction variables with the loop's shape.
Value iterationFragment(ParallelOp op,
                        const llvm::DenseMap<Value, Fragment> &frags);

class KernelLowering {
public:
  /// `wgmmaChip`: whether the target has wgmma (sm_90a); `mma`: which
  /// instructions tensor-core gemms use; `wgmmaInFlight`: whether pipelined
  /// loops keep a wgmma group in flight across iterations; `tma`: whether
  /// pipelined loads into wgmma operand tiles may use TMA;
  /// `warpSpecialize`: whether such a loop may get a producer warpgroup.
  /// `amd`: the chip is an AMD GPU (wavefronts of 64, MFMA; no cp.async,
  /// wgmma or TMA). `asyncCopy`: whether global -> shared copies may be
  /// asynchronous (cp.async, TMA) where the chip has them; else they go
  /// through registers. `tmaStore`: whether a persistent kernel may store
  /// a wgmma accumulator through TMA (Epilogue.cpp); else from registers.
  KernelLowering(KernelOp launch, gpu::GPUFuncOp func, IRMapping &mapping,
                 bool amd, bool wgmmaChip, MmaKind mma, bool wgmmaInFlight,
                 bool tma, bool warpSpecialize, bool asyncCopy = true,
                 bool tmaStore = true)
      : launch(launch), func(func), map(mapping),
        threads(*constantOf(launch.getThreads())), amd(amd),
        wgmmaChip(wgmmaChip && !amd), mmaKind(mma),
        wgmmaInFlightOption(wgmmaInFlight), tmaOption(tma && !amd),
        warpSpecializeOption(warpSpecialize && !amd),
        asyncCopyOption(asyncCopy && !amd), tmaStoreOption(tmaStore) {}

  /// Analysis + storage + body. Reports errors on the offending op.
  LogicalResult run(OpBuilder &b);
  /// The analysis alone (what `sharedBytes` and `launchThreads` say),
  /// writing no IR.
  LogicalResult plan() { return analyze(); }

  int64_t sharedBytes() const { return sharedTotal; }
  /// The tensor maps the kernel's trailing parameters are, in order.
  ArrayRef<TmaMap> tensorMaps() const { return tmaMaps; }
  /// The block size the kernel launches with: the tl.kernel's threads (once
  /// a consumer group), and a producer warpgroup when a loop is
  /// warp-specialized.
  int64_t launchThreads() const {
    return threads * consumerGroups + producerThreads;
  }
  /// Whether the kernel is persistent (tl.persistent): the runtime
  /// launches at most the grid's blocks, one dimension, and each block
  /// loops over tiles.
  bool isPersistent() const { return persistent; }

private:
  LogicalResult analyze();
  /// The kernel's tl.cluster: `clusterRows`, checked against the chip and
  /// the grid.
  LogicalResult analyzeCluster();
  /// The kernel's tl.use_swizzle: `swizzlePanel`.
  LogicalResult analyzeSwizzle();
  /// The kernel's tl.persistent: `persistent`, `consumerGroups`.
  LogicalResult analyzePersistent();
  /// A persistent kernel: whether what the lowering planned allows it
  /// (in clusters with multicast loads, warp specialization; with two
  /// consumer groups, that and no shared memory but the pipeline's stages).
  LogicalResult checkPersistence();
  /// Lowers `body` once for each of this block's tiles: directly in a
  /// launch of the whole grid, else in a loop over the tiles of a
  /// persistent kernel (tile = block, block + blocks, ...) that maps the
  /// block indices (and `tileIter`) for each. In a consumer group of a
  /// kernel of two (`consumerGroup`), every other tile, the group's.
  LogicalResult forEachTile(OpBuilder &b, Location l,
                            function_ref<LogicalResult(OpBuilder &)> body);
  /// The block indices of a launch of the whole grid, or of the tile
  /// `tile` (a linear index, x fastest) of a persistent kernel, renumbered
  /// as the kernel's tl.use_swizzle says.
  void mapBlockIndices(OpBuilder &b, Location l, Value tile = {});
  /// The iterations a TMA pipeline loop from `lb` to `ub` ran on this
  /// block's earlier tiles: where its mbarriers' phases stand. Null when
  /// the kernel is not persistent (zero).
  Value earlierIterations(OpBuilder &b, Location l, Value lb, Value ub);
  /// Renumbers the block indices as the kernel's tl.use_swizzle says,
  /// keeping the blocks of a cluster in one column of consecutive rows.
  void swizzleBlocks(OpBuilder &b, Location l);
  LogicalResult lowerBlock(Block &src, OpBuilder &b);
  LogicalResult lowerOp(Operation *op, OpBuilder &b);
  LogicalResult lowerCopy(CopyOp op, OpBuilder &b, Value stage = {},
                          Value predicate = {});
  /// Copy.cpp: a global -> shared copy of 16-byte chunks with cp.async, in
  /// pipeline stage `stage` (null: waited for at once).
  LogicalResult lowerAsyncCopy(CopyOp op, OpBuilder &b, Value stage,
                               Value predicate);
  LogicalResult lowerGemm(GemmOp op, OpBuilder &b);
  /// Wgmma.cpp: the gemm of a wgmma accumulator. It waits for all its
  /// groups, unless it is `inFlightGemm`: then one group stays in flight.
  LogicalResult lowerWgmma(GemmOp op, OpBuilder &b);
  /// RS (A in registers): the four 32-bit registers of fragment `a`'s row
  /// tile `mi`, columns kk .. kk + 15, as wgmma takes them; and one
  /// m64nNk16 wgmma reading them and B through `descB` into `accumulators`
  /// (inline asm: MLIR's nvvm op has no RS form).
  SmallVector<Value> packRegisterOperand(OpBuilder &b, Location l, Fragment &a,
                                         int64_t mi, int64_t kk);
  Value wgmmaFromRegisters(OpBuilder &b, Location l, Value accumulators,
                           ArrayRef<Value> aRegs, Value descB, bool bf16,
                           bool transB);
  /// Mfma.cpp: the gemm of an MFMA accumulator.
  LogicalResult lowerMfma(GemmOp op, OpBuilder &b);
  /// The gemm of pipelined loop `body` that may keep a wgmma group in
  /// flight across iterations: the body's only wgmma, and the only op of
  /// the body touching its accumulator.
  GemmOp inFlightWgmma(Block &body);
  /// Waits for every wgmma group and ties `gemm`'s accumulator registers
  /// behind the wait.
  void drainWgmma(OpBuilder &b, Location l, GemmOp gemm);
  /// Passes a wgmma accumulator's registers through an empty asm: after a
  /// wait, no read moves above it; after a fill (with two consumer groups,
  /// whose descriptors are computed in the loop), LLVM cannot see the
  /// constant (else it peels the first k step, copying one zero register
  /// into every accumulator between wgmmas, and ptxas serializes them).
  void pinAccumulators(OpBuilder &b, Location l, Fragment &acc);
  /// A wgmma accumulator's registers as one struct per row tile, and back.
  SmallVector<Value> loadAccumulators(OpBuilder &b, Location l, Fragment &acc,
                                      LLVM::LLVMStructType type);
  void storeAccumulators(OpBuilder &b, Location l, Fragment &acc,
                         ArrayRef<Value> accs);
  /// The tensor-core layout `gemm` gets, reporting why a forced wgmma
  /// cannot be used.
  FailureOr<std::optional<MmaLayout>> chooseMmaLayout(GemmOp gemm);
  /// The 64-bit wgmma matrix descriptor of shared tile `tile` starting at
  /// element (row, col) of the current stage, `dynamicBytes` (an i64 or
  /// null) further on.
  Value wgmmaDescriptor(OpBuilder &b, Location l, Value tile,
                        Value dynamicBytes, int64_t row, int64_t col,
                        bool kMajor);
  LogicalResult lowerReduce(ReduceOp op, OpBuilder &b);
  LogicalResult lowerParallel(ParallelOp op, OpBuilder &b);
  LogicalResult lowerPipelined(PipelinedOp op, OpBuilder &b);
  LogicalResult lowerFill(Operation *op, Value buffer, Value value,
                          OpBuilder &b);

  /// Whether `copy` can be an async 16-byte copy into shared memory.
  bool isAsyncCopy(CopyOp copy);
  /// Whether `copy` is a global -> shared copy through registers that its
  /// pipelined loop (num_stages >= 2) stages in two buffers of its tile:
  /// the next iteration's chunks are loaded while this one computes, then
  /// stored into the other buffer (AMD; NVIDIA with tl.async_copy = false).
  bool isRegisterStaged(CopyOp copy);
  /// Copy.cpp: the two halves of a copy through registers of whole 16-byte
  /// chunks: this thread's chunks of the tile (zero past the tensor's end
  /// and where `predicate`, if any, is false), and their store into the
  /// tile's buffer `stage` (null: the current one).
  SmallVector<Value> loadChunks(CopyOp op, OpBuilder &b, Value predicate);
  void storeChunks(CopyOp op, OpBuilder &b, ArrayRef<Value> chunks,
                   Value stage);
  /// Loops.cpp: clones the index math of a pipelined loop's `body` (its
  /// side-effect-free ops outside tl) at the iteration `map` is at, for
  /// the copies issued ahead of it.
  void cloneIndexMath(Block &body, OpBuilder &b);
  /// Loops.cpp: a pipelined loop whose producers are register-staged
  /// copies (one barrier an iteration).
  LogicalResult lowerRegisterPipeline(PipelinedOp op,
                                      ArrayRef<CopyOp> producers, OpBuilder &b);

  // Tma.cpp.
  /// Decides which pipelined loops load through TMA, reserving their
  /// mbarriers with `reserve` and recording the tensor maps.
  void planTma(function_ref<int64_t(int64_t, int64_t)> reserve);
  /// The index of tensor map `m` among the kernel's, added if new (one
  /// parameter serves every load or store of the same argument and box).
  unsigned addTensorMap(const TmaMap &m);
  /// The tensor map `copy` can load through, if any.
  std::optional<TmaMap> tmaMapFor(CopyOp copy);
  /// Appends the tensor-map parameters to the kernel and initializes the
  /// mbarriers (one thread), before the body.
  void setUpTma(OpBuilder &b, Location l);
  /// Decides whether the kernel's TMA loop gets a producer warpgroup.
  void planWarpSpecialization(function_ref<int64_t(int64_t, int64_t)> reserve);
  /// One thread (`guarded`: thread 0; else the caller's): expects `stage`'s
  /// bytes on its mbarrier and issues the TMA loads of `producers` for the
  /// iteration `map` is at. `releasedAt` (a loop with multicast loads, from
  /// iteration releasedAt): first releases the stage to the cluster and
  /// waits until every block of it did.
  void issueTmaStage(OpBuilder &b, Location l, PipelinedOp loop,
                     ArrayRef<CopyOp> producers, Value stage,
                     bool guarded = true, Value releasedAt = {});
  /// Whether some TMA loop multicasts into the blocks of the cluster.
  bool anyMulticast() const {
    return llvm::any_of(tmaLoops,
                        [](const auto &loop) { return loop.second.multicast; });
  }
  /// One arrival on mbarrier `bar` (a shared-memory pointer) in every block
  /// of this block's cluster.
  void releaseToCluster(OpBuilder &b, Location l, Value bar);
  /// This block's release of `stage` at iteration `k` to the blocks of its
  /// cluster, and the wait for theirs.
  void awaitClusterRelease(OpBuilder &b, Location l, PipelinedOp loop,
                           Value stage, Value k);
  /// Warp specialization: the producer warpgroup's side of the kernel (its
  /// index math and the TMA loop's loads, one thread issuing) and the
  /// consumers' release of a stage.
  void lowerProducer(OpBuilder &b);
  void lowerProducerLoop(PipelinedOp loop, OpBuilder &b);
  void releaseTmaStage(OpBuilder &b, Location l, PipelinedOp loop, Value stage);
  /// The copies of pipelined `loop` that fill its multi-buffered tiles.
  SmallVector<CopyOp> pipelineProducers(PipelinedOp loop, int64_t stages);
  /// Waits until `stage`'s loads of the iteration `k` (lower bound `lb`;
  /// `base` iterations of earlier tiles before, or null) have landed.
  void waitTmaStage(OpBuilder &b, Location l, PipelinedOp loop, Value stage,
                    Value k, Value lb, int64_t stages, Value base = {});
  /// The shared-memory pointer (!llvm.ptr<3>, or <7> for a shared::cluster
  /// operand) `bytes` (an index) into dynamic shared memory.
  Value sharedPointer(OpBuilder &b, Location l, Value bytes,
                      bool cluster = false);
  /// The mbarrier of `stage` (an index) of TMA pipeline `loop`: the one
  /// its loads complete, or (`empty`) the one its consumers release.
  Value stageBarrier(OpBuilder &b, Location l, PipelinedOp loop, Value stage,
                     bool empty = false);

  // Epilogue.cpp.
  /// Decides which copy of a wgmma accumulator into global memory is
  /// stored through TMA, reserving the warpgroups' staging buffers with
  /// `reserve` where they fit beside the `used` bytes of shared memory.
  void planTmaStore(function_ref<int64_t(int64_t, int64_t)> reserve,
                    int64_t used);
  LogicalResult lowerTmaStore(CopyOp op, OpBuilder &b);
  /// At the end of the kernel: waits for this block's TMA stores.
  void finishTmaStores(OpBuilder &b, Location l);

  // Element access.
  /// Indices of element `coords` into the view of shared tile `t` at
  /// `stage` (an index; null: stage 0).
  SmallVector<Value> tileIndices(OpBuilder &b, Location l, const SharedTile &t,
                                 Value stage, ValueRange coords);
  Value loadShared(OpBuilder &b, Location l, Value tile, ValueRange coords);
  void storeShared(OpBuilder &b, Location l, Value v, Value tile,
                   ValueRange coords);
  SmallVector<Value> sharedIndices(OpBuilder &b, Location l, Value tile,
                                   ValueRange coords);

  /// This thread's warpgroup (warp / 4) and its row and column in wgmma
  /// layout `m`'s grid of warpgroups (wgM x wgN).
  struct WarpgroupPlace {
    Value index, row, col;
  };
  WarpgroupPlace warpgroupPlace(OpBuilder &b, Location l, const MmaLayout &m);
  /// Calls fn(slot, coords, valid) for every element of `frag` this thread
  /// owns; `valid` is null or an i1 (linear layouts whose size is not a
  /// multiple of the thread count).
  void forEachOwned(OpBuilder &b, Location l, Fragment &frag,
                    function_ref<void(OpBuilder &, int64_t, ValueRange)> fn);
  /// Calls fn(coords) for every element of `shape`, spread over the
  /// block's threads.
  void forEachCooperative(OpBuilder &b, Location l, ArrayRef<int64_t> shape,
                          function_ref<void(OpBuilder &, ValueRange)> fn);

  Value slotLoad(OpBuilder &b, Location l, Fragment &f, int64_t slot) {
    return memref::LoadOp::create(b, l, f.regs, ValueRange{cIdx(b, l, slot)});
  }
  void slotStore(OpBuilder &b, Location l, Value v, Fragment &f, int64_t slot) {
    memref::StoreOp::create(b, l, v, f.regs, ValueRange{cIdx(b, l, slot)});
  }

  // Barriers.cpp.
  /// A block-wide barrier. In kernels whose tiles wgmma reads, the
  /// barrier also orders this thread's earlier shared-memory writes before
  /// the async proxy's reads.
  void barrier(OpBuilder &b, Location l);
  /// fence.proxy.async.shared::cta: this thread's shared-memory writes,
  /// visible to the async proxy (TMA, wgmma) after a barrier.
  void fenceAsyncProxy(OpBuilder &b, Location l);
  /// bar.sync of the tl.kernel's threads (without a producer warpgroup;
  /// of this consumer group's in a kernel of two).
  void syncThreads(OpBuilder &b, Location l);
  /// Two consumer groups take turns on the tensor cores, tile by tile:
  /// before its main loop a group waits for the other's turn to end
  /// (`waitTurn`, from the block's second tile on), after it it ends its
  /// turn (`endTurn`, when a tile follows).
  void waitTurn(OpBuilder &b, Location l);
  void endTurn(OpBuilder &b, Location l);
  /// bar.sync (`wait`) or bar.arrive of named barrier `id` (an i32, or
  /// a constant) for `count` threads.
  void namedBarrier(OpBuilder &b, Location l, Value id, int64_t count,
                    bool wait);
  void namedBarrier(OpBuilder &b, Location l, int64_t id, int64_t count,
                    bool wait);
  /// barrier.cluster (arrive.release, wait.acquire) of every thread of the
  /// blocks of this block's cluster.
  void syncCluster(OpBuilder &b, Location l);
  /// Whether `copy`'s source offsets name the same tile in every block of
  /// a cluster (they do not depend on the block row index).
  bool sharedByCluster(CopyOp copy);

  /// The kernel's `Op` (tl.cluster, tl.use_swizzle: at most one, at the
  /// top of its body, as their verifiers say), or null.
  template <typename Op> Op kernelDirective() {
    for (Operation &op : launch.getBody().front())
      if (auto found = dyn_cast<Op>(op))
        return found;
    return Op();
  }

  /// Threads of a warp (NVIDIA) or a wavefront (AMD).
  int64_t warpSize() const { return amd ? 64 : 32; }

  KernelOp launch;
  gpu::GPUFuncOp func;
  IRMapping &map;
  int64_t threads;
  bool amd;
  bool wgmmaChip;
  MmaKind mmaKind;
  bool wgmmaInFlightOption;
  bool tmaOption;
  bool warpSpecializeOption;
  bool asyncCopyOption;
  bool tmaStoreOption;
  /// 128 when a producer warpgroup runs after the tl.kernel's threads.
  int64_t producerThreads = 0;
  /// tl.cluster: blocks of consecutive rows a cluster (1: no clusters), and
  /// this block's rank in its cluster (an index; null without clusters).
  int64_t clusterRows = 1;
  Value clusterRank;
  /// tl.use_swizzle: grid rows a group of the block order (1: launch order).
  int64_t swizzlePanel = 1;
  /// tl.persistent: the body runs in a loop over tiles, and `tileIter`
  /// counts the tiles this block did before the current one (an index;
  /// null outside the loop or without persistence).
  bool persistent = false;
  Value tileIter;
  /// Groups of `threads` consumer threads, each on its own tiles (2 for
  /// tl.persistent 2, else 1); in a consumer group's code (of two), its
  /// index and whether the block's next tile (the other group's) exists
  /// (an i1).
  int64_t consumerGroups = 1;
  std::optional<int64_t> consumerGroup;
  Value nextTileExists;
  /// TMA loads each block of a cluster issues one slice of, multicast.
  llvm::DenseSet<Operation *> tmaMulticast;
  bool asyncProxyReads = false; // some tile is a wgmma operand
  GemmOp inFlightGemm;          // inside its pipelined loop's iterations
  Value descriptorBase; // two groups: the wgmma's shared start field (i64)
  Value tid, lane, warp;
  llvm::DenseMap<Value, SharedTile> shared;  // keyed by the tl alloc value
  llvm::DenseMap<Value, Fragment> fragments; // keyed by the tl alloc value
  llvm::DenseSet<Value> wgmmaOperands;       // shared tiles wgmma reads
  SmallVector<Value> allocOrder; // tiles in program order (deterministic IR)
  llvm::DenseMap<Value, Value> currentStage;       // shared tile -> stage index
  llvm::DenseMap<ReduceOp, int64_t> reduceScratch; // byte offsets
  int64_t sharedTotal = 0;
  Value smemBase;
  SmallVector<TmaMap> tmaMaps;
  llvm::DenseMap<Operation *, unsigned> tmaCopies;   // copy -> map index
  llvm::DenseMap<Operation *, TmaPipeline> tmaLoops; // tl.pipelined
  llvm::DenseMap<Operation *, TmaStore> tmaStores;   // tl.copy
  SmallVector<Value> tmaMapArgs; // the kernel's tensor-map parameters

  /// Inside a tl.parallel iterating a fragment layout: the fragment shape,
  /// the induction values, and the slot of the current element.
  struct ParallelContext {
    Fragment *layout = nullptr;
    SmallVector<Value> ivs; // lowered induction values
    int64_t slot = 0;
  };
  std::optional<ParallelContext> parallel;
};

} // namespace mlir::tl::cuda

#endif // TL_LIB_CONVERSION_TLTOGPU_KERNELLOWERING_H
