//===- TLToGPU.cpp - Lower specialized tl kernels to gpu/nvgpu/nvvm -------===//
//
// tl-convert-to-gpu: every specialized tl.func becomes a gpu.func kernel in a
// gpu.module. See Passes.td for the contract; in short:
//
//  - shared tiles are views of dynamic shared memory, multi-buffered by the
//    stages of the tl.pipelined loop that fills them, 16-bit 2-D tiles
//    XOR-swizzled at 16-byte granularity (conflict-free ldmatrix/cp.async),
//    wgmma operands in the swizzle-atom layouts their descriptors describe;
//  - fragments are per-thread register arrays with a layout: the mma.sync
//    or wgmma accumulator layout for the C of a tensor-core gemm, otherwise
//    element e owned by thread e % threads.
//
// The lowering needs whole-kernel facts (layouts, shared memory offsets,
// which copies a pipelined loop prefetches), so it is a structured walk over
// the kernel body rather than independent rewrite patterns. This file holds
// the pass and the walk (set-up, the dispatch of each op); Barriers.cpp
// the synchronization, Analysis.cpp the whole-kernel facts, Schedule.cpp
// which tile a block computes (block order, persistent loops), Access.cpp
// where tile elements live and which a thread owns; the op families are
// lowered in Copy.cpp,
// Epilogue.cpp (an accumulator stored through TMA), Gemm.cpp (mma.sync,
// SIMT), Wgmma.cpp (sm_90a), Tma.cpp (TMA, clusters, warp
// specialization), Mfma.cpp (AMD) and Loops.cpp (tl.reduce, tl.parallel,
// tl.pipelined), over KernelLowering.h.
//
//===----------------------------------------------------------------------===//

#include "KernelLowering.h"

#include "tl/Conversion/Passes.h"

#include "tl/Conversion/LoweringUtils.h"
#include "tl/Dialect/TL/IR/TLOps.h"
#include "tl/Dialect/TL/Transforms/ResourceModel.h"
#include "tl/Target/CapturedDiagnostics.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/IR/Verifier.h"

#include <functional>

namespace mlir::tl {
#define GEN_PASS_DEF_CONVERTTLTOGPU
#include "tl/Conversion/Passes.h.inc"
} // namespace mlir::tl

using namespace mlir;
using namespace mlir::tl;

