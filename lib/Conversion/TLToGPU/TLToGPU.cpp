//===- TLToGPU.cpp - Lower specialized tl kernels to gpu/nvgpu/nvvm -------===//
//
// tl-convert-to-gpu: every specialized tl.func becomes a gpu.func kernel in a
// gpu.module. See Passes.td for the contract; in short:
//
//  - shared tiles are views of dynamic shared memory, multi-buffered by the
//    stages of the tl.pipelined loop that fills them, 16-bit 2-D tiles
//    XOR-swizzled at 16-byte granularity (conflict-free ldmatrix/cp.async);
//  - fragments are per-thread register arrays with a layout: the mma.sync
//    accumulator layout for the C of a tensor-core gemm, otherwise element e
//    owned by thread e % threads;
//  - global -> shared copies are 16-byte cp.async with src-size zero fill at
//    the edges; tl.pipelined with num_stages = S keeps S-1 stages in flight;
//  - tl.gemm on f16/bf16 runs ldmatrix + mma.sync.m16n8k16 per warp, other
//    types on SIMT FMAs.
//
// The lowering needs whole-kernel facts (layouts, shared memory offsets,
// which copies a pipelined loop prefetches), so it is a structured walk over
// the kernel body rather than independent rewrite patterns.
//
//===----------------------------------------------------------------------===//

#include "KernelLowering.h"

#include "tl/Conversion/Passes.h"

#include "tl/Conversion/LoweringUtils.h"
#include "tl/Dialect/TL/IR/TLOps.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"

#include <functional>

namespace mlir::tl {
#define GEN_PASS_DEF_CONVERTTLTOGPU
#include "tl/Conversion/Passes.h.inc"
} // namespace mlir::tl

using namespace mlir;
using namespace mlir::tl;