namespace mlir::tl::cuda {

LogicalResult KernelLowering::run(OpBuilder &b) {
  if (failed(analyze()))
    return failure();
  Location l = launch.getLoc();
  tid = gpu::ThreadIdOp::create(b, l, gpu::Dimension::x);
  lane = arith::RemUIOp::create(b, l, tid, cIdx(b, l, warpSize()));
  warp = arith::DivUIOp::create(b, l, tid, cIdx(b, l, warpSize()));
  // Block indices (a persistent kernel's, tile by tile).
  if (clusterRows > 1)
    func->setAttr("tl.cluster", b.getDenseI64ArrayAttr({1, clusterRows}));
  if (!persistent)
    mapBlockIndices(b, l);

  // Storage.
  if (sharedTotal) {
    auto bytesType =
        MemRefType::get({ShapedType::kDynamic}, b.getIntegerType(8),
                        AffineMap(), workgroupSpace(b.getContext()));
    smemBase = gpu::DynamicSharedMemoryOp::create(b, l, bytesType);
  }
  for (Value value : allocOrder) {
    if (!shared.count(value))
      continue;
    SharedTile &t = shared[value];
    SmallVector<int64_t> shape;
    if (t.stages > 1)
      shape.push_back(t.stages);
    if (t.atomCols)
      llvm::append_range(
          shape, ArrayRef<int64_t>{t.logical.getDimSize(1) / t.atomCols,
                                   t.logical.getDimSize(0), t.atomCols});
    else
      llvm::append_range(shape, t.logical.getShape());
    auto type = MemRefType::get(shape, t.logical.getElementType(), AffineMap(),
                                workgroupSpace(b.getContext()));
    t.view = memref::ViewOp::create(b, l, type, smemBase, cIdx(b, l, t.offset),
                                    ValueRange{});
  }
  for (Value value : allocOrder)
    if (fragments.count(value))
      fragments[value].regs = memref::AllocaOp::create(
          b, l,
          MemRefType::get({fragments[value].slots},
                          fragments[value].logical.getElementType()));
  setUpTma(b, l);
  auto consumers = [&](OpBuilder &bb) {
    return lowerBlock(launch.getBody().front(), bb);
  };
  if (!producerThreads) {
    if (failed(forEachTile(b, l, consumers)))
      return failure();
    finishTmaStores(b, l);
    return success();
  }
  // Warp-specialized (Tma.cpp): the producer warpgroup after the threads.
  int64_t consumerThreads = threads * consumerGroups;
  auto role =
      scf::IfOp::create(b, l,
                        arith::CmpIOp::create(b, l, arith::CmpIPredicate::uge,
                                              tid, cIdx(b, l, consumerThreads)),
                        /*withElseRegion=*/true);
  // With two or more consumer warpgroups the producer's registers go to
  // them: 40 a producer thread, the rest of what the launch holds shared by
  // the consumers (232 each for two, as CUTLASS). The launch holds what
  // ptxas gives every thread of it, the 64K over its threads in steps of
  // 8: asking for more than that frees would wait forever.
  bool rebalance = consumerThreads >= 256;
  int64_t launched = launchThreads();
  int64_t launchRegs = registersPerLaunchThread(launched);
  int64_t consumerRegs = std::min<int64_t>(
      256, (launchRegs * launched - 128 * 40) / consumerThreads / 8 * 8);
  IRMapping outer = map;
  {
    OpBuilder pb = role.getThenBodyBuilder();
    if (rebalance)
      NVVM::SetMaxRegisterOp::create(pb, l, 40,
                                     NVVM::SetMaxRegisterAction::decrease);
    if (failed(forEachTile(pb, l, [&](OpBuilder &bb) {
          lowerProducer(bb);
          return success();
        })))
      return failure();
    // The consumers' cluster barrier after the loop counts the producers.
    if (anyMulticast())
      syncCluster(pb, l);
  }
  map = outer;
  OpBuilder cb = role.getElseBodyBuilder();
  if (rebalance)
    NVVM::SetMaxRegisterOp::create(cb, l, consumerRegs,
                                   NVVM::SetMaxRegisterAction::increase);
  if (consumerGroups == 1) {
    if (failed(forEachTile(cb, l, consumers)))
      return failure();
    // A persistent kernel's blocks leave the cluster together, after
    // their last tile, with the producers (above).
    if (persistent && anyMulticast())
      syncCluster(cb, l);
    finishTmaStores(cb, l);
    return success();
  }
  // Two consumer groups, each running the kernel as written on its own
  // tiles, its threads numbered from 0. The body is lowered once per group
  // with the group a constant: ptxas then sees no thread-dependent tile
  // loop (with one, it serializes every wgmma behind a divergent path).
  Value raw = tid;
  auto which =
      scf::IfOp::create(cb, l,
                        arith::CmpIOp::create(cb, l, arith::CmpIPredicate::ult,
                                              raw, cIdx(cb, l, threads)),
                        /*withElseRegion=*/true);
  outer = map;
  for (int64_t g = 0; g < consumerGroups; ++g) {
    OpBuilder gb =
        g == 0 ? which.getThenBodyBuilder() : which.getElseBodyBuilder();
    map = outer;
    consumerGroup = g;
    tid = arith::SubIOp::create(gb, l, raw, cIdx(gb, l, g * threads));
    lane = arith::RemUIOp::create(gb, l, tid, cIdx(gb, l, warpSize()));
    warp = arith::DivUIOp::create(gb, l, tid, cIdx(gb, l, warpSize()));
    if (failed(forEachTile(gb, l, consumers)))
      return failure();
  }
  consumerGroup.reset();
  return success();
}

LogicalResult KernelLowering::lowerBlock(Block &src, OpBuilder &b) {
  for (Operation &op : src.without_terminator())
    if (failed(lowerOp(&op, b)))
      return failure();
  return success();
}

LogicalResult KernelLowering::lowerFill(Operation *op, Value buffer,
                                        Value value, OpBuilder &b) {
  Location l = op->getLoc();
  if (fragments.count(buffer)) {
    Fragment &f = fragments[buffer];
    forEachOwned(b, l, f, [&](OpBuilder &bb, int64_t slot, ValueRange) {
      slotStore(bb, l, value, f, slot);
    });
    // A cleared wgmma accumulator is materialized here, not as copies of
    // one zero register that LLVM sinks to its first wgmma: with two m64
    // row tiles a warpgroup (or two consumer groups) the second tile's
    // copies landed between the first k step's wgmmas, and ptxas
    // serialized every wgmma of the kernel (C7520; 128x128 on one
    // warpgroup with 3 stages).
    if (f.isMma && f.mma.wgmma && (consumerGroups > 1 || f.mma.tilesM() > 1))
      pinAccumulators(b, l, f);
    return success();
  }
  barrier(b, l);
  forEachCooperative(b, l, shared[buffer].logical.getShape(),
                     [&](OpBuilder &bb, ValueRange coords) {
                       storeShared(bb, l, value, buffer, coords);
                     });
  barrier(b, l);
  return success();
}

LogicalResult KernelLowering::lowerOp(Operation *op, OpBuilder &b) {
  Location l = op->getLoc();
  if (isa<AllocSharedOp, AllocFragmentOp, UseSwizzleOp, ClusterOp,
          PersistentOp>(op))
    return success(); // storage, block order and clusters were set up front
  if (auto clear = dyn_cast<ClearOp>(op)) {
    Type elem = cast<MemRefType>(clear.getBuffer().getType()).getElementType();
    return lowerFill(op, clear.getBuffer(), zeroOf(b, l, elem), b);
  }
  if (auto fill = dyn_cast<FillOp>(op))
    return lowerFill(op, fill.getBuffer(), map.lookupOrDefault(fill.getValue()),
                     b);
  if (auto copy = dyn_cast<CopyOp>(op))
    return lowerCopy(copy, b);
  if (auto gemm = dyn_cast<GemmOp>(op))
    return lowerGemm(gemm, b);
  if (auto reduce = dyn_cast<ReduceOp>(op))
    return lowerReduce(reduce, b);
  if (auto par = dyn_cast<ParallelOp>(op))
    return lowerParallel(par, b);
  if (auto loop = dyn_cast<PipelinedOp>(op))
    return lowerPipelined(loop, b);
  if (auto cd = dyn_cast<CeilDivOp>(op)) {
    map.map(cd.getResult(),
            arith::CeilDivUIOp::create(b, l, map.lookupOrDefault(cd.getLhs()),
                                       map.lookupOrDefault(cd.getRhs())));
    return success();
  }
  if (auto load = dyn_cast<memref::LoadOp>(op)) {
    Value m = load.getMemRef();
    if (fragments.count(m) || shared.count(m)) {
      SmallVector<Value> idx;
      for (Value i : load.getIndices())
        idx.push_back(map.lookupOrDefault(i));
      Value v;
      if (shared.count(m)) {
        v = loadShared(b, l, m, idx);
      } else if (fragments[m].replicated &&
                 !(parallel && parallel->layout == &fragments[m])) {
        // Every thread holds every element: read at the index.
        v = memref::LoadOp::create(b, l, fragments[m].regs, idx);
      } else {
        if (!parallel || parallel->layout != &fragments[m] ||
            idx != parallel->ivs)
          return op->emitError() << "reads a fragment at indices other than "
                                    "the enclosing tl.parallel's; the CUDA "
                                    "lowering supports owner-local access only";
        v = slotLoad(b, l, fragments[m], parallel->slot);
      }
      map.map(load.getResult(), v);
      return success();
    }
  }
  if (auto store = dyn_cast<memref::StoreOp>(op)) {
    Value m = store.getMemRef();
    if (fragments.count(m) || shared.count(m)) {
      SmallVector<Value> idx;
      for (Value i : store.getIndices())
        idx.push_back(map.lookupOrDefault(i));
      Value v = map.lookupOrDefault(store.getValue());
      if (shared.count(m)) {
        storeShared(b, l, v, m, idx);
      } else {
        if (!parallel || parallel->layout != &fragments[m] ||
            idx != parallel->ivs)
          return op->emitError() << "writes a fragment at indices other than "
                                    "the enclosing tl.parallel's; the CUDA "
                                    "lowering supports owner-local access only";
        slotStore(b, l, v, fragments[m], parallel->slot);
      }
      return success();
    }
  }
  if (isa<TLDialect>(op->getDialect()))
    return op->emitError() << "has no CUDA lowering";
  if (op->getNumRegions() != 0) {
    bool hasTL = false;
    op->walk([&](Operation *inner) {
      if (inner != op && isa<TLDialect>(inner->getDialect()))
        hasTL = true;
    });
    if (hasTL)
      return op->emitError() << "contains tl ops inside a region the CUDA "
                                "lowering does not handle; use tl.pipelined "
                                "or tl.parallel";
  }
  b.clone(*op, map);
  return success();
}

} // namespace mlir::tl::cuda