namespace mlir::tl::cuda {

/// Tensor-core gemm: f16/bf16 inputs from shared, f32 accumulator, A not
/// transposed, shapes multiples of m16n8k16 that the warps can share.
std::optional<MmaLayout> tensorCoreLayout(GemmOp gemm, int64_t warps) {
  auto a = cast<MemRefType>(gemm.getA().getType());
  auto bT = cast<MemRefType>(gemm.getB().getType());
  auto c = cast<MemRefType>(gemm.getC().getType());
  Type ab = a.getElementType();
  if (!(ab.isF16() || ab.isBF16()) || !c.getElementType().isF32() ||
      gemm.getTransposeA() || getMemorySpace(a) != MemorySpace::Shared ||
      getMemorySpace(bT) != MemorySpace::Shared)
    return std::nullopt;
  int64_t m = c.getDimSize(0), n = c.getDimSize(1), k = a.getDimSize(1);
  if (m % 16 || n % 8 || k % 16)
    return std::nullopt;
  // The warp grid closest to square warp tiles.
  std::optional<MmaLayout> best;
  double bestScore = 1e30;
  for (int64_t wm = 1; wm <= warps; ++wm) {
    if (warps % wm)
      continue;
    int64_t wn = warps / wm;
    if ((m / 16) % wm || (n / 8) % wn)
      continue;
    double ratio = double(m / wm) / double(n / wn);
    double score = std::abs(std::log(ratio));
    if (score < bestScore) {
      bestScore = score;
      best = MmaLayout{m, n, wm, wn};
    }
  }
  return best;
}

bool sameLayout(const MmaLayout &x, const MmaLayout &y) {
  return x.m == y.m && x.n == y.n && x.wgmma == y.wgmma &&
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

LogicalResult KernelLowering::analyze() {
  int64_t warps = std::max<int64_t>(threads / 32, 1);
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
  launch.walk([&](GemmOp gemm) {
    if (threads % 32)
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
      if (!copy || copy.getDest() != alloc.getBuffer() || !isAsyncCopy(copy))
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
  launch.walk([&](ReduceOp reduce) {
    auto src = cast<MemRefType>(reduce.getSource().getType());
    if (getMemorySpace(src) == MemorySpace::Fragment)
      reduceScratch[reduce] =
          reserve(src.getNumElements() * src.getElementTypeBitWidth() / 8);
  });
  sharedTotal = llvm::alignTo(offset, 128);
  return success();
}

bool KernelLowering::isAsyncCopy(CopyOp copy) {
  auto src = cast<MemRefType>(copy.getSource().getType());
  auto dst = cast<MemRefType>(copy.getDest().getType());
  if (getMemorySpace(src) != MemorySpace::Global ||
      getMemorySpace(dst) != MemorySpace::Shared ||
      copy.getSourceOffsets().empty() || !copy.getDestOffsets().empty())
    return false;
  if (src.getElementType() != dst.getElementType() || dst.getRank() != 2 ||
      !src.hasStaticShape())
    return false;
  unsigned bits = dst.getElementTypeBitWidth();
  if (bits != 16 && bits != 32)
    return false;
  int64_t ce = 128 / bits;
  int64_t inner = src.getDimSize(src.getRank() - 1);
  return dst.getDimSize(1) % ce == 0 && inner % ce == 0 &&
         isKnownMultiple(copy.getSourceOffsets().back(), ce);
}

SmallVector<Value> KernelLowering::sharedIndices(OpBuilder &b, Location l,
                                                 Value tile,
                                                 ValueRange coords) {
  SharedTile &t = shared[tile];
  SmallVector<Value> idx;
  if (t.stages > 1) {
    Value stage = currentStage.lookup(tile);
    idx.push_back(stage ? stage : cIdx(b, l, 0));
  }
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

void KernelLowering::forEachOwned(
    OpBuilder &b, Location l, Fragment &f,
    function_ref<void(OpBuilder &, int64_t, ValueRange)> fn) {
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
      Value group = arith::DivUIOp::create(b, l, warp, cIdx(b, l, 4));
      Value gm = arith::DivUIOp::create(b, l, group, cIdx(b, l, m.wgN));
      Value gn = arith::RemUIOp::create(b, l, group, cIdx(b, l, m.wgN));
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

LogicalResult KernelLowering::run(OpBuilder &b) {
  if (failed(analyze()))
    return failure();
  Location l = launch.getLoc();
  tid = gpu::ThreadIdOp::create(b, l, gpu::Dimension::x);
  lane = arith::RemUIOp::create(b, l, tid, cIdx(b, l, 32));
  warp = arith::DivUIOp::create(b, l, tid, cIdx(b, l, 32));
  // Block indices.
  gpu::Dimension dims[] = {gpu::Dimension::x, gpu::Dimension::y,
                           gpu::Dimension::z};
  for (auto [i, arg] : llvm::enumerate(launch.getBlockIndices()))
    map.map(arg, gpu::BlockIdOp::create(b, l, dims[i]));

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
  return lowerBlock(launch.getBody().front(), b);
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
  if (isa<AllocSharedOp, AllocFragmentOp>(op))
    return success(); // storage was created up front
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

LogicalResult KernelLowering::lowerCopy(CopyOp op, OpBuilder &b, Value stage,
                                        Value predicate) {
  Location l = op.getLoc();
  Value src = op.getSource(), dst = op.getDest();
  auto srcType = cast<MemRefType>(src.getType());
  auto dstType = cast<MemRefType>(dst.getType());
  Type dstElem = dstType.getElementType();
  bool srcIndexed = !op.getSourceOffsets().empty();
  bool dstIndexed = !op.getDestOffsets().empty();
  SmallVector<Value> offsets;
  for (Value v : srcIndexed ? op.getSourceOffsets() : op.getDestOffsets())
    offsets.push_back(map.lookupOrDefault(v));
  Value tile = op.getTile();
  ArrayRef<int64_t> tileShape = cast<MemRefType>(tile.getType()).getShape();
  Value indexed = srcIndexed ? src : dstIndexed ? dst : Value();
  MemRefType indexedType =
      indexed ? cast<MemRefType>(indexed.getType()) : MemRefType();
  int64_t lead = indexed ? indexedType.getRank() - tileShape.size() : 0;

  // Indices into the indexed buffer, and whether they are in bounds.
  auto indexedAt = [&](OpBuilder &bb, ValueRange coords,
                       Value &inBounds) -> SmallVector<Value> {
    SmallVector<Value> idx;
    inBounds = Value();
    for (int64_t d = 0; d < indexedType.getRank(); ++d) {
      Value i =
          d < lead ? offsets[d] : add(bb, l, offsets[d], coords[d - lead]);
      idx.push_back(i);
      if (getMemorySpace(indexedType) == MemorySpace::Global)
        inBounds = andV(bb, l, inBounds,
                        ult(bb, l, i, cIdx(bb, l, indexedType.getDimSize(d))));
    }
    return idx;
  };

  // global -> shared, 16 bytes at a time with cp.async.
  if (isAsyncCopy(op)) {
    SharedTile &t = shared[dst];
    unsigned bits = dstType.getElementTypeBitWidth();
    int64_t ce = 128 / bits;
    int64_t rows = dstType.getDimSize(0), cols = dstType.getDimSize(1);
    int64_t chunksPerRow = cols / ce, chunks = rows * chunksPerRow;
    if (!stage)
      barrier(b, l); // the tile may still be read
    Value savedStage = currentStage.lookup(dst);
    if (stage)
      currentStage[dst] = stage;
    // Issues every chunk of the tile; `checked` adds the edge handling
    // (zero fill past the end, a clamped address for chunks that read
    // nothing, the pipeline's predicate).
    auto issueAll = [&](OpBuilder &ob, bool checked) {
      for (int64_t it = 0; it * threads < chunks; ++it) {
        Value idx = add(ob, l, tid, it * threads);
        auto body = [&](OpBuilder &bb) {
          // When whole rows go round, iteration `it` is iteration 0 shifted
          // by a constant number of rows: written so, the addresses of all
          // iterations share one base and differ by immediates.
          Value row, chunk, row0;
          int64_t rowShift = 0;
          if (threads % chunksPerRow == 0) {
            rowShift = it * (threads / chunksPerRow);
            row0 =
                arith::DivUIOp::create(bb, l, tid, cIdx(bb, l, chunksPerRow));
            row = add(bb, l, row0, rowShift);
            chunk =
                arith::RemUIOp::create(bb, l, tid, cIdx(bb, l, chunksPerRow));
          } else {
            row = arith::DivUIOp::create(bb, l, idx, cIdx(bb, l, chunksPerRow));
            chunk =
                arith::RemUIOp::create(bb, l, idx, cIdx(bb, l, chunksPerRow));
          }
          Value col = mul(bb, l, chunk, cIdx(bb, l, ce));
          Value inBounds;
          SmallVector<Value> gidx =
              indexedAt(bb, ValueRange{row, col}, inBounds);
          Value valid;
          if (checked) {
            // Elements of this chunk inside the row: clamp(dim - col, 0, ce).
            int64_t inner = indexedType.getDimSize(indexedType.getRank() - 1);
            Value left = arith::SubIOp::create(
                bb, l, cIdx(bb, l, inner),
                arith::MinUIOp::create(bb, l, gidx.back(), cIdx(bb, l, inner)));
            valid = arith::MinUIOp::create(bb, l, left, cIdx(bb, l, ce));
            // Rows (and leading dims) past the end read nothing.
            Value rowsOk;
            for (int64_t d = 0; d + 1 < indexedType.getRank(); ++d)
              rowsOk = andV(
                  bb, l, rowsOk,
                  ult(bb, l, gidx[d], cIdx(bb, l, indexedType.getDimSize(d))));
            Value ok = andV(bb, l, rowsOk, predicate);
            if (ok)
              valid = arith::SelectOp::create(bb, l, ok, valid, cIdx(bb, l, 0));
            // A chunk that reads nothing still needs a valid address.
            Value any = arith::CmpIOp::create(bb, l, arith::CmpIPredicate::ne,
                                              valid, cIdx(bb, l, 0));
            for (Value &g : gidx)
              g = arith::SelectOp::create(bb, l, any, g, cIdx(bb, l, 0));
          }
          // The swizzle repeats every 8 rows: a shift by a multiple of 8
          // rows is a shift of the address.
          SmallVector<Value> sidx;
          if (row0 && rowShift % 8 == 0) {
            sidx = sharedIndices(bb, l, dst, ValueRange{row0, col});
            Value &r = sidx[sidx.size() - 2];
            r = add(bb, l, r, rowShift);
          } else {
            sidx = sharedIndices(bb, l, dst, ValueRange{row, col});
          }
          nvgpu::DeviceAsyncCopyOp::create(
              bb, l, nvgpu::DeviceAsyncTokenType::get(bb.getContext()), t.view,
              sidx, map.lookupOrDefault(src), gidx, bb.getIndexAttr(ce), valid,
              bb.getUnitAttr());
        };
        if ((it + 1) * threads <= chunks) {
          body(ob);
        } else {
          auto guard =
              scf::IfOp::create(ob, l, ult(ob, l, idx, cIdx(ob, l, chunks)));
          OpBuilder tb = guard.getThenBodyBuilder();
          body(tb);
        }
      }
    };
    // The whole tile inside the tensor (and the pipeline's iteration in
    // range): the common case, without per-chunk edge arithmetic.
    Value fits = predicate;
    for (int64_t d = 0; d < indexedType.getRank(); ++d) {
      int64_t extent = d < lead ? 1 : dstType.getDimSize(d - lead);
      fits = andV(b, l, fits,
                  arith::CmpIOp::create(b, l, arith::CmpIPredicate::ule,
                                        add(b, l, offsets[d], extent),
                                        cIdx(b, l, indexedType.getDimSize(d))));
    }
    auto split = scf::IfOp::create(b, l, fits, /*withElseRegion=*/true);
    {
      OpBuilder tb = split.getThenBodyBuilder();
      issueAll(tb, /*checked=*/false);
      OpBuilder eb = split.getElseBodyBuilder();
      issueAll(eb, /*checked=*/true);
    }
    if (stage) {
      currentStage[dst] = savedStage;
    } else {
      NVVM::CpAsyncCommitGroupOp::create(b, l);
      NVVM::CpAsyncWaitGroupOp::create(b, l, 0);
      barrier(b, l);
    }
    return success();
  }

  // Element by element. Loads from the source (zero past the end of a
  // global tensor), converts, stores (nothing past the end).
  auto loadSrc = [&](OpBuilder &bb, ValueRange coords,
                     std::optional<int64_t> slot) -> Value {
    Type srcElem = srcType.getElementType();
    if (fragments.count(src))
      return slotLoad(bb, l, fragments[src], *slot);
    if (!srcIndexed)
      return loadShared(bb, l, src, coords);
    Value inBounds;
    SmallVector<Value> idx = indexedAt(bb, coords, inBounds);
    if (shared.count(src))
      return loadShared(bb, l, src, idx);
    Value global = map.lookupOrDefault(src);
    auto read = scf::IfOp::create(bb, l, TypeRange{srcElem}, inBounds, true);
    OpBuilder tb = read.getThenBodyBuilder();
    scf::YieldOp::create(
        tb, l, ValueRange{memref::LoadOp::create(tb, l, global, idx)});
    OpBuilder eb = read.getElseBodyBuilder();
    scf::YieldOp::create(eb, l, ValueRange{zeroOf(eb, l, srcElem)});
    return read.getResult(0);
  };
  auto storeDst = [&](OpBuilder &bb, Value v, ValueRange coords,
                      std::optional<int64_t> slot) {
    v = convertElementType(bb, l, v, dstElem);
    if (fragments.count(dst))
      return slotStore(bb, l, v, fragments[dst], *slot);
    if (!dstIndexed)
      return storeShared(bb, l, v, dst, coords);
    Value inBounds;
    SmallVector<Value> idx = indexedAt(bb, coords, inBounds);
    if (shared.count(dst))
      return storeShared(bb, l, v, dst, idx);
    auto write = scf::IfOp::create(bb, l, inBounds);
    OpBuilder tb = write.getThenBodyBuilder();
    memref::StoreOp::create(tb, l, v, map.lookupOrDefault(dst), idx);
  };

  bool writesShared = shared.count(dst) != 0;
  if (writesShared)
    barrier(b, l);
  Value owner = fragments.count(tile) ? tile : Value();
  if (!owner && fragments.count(src) && fragments.count(dst))
    owner = dst;
  if (owner) {
    Fragment &f = fragments[owner];
    if (fragments.count(src) && fragments.count(dst)) {
      Fragment &other = fragments[owner == src ? dst : src];
      if (other.isMma != f.isMma || other.slots != f.slots ||
          (f.isMma && !sameLayout(other.mma, f.mma)))
        return op.emitError() << "copies between fragments of different "
                                 "layouts; stage the tile through shared "
                                 "memory";
    }
    if ((srcIndexed && fragments.count(src)) ||
        (dstIndexed && fragments.count(dst)))
      return op.emitError() << "indexes a fragment; index the global or "
                               "shared side";
    auto elementwise = [&](OpBuilder &bb) {
      forEachOwned(bb, l, f,
                   [&](OpBuilder &eb, int64_t slot, ValueRange coords) {
                     storeDst(eb, loadSrc(eb, coords, slot), coords, slot);
                   });
    };
    // An mma accumulator written out to global memory: each thread owns
    // pairs of neighbouring elements, stored as one vector when the whole
    // tile is inside the tensor and the pairs are aligned; element by
    // element with bounds checks otherwise.
    bool pairs = f.isMma && src == owner && dstIndexed && !shared.count(dst) &&
                 lead == 0 && indexedType.getRank() == 2 &&
                 indexedType.hasStaticShape() &&
                 indexedType.getDimSize(1) % 2 == 0;
    if (!pairs) {
      elementwise(b);
    } else {
      Value even = arith::CmpIOp::create(
          b, l, arith::CmpIPredicate::eq,
          arith::AndIOp::create(b, l, offsets[1], cIdx(b, l, 1)),
          cIdx(b, l, 0));
      Value fits = even;
      for (int64_t d = 0; d < 2; ++d)
        fits =
            andV(b, l, fits,
                 arith::CmpIOp::create(b, l, arith::CmpIPredicate::ule,
                                       add(b, l, offsets[d], tileShape[d]),
                                       cIdx(b, l, indexedType.getDimSize(d))));
      auto split = scf::IfOp::create(b, l, fits, /*withElseRegion=*/true);
      OpBuilder tb = split.getThenBodyBuilder();
      auto pairType = VectorType::get({2}, dstElem);
      int64_t align = 2 * dstType.getElementTypeBitWidth() / 8;
      forEachOwned(tb, l, f, [&](OpBuilder &bb, int64_t slot, ValueRange c) {
        if (slot % 2)
          return; // stored with its even neighbour
        Value lo = convertElementType(bb, l, slotLoad(bb, l, f, slot), dstElem);
        Value hi =
            convertElementType(bb, l, slotLoad(bb, l, f, slot + 1), dstElem);
        Value v =
            vector::FromElementsOp::create(bb, l, pairType, ValueRange{lo, hi});
        vector::StoreOp::create(bb, l, v, map.lookupOrDefault(dst),
                                ValueRange{add(bb, l, offsets[0], c[0]),
                                           add(bb, l, offsets[1], c[1])},
                                /*nontemporal=*/false, llvm::MaybeAlign(align));
      });
      OpBuilder eb = split.getElseBodyBuilder();
      elementwise(eb);
    }
  } else {
    forEachCooperative(b, l, tileShape, [&](OpBuilder &bb, ValueRange coords) {
      storeDst(bb, loadSrc(bb, coords, std::nullopt), coords, std::nullopt);
    });
  }
  if (writesShared)
    barrier(b, l);
  return success();
}

LogicalResult KernelLowering::lowerGemm(GemmOp op, OpBuilder &b) {
  Location l = op.getLoc();
  Value a = op.getA(), bm = op.getB(), c = op.getC();
  if (!fragments.count(c))
    return op.emitError() << "accumulates into a tile the CUDA lowering did "
                             "not allocate";
  Fragment &acc = fragments[c];
  Type accType = acc.logical.getElementType();
  if (op.getClearAccum())
    forEachOwned(b, l, acc, [&](OpBuilder &bb, int64_t slot, ValueRange) {
      slotStore(bb, l, zeroOf(bb, l, accType), acc, slot);
    });
  auto aType = cast<MemRefType>(a.getType());
  int64_t k = aType.getDimSize(op.getTransposeA() ? 0 : 1);

  if (acc.isMma && acc.mma.wgmma)
    return lowerWgmma(op, b);
  if (acc.isMma) {
    const MmaLayout &m = acc.mma;
    Type ab = aType.getElementType();
    bool bf16 = ab.isBF16();
    MLIRContext *ctx = b.getContext();
    Value wr = arith::DivUIOp::create(b, l, warp, cIdx(b, l, m.wn));
    Value wc = arith::RemUIOp::create(b, l, warp, cIdx(b, l, m.wn));
    Value rowBase = mul(b, l, wr, cIdx(b, l, m.warpM()));
    Value colBase = mul(b, l, wc, cIdx(b, l, m.warpN()));
    Value lane16 = arith::RemUIOp::create(b, l, lane, cIdx(b, l, 16));
    Value laneHi = mul(b, l, arith::DivUIOp::create(b, l, lane, cIdx(b, l, 16)),
                       cIdx(b, l, 8));
    Value lane8 = arith::RemUIOp::create(b, l, lane, cIdx(b, l, 8));
    Value laneK =
        mul(b, l,
            arith::RemUIOp::create(
                b, l, arith::DivUIOp::create(b, l, lane, cIdx(b, l, 8)),
                cIdx(b, l, 2)),
            cIdx(b, l, 8));
    // A 2-element b16 vector as the operand nvvm.mma.sync wants.
    auto operand = [&](OpBuilder &bb, Value v2) -> Value {
      if (!bf16)
        return v2;
      Value asI32 = vector::BitCastOp::create(
          bb, l, VectorType::get({1}, bb.getI32Type()), v2);
      return vector::ExtractOp::create(bb, l, asI32, ArrayRef<int64_t>{0});
    };
    auto mmaType = NVVM::MMATypesAttr::get(ctx, bf16 ? NVVM::MMATypes::bf16
                                                     : NVVM::MMATypes::f16);
    auto f32 = b.getF32Type();
    auto resultType =
        LLVM::LLVMStructType::getLiteral(ctx, {f32, f32, f32, f32});
    for (int64_t kk = 0; kk < k; kk += 16) {
      SmallVector<SmallVector<Value>> aFrags, bFrags;
      for (int64_t mi = 0; mi < m.tilesM(); ++mi) {
        Value row = add(b, l, add(b, l, rowBase, mi * 16), lane16);
        Value col = add(b, l, laneHi, kk);
        SmallVector<Value> idx = sharedIndices(b, l, a, ValueRange{row, col});
        Value v = nvgpu::LdMatrixOp::create(
            b, l, VectorType::get({4, 2}, ab), shared[a].view, idx,
            /*transpose=*/false, /*numTiles=*/4);
        SmallVector<Value> regs;
        for (int64_t r = 0; r < 4; ++r)
          regs.push_back(operand(
              b, vector::ExtractOp::create(b, l, v, ArrayRef<int64_t>{r})));
        aFrags.push_back(regs);
      }
      // B fragments, two n8 tiles per ldmatrix.x4 where the warp tile
      // has an even count (one per x2 otherwise).
      for (int64_t ni = 0; ni < m.tilesN();) {
        int64_t count = ni + 1 < m.tilesN() ? 2 : 1;
        Value n0 = add(b, l, colBase, ni * 8);
        SmallVector<Value> idx;
        Value v;
        auto type = VectorType::get({2 * count, 2}, ab);
        if (op.getTransposeB()) { // B is N x K: rows are n
          Value row = add(b, l, n0, lane8);
          if (count == 2)
            row = add(b, l, row, laneHi);
          idx = sharedIndices(b, l, bm, ValueRange{row, add(b, l, laneK, kk)});
          v = nvgpu::LdMatrixOp::create(b, l, type, shared[bm].view, idx, false,
                                        2 * count);
        } else { // B is K x N: rows are k, transposed load
          Value col = count == 2 ? add(b, l, n0, laneHi) : n0;
          idx = sharedIndices(b, l, bm, ValueRange{add(b, l, lane16, kk), col});
          v = nvgpu::LdMatrixOp::create(b, l, type, shared[bm].view, idx, true,
                                        2 * count);
        }
        for (int64_t t = 0; t < count; ++t) {
          SmallVector<Value> regs;
          for (int64_t r = 0; r < 2; ++r)
            regs.push_back(
                operand(b, vector::ExtractOp::create(
                               b, l, v, ArrayRef<int64_t>{2 * t + r})));
          bFrags.push_back(regs);
        }
        ni += count;
      }
      for (int64_t mi = 0; mi < m.tilesM(); ++mi)
        for (int64_t ni = 0; ni < m.tilesN(); ++ni) {
          int64_t base = (mi * m.tilesN() + ni) * 4;
          SmallVector<Value> cs;
          for (int64_t r = 0; r < 4; ++r)
            cs.push_back(slotLoad(b, l, acc, base + r));
          auto mma = NVVM::MmaOp::create(
              b, l, resultType, aFrags[mi], bFrags[ni], cs,
              ArrayRef<int64_t>{16, 8, 16},
              /*b1Op=*/std::nullopt, /*intOverflow=*/std::nullopt,
              std::array<NVVM::MMATypes, 2>{mmaType.getValue(),
                                            mmaType.getValue()},
              std::array<NVVM::MMALayout, 2>{NVVM::MMALayout::row,
                                             NVVM::MMALayout::col});
          for (int64_t r = 0; r < 4; ++r)
            slotStore(b, l,
                      LLVM::ExtractValueOp::create(b, l, mma.getResult(),
                                                   ArrayRef<int64_t>{r}),
                      acc, base + r);
        }
    }
    return success();
  }

  // SIMT: every owned element of C is a dot product over k.
  auto operandAt = [&](OpBuilder &bb, Value tile, Value r, Value col) {
    return loadShared(bb, l, tile, ValueRange{r, col});
  };
  if (!shared.count(a) || !shared.count(bm))
    return op.emitError() << "has an operand in fragment memory; the CUDA "
                             "lowering reads gemm operands from shared memory";
  forEachOwned(b, l, acc, [&](OpBuilder &bb, int64_t slot, ValueRange ij) {
    Value init = slotLoad(bb, l, acc, slot);
    auto loop = scf::ForOp::create(
        bb, l, cIdx(bb, l, 0), cIdx(bb, l, k), cIdx(bb, l, 1), ValueRange{init},
        [&](OpBuilder &fb, Location fl, Value kk, ValueRange iter) {
          Value av = op.getTransposeA() ? operandAt(fb, a, kk, ij[0])
                                        : operandAt(fb, a, ij[0], kk);
          Value bv = op.getTransposeB() ? operandAt(fb, bm, ij[1], kk)
                                        : operandAt(fb, bm, kk, ij[1]);
          av = convertElementType(fb, fl, av, accType);
          bv = convertElementType(fb, fl, bv, accType);
          Value r =
              isa<FloatType>(accType)
                  ? math::FmaOp::create(fb, fl, av, bv, iter[0]).getResult()
                  : arith::AddIOp::create(
                        fb, fl, arith::MulIOp::create(fb, fl, av, bv), iter[0])
                        .getResult();
          scf::YieldOp::create(fb, fl, r);
        });
    slotStore(bb, l, loop.getResult(0), acc, slot);
  });
  return success();
}

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

LogicalResult KernelLowering::lowerPipelined(PipelinedOp op, OpBuilder &b) {
  Location l = op.getLoc();
  Value lb = map.lookupOrDefault(op.getLower());
  Value ub = map.lookupOrDefault(op.getUpper());
  int64_t stages = constantOf(map.lookupOrDefault(op.getNumStages()))
                       .value_or(constantOf(op.getNumStages()).value_or(1));
  // Producers: async copies into shared tiles multi-buffered for this loop.
  SmallVector<CopyOp> producers;
  for (Operation &inner : op.getBody().front())
    if (auto copy = dyn_cast<CopyOp>(&inner))
      if (isAsyncCopy(copy) && shared[copy.getDest()].stages == stages &&
          stages > 1)
        producers.push_back(copy);

  Block &body = op.getBody().front();
  Value iv = op.getInductionVar();
  // A wgmma gemm alone on its accumulator in this loop keeps one group in
  // flight: iteration k computes, then waits for k-1's group only, and
  // only then refills the stage k-1 read (after a barrier when several
  // warpgroups read it), so the tensor cores run through the refill and
  // into the next iteration's wait.
  GemmOp inFlight = wgmmaInFlightOption && stages >= 2 && !producers.empty()
                        ? inFlightWgmma(body)
                        : GemmOp();
  int64_t ahead = stages - 1;
  if (producers.empty()) {
    auto loop = scf::ForOp::create(b, l, lb, ub, cIdx(b, l, 1));
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPoint(loop.getBody()->getTerminator());
    map.map(iv, loop.getInductionVar());
    if (failed(lowerBlock(body, b)))
      return failure();
    barrier(b, l);
    return success();
  }

  // Issues the producers of iteration `k` into `stage`, reading nothing
  // when k >= ub.
  auto issue = [&](OpBuilder &bb, Value k, Value stage) -> LogicalResult {
    map.map(iv, k);
    for (Operation &inner : body.without_terminator())
      if (!isa<TLDialect>(inner.getDialect()) && isMemoryEffectFree(&inner) &&
          inner.getNumRegions() == 0)
        bb.clone(inner, map);
    // Past a static end nothing is read; the (empty) group is still
    // committed so that the waits count the same.
    std::optional<int64_t> kc = constantOf(k), ubc = constantOf(ub);
    if (!kc || !ubc || *kc < *ubc) {
      Value inRange = ult(bb, l, k, ub);
      for (CopyOp copy : producers)
        if (failed(lowerCopy(copy, bb, stage, inRange)))
          return failure();
    }
    NVVM::CpAsyncCommitGroupOp::create(bb, l);
    return success();
  };
  // Stage (k + offset - lb) % stages, for a loop with dynamic bounds.
  auto stageOf = [&](OpBuilder &bb, Value k, int64_t offset) -> Value {
    return arith::RemUIOp::create(
        bb, l, arith::SubIOp::create(bb, l, add(bb, l, k, offset), lb),
        cIdx(bb, l, stages));
  };
  // One iteration: wait for stage `stage`, refill the stage computed on in
  // the previous iteration so its loads fly while this one computes, then
  // compute; with a wgmma group in flight, compute first and refill once
  // the previous iteration's group is done.
  auto iteration = [&](OpBuilder &bb, Value k, Value stage,
                       Value refill) -> LogicalResult {
    NVVM::CpAsyncWaitGroupOp::create(bb, l, ahead - 1);
    barrier(bb, l);
    if (!inFlight && failed(issue(bb, add(bb, l, k, ahead), refill)))
      return failure();
    for (CopyOp copy : producers)
      currentStage[copy.getDest()] = stage;
    wgmmaInFlight = inFlight;
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
    wgmmaInFlight = GemmOp();
    if (inFlight) {
      // wgmma.wait_group is per warpgroup: the others may still read.
      if (threads > 128)
        gpu::BarrierOp::create(bb, l);
      if (failed(issue(bb, add(bb, l, k, ahead), refill)))
        return failure();
    }
    return success();
  };

  // Prologue: `ahead` iterations in flight.
  for (int64_t s = 0; s < ahead; ++s)
    if (failed(issue(b, add(b, l, lb, s), cIdx(b, l, s))))
      return failure();

  // With static bounds the loop is unrolled by the stage count, so every
  // stage index (and the shared-memory offsets from it) is a constant; the
  // last trips % stages iterations follow unrolled too.
  std::optional<int64_t> lbConst = constantOf(lb), ubConst = constantOf(ub);
  if (lbConst && ubConst) {
    int64_t trips = std::max<int64_t>(*ubConst - *lbConst, 0);
    int64_t whole = trips / stages * stages;
    if (whole > 0) {
      auto loop = scf::ForOp::create(b, l, lb, cIdx(b, l, *lbConst + whole),
                                     cIdx(b, l, stages));
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPoint(loop.getBody()->getTerminator());
      for (int64_t j = 0; j < stages; ++j)
        if (failed(iteration(b, add(b, l, loop.getInductionVar(), j),
                             cIdx(b, l, j),
                             cIdx(b, l, (j + ahead) % stages))))
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
  NVVM::CpAsyncWaitGroupOp::create(b, l, 0);
  if (inFlight)
    drainWgmma(b, l, inFlight);
  barrier(b, l);
  return success();
}

} // namespace mlir::tl::cuda

//===----------------------------------------------------------------------===//
// The pass
//===----------------------------------------------------------------------===//

namespace {
using cuda::constantOf;
using cuda::KernelLowering;

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

  /// The pass option, overridden by the kernel's tl.mma attribute.
  FailureOr<cuda::MmaKind> chooseMmaKind(FuncOp kernel) {
    std::string choice = mma;
    Location at = kernel.getLoc();
    if (auto attr = kernel->getAttr("tl.mma")) {
      auto str = dyn_cast<StringAttr>(attr);
      if (!str)
        return kernel.emitError() << "tl.mma must be a string: \"auto\", "
                                     "\"wgmma\" or \"mma.sync\"";
      choice = str.str();
    }
    if (choice == "auto")
      return cuda::MmaKind::Auto;
    if (choice == "wgmma")
      return cuda::MmaKind::Wgmma;
    if (choice == "mma.sync")
      return cuda::MmaKind::MmaSync;
    return emitError(at) << "unknown tensor-core choice '" << choice
                         << "' for '" << kernel.getSymName()
                         << "'; use auto, wgmma or mma.sync";
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
             << "the CUDA target launches one tl.kernel per tl.func; '"
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
    FailureOr<cuda::MmaKind> mmaKind = chooseMmaKind(kernel);
    if (failed(mmaKind))
      return failure();
    KernelLowering lowering(launch, func, map, targetChip(module) == "sm_90a",
                            *mmaKind, wgmmaInFlight);
    if (failed(lowering.run(b)))
      return failure();
    gpu::ReturnOp::create(b, kernel.getLoc());
    func->setAttr("tl.shared_memory_bytes",
                  b.getI64IntegerAttr(lowering.sharedBytes()));
    kernel.erase();
    return success();
  }
};

} // namespace