//===----------------------------------------------------------------------===//
// The pass
//===----------------------------------------------------------------------===//

namespace {
using cuda::constantOf;
using cuda::KernelLowering;

/// AMD GPUs are named by their ISA (gfx90a, gfx942, gfx1100, ...).
bool isAmdChip(StringRef chip) { return chip.starts_with("gfx"); }

/// The pass option `mma`, overridden by the kernel's tl.mma attribute.
FailureOr<cuda::MmaKind> chooseMmaKind(FuncOp kernel, StringRef mma) {
  std::string choice = mma.str();
  Location at = kernel.getLoc();
  if (auto attr = kernel->getAttr("tl.mma")) {
    auto str = dyn_cast<StringAttr>(attr);
    if (!str)
      return kernel.emitError() << "tl.mma must be a string: \"auto\", "
                                   "\"wgmma\", \"mma.sync\", \"mfma\" or "
                                   "\"simt\"";
    choice = str.str();
  }
  if (choice == "auto")
    return cuda::MmaKind::Auto;
  if (choice == "wgmma")
    return cuda::MmaKind::Wgmma;
  if (choice == "mma.sync")
    return cuda::MmaKind::MmaSync;
  if (choice == "mfma")
    return cuda::MmaKind::Mfma;
  if (choice == "simt")
    return cuda::MmaKind::Simt;
  return emitError(at) << "unknown tensor-core choice '" << choice << "' for '"
                       << kernel.getSymName()
                       << "'; use auto, wgmma, mma.sync, mfma or simt";
}

/// The lowering tl-convert-to-gpu builds for `kernel`'s one tl.kernel
/// `launch` on `chipName` with the pass's options; its kernel attributes
/// (tl.mma, tl.async_copy, tl.tma_store) are checked here.
FailureOr<KernelLowering> buildLowering(FuncOp kernel, KernelOp launch,
                                        gpu::GPUFuncOp func, IRMapping &map,
                                        StringRef chipName,
                                        const ConvertTLToGPUOptions &options) {
  FailureOr<cuda::MmaKind> mmaKind = chooseMmaKind(kernel, options.mma);
  if (failed(mmaKind))
    return failure();
  // tl.async_copy = false: global -> shared copies through registers, as
  // on AMD, instead of cp.async or TMA.
  // tl.tma_store = false: a persistent kernel's accumulator is stored from
  // registers rather than through shared memory and TMA.
  bool asyncCopy = true, tmaStore = true;
  for (auto [name, flag] :
       {std::pair<StringRef, bool *>{"tl.async_copy", &asyncCopy},
        {"tl.tma_store", &tmaStore}})
    if (Attribute attr = kernel->getAttr(name)) {
      auto value = dyn_cast<BoolAttr>(attr);
      if (!value)
        return kernel.emitError() << name << " must be true or false";
      *flag = value.getValue();
    }
  return KernelLowering(launch, func, map, isAmdChip(chipName),
                        chipName == "sm_90a", *mmaKind, options.wgmmaInFlight,
                        options.tma, options.warpSpecialize, asyncCopy,
                        tmaStore);
}

struct ConvertTLToGPUPass
    : public tl::impl::ConvertTLToGPUBase<ConvertTLToGPUPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<FuncOp> kernels(module.getOps<FuncOp>());
    for (FuncOp kernel : kernels)
      if (failed(convert(module, kernel)))
        return signalPassFailure();
  }

  /// The chip option, else the tl.target the expansion recorded on this or
  /// an enclosing module, else sm_80.
  std::string targetChip(ModuleOp module) {
    if (!chip.empty())
      return chip;
    for (Operation *op = module; op; op = op->getParentOp())
      if (auto target = op->getAttrOfType<StringAttr>("tl.target"))
        return target.str();
    return "sm_80";
  }

  LogicalResult convert(ModuleOp module, FuncOp kernel) {
    MLIRContext *ctx = &getContext();
    if (!kernel.getParamDecls().empty())
      return kernel.emitError() << "'" << kernel.getSymName()
                                << "' is a template; run tl-expand-configs "
                                   "first";
    SmallVector<KernelOp> launches;
    kernel.walk([&](KernelOp k) { launches.push_back(k); });
    if (launches.size() != 1)
      return kernel.emitError()
             << "the GPU targets launch one tl.kernel per tl.func; '"
             << kernel.getSymName() << "' has " << launches.size();
    if (failed(verifyStaticShapes(kernel)))
      return failure();
    KernelOp launch = launches.front();
    std::optional<int64_t> threads = constantOf(launch.getThreads());
    if (!threads)
      return launch.emitError() << "thread count is not a constant; "
                                   "specialize the template first";
    SmallVector<int64_t> grid;
    for (Value g : launch.getGrid()) {
      std::optional<int64_t> c = constantOf(g);
      if (!c)
        return launch.emitError() << "grid is not constant; specialize first";
      grid.push_back(*c);
    }

    OpBuilder b(ctx);
    b.setInsertionPoint(kernel);
    module->setAttr(gpu::GPUDialect::getContainerModuleAttrName(),
                    b.getUnitAttr());
    auto gpuModule = gpu::GPUModuleOp::create(
        b, kernel.getLoc(), (kernel.getSymName() + "_kernels").str());
    b.setInsertionPointToStart(gpuModule.getBody());
    SmallVector<Type> argTypes;
    for (Type t : kernel.getArgumentTypes())
      argTypes.push_back(
          isa<MemRefType>(t) ? stripTLMemorySpace(cast<MemRefType>(t)) : t);
    auto func = gpu::GPUFuncOp::create(b, kernel.getLoc(), kernel.getSymName(),
                                       b.getFunctionType(argTypes, {}));
    func->setAttr(gpu::GPUDialect::getKernelFuncAttrName(), b.getUnitAttr());
    func.setKnownBlockSizeAttr(
        b.getDenseI32ArrayAttr({static_cast<int32_t>(*threads), 1, 1}));
    func->setAttr("tl.grid", b.getDenseI64ArrayAttr(grid));
    // The grid is part of the specialization: block indices are known to
    // be below it (integer range analysis folds the edge checks of tiles
    // that always fit; the NVVM lowering adds range metadata).
    if (grid.size() <= 3 && llvm::all_of(grid, [](int64_t g) {
          return g > 0 && g <= std::numeric_limits<int32_t>::max();
        })) {
      SmallVector<int32_t, 3> known(3, 1);
      for (auto [i, g] : llvm::enumerate(grid))
        known[i] = static_cast<int32_t>(g);
      func.setKnownGridSizeAttr(b.getDenseI32ArrayAttr(known));
    }

    IRMapping map;
    Block &entry = func.getBody().front();
    for (auto [from, to] :
         llvm::zip(kernel.getBody().getArguments(), entry.getArguments()))
      map.map(from, to);
    b.setInsertionPointToStart(&entry);
    // Uniform code before the launch (constants, index math).
    for (Operation &op : kernel.getBody().front().without_terminator()) {
      if (&op == launch.getOperation())
        break;
      b.clone(op, map);
    }
    std::string chipName = targetChip(module);
    FailureOr<KernelLowering> lowering = buildLowering(
        kernel, launch, func, map, chipName,
        ConvertTLToGPUOptions{chip, mma, wgmmaInFlight, tma, warpSpecialize});
    if (failed(lowering))
      return failure();
    if (failed(lowering->run(b)))
      return failure();
    // The expansion counted this with the same plan under the default
    // options; other options, or a kernel that skipped the expansion, are
    // checked against the chip's limit here.
    if (const ChipInfo *info = lookupChip(chipName);
        info && lowering->sharedBytes() > info->maxSharedBytesPerBlock)
      return launch.emitError()
             << "needs " << lowering->sharedBytes()
             << " bytes of shared memory as lowered (tiles, pipeline "
                "barriers, reduction scratch); "
             << chipName << " allows " << info->maxSharedBytesPerBlock
             << ": use smaller tiles or fewer stages";
    func.setKnownBlockSizeAttr(b.getDenseI32ArrayAttr(
        {static_cast<int32_t>(lowering->launchThreads()), 1, 1}));
    func->setAttr("tl.launch_threads",
                  b.getI64IntegerAttr(lowering->launchThreads()));
    // A persistent kernel's launch is as many blocks as the GPU runs at
    // once, decided by the runtime: the grid is its tiles.
    if (lowering->isPersistent()) {
      func->removeAttr(func.getKnownGridSizeAttrName());
      func->setAttr("tl.persistent", b.getUnitAttr());
    }
    // What the runtime encodes the tensor-map parameters from.
    SmallVector<Attribute> maps;
    for (const cuda::TmaMap &m : lowering->tensorMaps())
      maps.push_back(b.getDictionaryAttr(
          {b.getNamedAttr("arg", b.getI64IntegerAttr(m.arg)),
           b.getNamedAttr("box", b.getDenseI64ArrayAttr(m.box)),
           b.getNamedAttr("swizzle", b.getI64IntegerAttr(m.swizzleBytes))}));
    if (!maps.empty())
      func->setAttr("tl.tensor_maps", b.getArrayAttr(maps));
    gpu::ReturnOp::create(b, kernel.getLoc());
    func->setAttr("tl.shared_memory_bytes",
                  b.getI64IntegerAttr(lowering->sharedBytes()));
    kernel.erase();
    return success();
  }
};

} // namespace

std::optional<int64_t>
mlir::tl::plannedSharedMemory(FuncOp kernel, StringRef chip,
                              const ConvertTLToGPUOptions &options) {
  SmallVector<KernelOp> launches;
  kernel.walk([&](KernelOp k) { launches.push_back(k); });
  if (launches.size() != 1 || !constantOf(launches[0].getThreads()))
    return std::nullopt;
  // What the lowering cannot do it reports when it runs, not here; its
  // analysis assumes a verified kernel (a config's values may not be).
  CapturedDiagnostics quiet(kernel.getContext());
  if (failed(mlir::verify(kernel)))
    return std::nullopt;
  IRMapping map;
  FailureOr<KernelLowering> lowering =
      buildLowering(kernel, launches[0], gpu::GPUFuncOp(), map, chip, options);
  if (failed(lowering) || failed(lowering->plan()))
    return std::nullopt;
  return lowering->sharedBytes();
}

namespace {
/// The resource model's shared memory, from the lowering's own plan.
struct GpuSharedMemoryModel : public SharedMemoryModelInterface {
  using SharedMemoryModelInterface::SharedMemoryModelInterface;
  std::optional<int64_t> sharedMemoryBytes(FuncOp kernel,
                                           const ChipInfo &chip) const final {
    return plannedSharedMemory(kernel, chip.name, ConvertTLToGPUOptions());
  }
};
} // namespace

void mlir::tl::registerGpuSharedMemoryModel(DialectRegistry &registry) {
  registry.addExtension(+[](MLIRContext *, TLDialect *dialect) {
    dialect->addInterfaces<GpuSharedMemoryModel>();
  });
}
