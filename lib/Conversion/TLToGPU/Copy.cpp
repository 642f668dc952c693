//===- Copy.cpp - tl.copy in the CUDA lowering ----------------------------===//
//
// Global -> shared tiles as 16-byte cp.async (zero fill at the edges, the
// pipeline's stage and predicate), every other copy element by element,
// and an mma accumulator written out in aligned pairs.
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

/// A global -> shared copy of a 2-D tile whose rows are whole 16-byte
/// chunks in both tensors (16- and 32-bit elements): the copies done 16
/// bytes at a time.
static bool isChunkedCopy(CopyOp copy) {
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

/// Calls `body(builder, it, idx)` for every chunk idx = tid + it * threads
/// below `chunks`; the last round is guarded where `threads` does not divide
/// `chunks`.
static void forEachChunk(OpBuilder &b, Location l, Value tid, int64_t threads,
                         int64_t chunks,
                         function_ref<void(OpBuilder &, int64_t, Value)> body) {
  for (int64_t it = 0; it * threads < chunks; ++it) {
    Value idx = add(b, l, tid, it * threads);
    if ((it + 1) * threads <= chunks) {
      body(b, it, idx);
      continue;
    }
    auto guard = scf::IfOp::create(b, l, ult(b, l, idx, cIdx(b, l, chunks)));
    OpBuilder tb = guard.getThenBodyBuilder();
    body(tb, it, idx);
  }
}

/// Whether the `tile` at `offsets` of `src` lies wholly inside it (and
/// `predicate`, if any, holds): the common case of a copy, without
/// per-element edge arithmetic.
static Value tileFits(OpBuilder &b, Location l, ArrayRef<Value> offsets,
                      MemRefType src, MemRefType tile, Value predicate) {
  Value fits = predicate;
  int64_t lead = src.getRank() - tile.getRank();
  for (int64_t d = 0; d < src.getRank(); ++d) {
    int64_t extent = d < lead ? 1 : tile.getDimSize(d - lead);
    fits = andV(b, l, fits,
                arith::CmpIOp::create(b, l, arith::CmpIPredicate::ule,
                                      add(b, l, offsets[d], extent),
                                      cIdx(b, l, src.getDimSize(d))));
  }
  return fits;
}

bool KernelLowering::isRegisterStaged(CopyOp copy) {
  if (isAsyncCopy(copy) || !isChunkedCopy(copy))
    return false;
  auto loop = dyn_cast<PipelinedOp>(copy->getParentOp());
  if (!loop || loop->getParentOfType<KernelOp>() != launch ||
      constantOf(loop.getNumStages()).value_or(1) < 2)
    return false;
  // One mechanism a loop: a loop with asynchronous copies stages those.
  Block &body = loop.getBody().front();
  for (Operation &inner : body)
    if (auto other = dyn_cast<CopyOp>(&inner); other && isAsyncCopy(other))
      return false;
  // The tile is filled first, and read only in the loop: nothing but the
  // loop's iterations sees which of the two buffers holds what.
  Value tile = copy.getDest();
  for (Operation *user : tile.getUsers()) {
    if (user == copy.getOperation())
      continue;
    Operation *top = body.findAncestorOpInBlock(*user);
    if (!top || top->isBeforeInBlock(copy))
      return false;
    if (auto other = dyn_cast<CopyOp>(user); other && other.getDest() == tile)
      return false;
  }
  return true;
}

/// The source indices of element (row, col) of `op`'s tile: the copy's
/// offsets (mapped), the tile's coordinates added to the last two.
static SmallVector<Value> sourceIndices(OpBuilder &b, Location l,
                                        ArrayRef<Value> offsets, Value row,
                                        Value col) {
  SmallVector<Value> idx(offsets.begin(), offsets.end());
  idx[idx.size() - 2] = add(b, l, idx[idx.size() - 2], row);
  idx.back() = add(b, l, idx.back(), col);
  return idx;
}

SmallVector<Value> KernelLowering::loadChunks(CopyOp op, OpBuilder &b,
                                              Value predicate) {
  Location l = op.getLoc();
  auto srcType = cast<MemRefType>(op.getSource().getType());
  auto dstType = cast<MemRefType>(op.getDest().getType());
  Type elem = dstType.getElementType();
  int64_t ce = 128 / dstType.getElementTypeBitWidth();
  int64_t chunksPerRow = dstType.getDimSize(1) / ce;
  int64_t chunks = dstType.getDimSize(0) * chunksPerRow;
  int64_t rounds = llvm::divideCeil(chunks, threads);
  auto chunkType = VectorType::get({ce}, elem);
  SmallVector<Type> types(rounds, chunkType);
  Value src = map.lookupOrDefault(op.getSource());
  SmallVector<Value> offsets;
  for (Value v : op.getSourceOffsets())
    offsets.push_back(map.lookupOrDefault(v));
  Value zero = arith::ConstantOp::create(
      b, l, chunkType, DenseElementsAttr::get(chunkType, b.getZeroAttr(elem)));

  // `read(builder, row, col)` for each of this thread's chunks, yielded;
  // zero for the chunks of the last round that do not exist (where the
  // threads do not divide the chunks).
  auto yieldChunks = [&](OpBuilder &bb,
                         function_ref<Value(OpBuilder &, Value, Value)> read) {
    SmallVector<Value> out;
    for (int64_t it = 0; it < rounds; ++it) {
      Value idx = add(bb, l, tid, it * threads);
      Value row = arith::DivUIOp::create(bb, l, idx, cIdx(bb, l, chunksPerRow));
      Value col = mul(
          bb, l, arith::RemUIOp::create(bb, l, idx, cIdx(bb, l, chunksPerRow)),
          cIdx(bb, l, ce));
      if ((it + 1) * threads <= chunks) {
        out.push_back(read(bb, row, col));
        continue;
      }
      auto exists = scf::IfOp::create(bb, l, TypeRange{chunkType},
                                      ult(bb, l, idx, cIdx(bb, l, chunks)),
                                      /*withElseRegion=*/true);
      OpBuilder tb = exists.getThenBodyBuilder();
      scf::YieldOp::create(tb, l, read(tb, row, col));
      OpBuilder eb = exists.getElseBodyBuilder();
      scf::YieldOp::create(eb, l, zero);
      out.push_back(exists.getResult(0));
    }
    scf::YieldOp::create(bb, l, out);
  };
  // One 16-byte load a chunk where the whole tile is inside the tensor,
  // else element by element, zero past the end.
  auto readTile = [&](OpBuilder &bb) {
    Value fits = tileFits(bb, l, offsets, srcType, dstType, Value());
    auto split = scf::IfOp::create(bb, l, types, fits, /*withElseRegion=*/true);
    OpBuilder tb = split.getThenBodyBuilder();
    yieldChunks(tb, [&](OpBuilder &rb, Value row, Value col) -> Value {
      return vector::LoadOp::create(
          rb, l, chunkType, src, sourceIndices(rb, l, offsets, row, col),
          /*nontemporal=*/false, llvm::MaybeAlign(16));
    });
    OpBuilder eb = split.getElseBodyBuilder();
    yieldChunks(eb, [&](OpBuilder &rb, Value row, Value col) -> Value {
      SmallVector<Value> elems;
      for (int64_t e = 0; e < ce; ++e) {
        SmallVector<Value> idx =
            sourceIndices(rb, l, offsets, row, add(rb, l, col, e));
        Value inBounds;
        for (auto [d, i] : llvm::enumerate(idx))
          inBounds = andV(rb, l, inBounds,
                          ult(rb, l, i, cIdx(rb, l, srcType.getDimSize(d))));
        elems.push_back(loadOrZero(rb, l, src, idx, inBounds));
      }
      return vector::FromElementsOp::create(rb, l, chunkType, elems);
    });
    return split.getResults();
  };
  if (!predicate)
    return SmallVector<Value>(readTile(b));
  // Nothing is read where the predicate is false (a pipeline's iteration
  // past the end).
  auto guard =
      scf::IfOp::create(b, l, types, predicate, /*withElseRegion=*/true);
  OpBuilder tb = guard.getThenBodyBuilder();
  scf::YieldOp::create(tb, l, readTile(tb));
  OpBuilder eb = guard.getElseBodyBuilder();
  scf::YieldOp::create(eb, l, SmallVector<Value>(rounds, zero));
  return SmallVector<Value>(guard.getResults());
}

void KernelLowering::storeChunks(CopyOp op, OpBuilder &b,
                                 ArrayRef<Value> chunks, Value stage) {
  Location l = op.getLoc();
  Value dst = op.getDest();
  auto dstType = cast<MemRefType>(dst.getType());
  int64_t ce = 128 / dstType.getElementTypeBitWidth();
  int64_t chunksPerRow = dstType.getDimSize(1) / ce;
  int64_t total = dstType.getDimSize(0) * chunksPerRow;
  Value saved = currentStage.lookup(dst);
  if (stage)
    currentStage[dst] = stage;
  forEachChunk(
      b, l, tid, threads, total, [&](OpBuilder &bb, int64_t it, Value idx) {
        Value row =
            arith::DivUIOp::create(bb, l, idx, cIdx(bb, l, chunksPerRow));
        Value col =
            mul(bb, l,
                arith::RemUIOp::create(bb, l, idx, cIdx(bb, l, chunksPerRow)),
                cIdx(bb, l, ce));
        vector::StoreOp::create(bb, l, chunks[it], shared[dst].view,
                                sharedIndices(bb, l, dst, ValueRange{row, col}),
                                /*nontemporal=*/false, llvm::MaybeAlign(16));
      });
  if (stage)
    currentStage[dst] = saved;
}

bool KernelLowering::isAsyncCopy(CopyOp copy) {
  // AMD has no cp.async: it loads into registers, then stores into LDS.
  return asyncCopyOption && isChunkedCopy(copy);
}

/// Indices into a copy's indexed buffer (of type `indexedType`, at
/// `offsets`; the tile maps to its trailing dimensions, `lead` before
/// them) of the tile's element `coords`, and in `inBounds` whether they are
/// inside a global tensor (null: no check).
static SmallVector<Value> indicesAt(OpBuilder &bb, Location l,
                                    ArrayRef<Value> offsets,
                                    MemRefType indexedType, int64_t lead,
                                    ValueRange coords, Value &inBounds) {
  SmallVector<Value> idx;
  inBounds = Value();
  for (int64_t d = 0; d < indexedType.getRank(); ++d) {
    Value i = d < lead ? offsets[d] : add(bb, l, offsets[d], coords[d - lead]);
    idx.push_back(i);
    if (getMemorySpace(indexedType) == MemorySpace::Global)
      inBounds = andV(bb, l, inBounds,
                      ult(bb, l, i, cIdx(bb, l, indexedType.getDimSize(d))));
  }
  return idx;
}

LogicalResult KernelLowering::lowerAsyncCopy(CopyOp op, OpBuilder &b,
                                             Value stage, Value predicate) {
  Location l = op.getLoc();
  Value src = op.getSource(), dst = op.getDest();
  auto dstType = cast<MemRefType>(dst.getType());
  SmallVector<Value> offsets;
  for (Value v : op.getSourceOffsets())
    offsets.push_back(map.lookupOrDefault(v));
  auto indexedType = cast<MemRefType>(src.getType());
  int64_t lead = indexedType.getRank() - dstType.getRank();
  auto indexedAt = [&](OpBuilder &bb, ValueRange coords, Value &inBounds) {
    return indicesAt(bb, l, offsets, indexedType, lead, coords, inBounds);
  };
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
    forEachChunk(
        ob, l, tid, threads, chunks, [&](OpBuilder &bb, int64_t it, Value idx) {
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
        });
  };
  auto split = scf::IfOp::create(
      b, l, tileFits(b, l, offsets, indexedType, dstType, predicate),
      /*withElseRegion=*/true);
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

LogicalResult KernelLowering::lowerCopy(CopyOp op, OpBuilder &b, Value stage,
                                        Value predicate) {
  if (tmaStores.count(op))
    return lowerTmaStore(op, b);
  // global -> shared, 16 bytes at a time with cp.async.
  if (isAsyncCopy(op))
    return lowerAsyncCopy(op, b, stage, predicate);
  Location l = op.getLoc();
  Value src = op.getSource(), dst = op.getDest();
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

  auto indexedAt = [&](OpBuilder &bb, ValueRange coords, Value &inBounds) {
    return indicesAt(bb, l, offsets, indexedType, lead, coords, inBounds);
  };

  // Element by element. Loads from the source (zero past the end of a
  // global tensor), converts, stores (nothing past the end).
  auto loadSrc = [&](OpBuilder &bb, ValueRange coords,
                     std::optional<int64_t> slot) -> Value {
    if (fragments.count(src))
      return slotLoad(bb, l, fragments[src], *slot);
    if (!srcIndexed)
      return loadShared(bb, l, src, coords);
    Value inBounds;
    SmallVector<Value> idx = indexedAt(bb, coords, inBounds);
    if (shared.count(src))
      return loadShared(bb, l, src, idx);
    return loadOrZero(bb, l, map.lookupOrDefault(src), idx, inBounds);
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

  // global -> shared through registers (AMD; NVIDIA with tl.async_copy =
  // false): 16-byte chunks loaded, then stored into the tile.
  if (!stage && !isAsyncCopy(op) && isChunkedCopy(op)) {
    SmallVector<Value> chunks = loadChunks(op, b, Value());
    storeChunks(op, b, chunks, Value());
    barrier(b, l);
    return success();
  }

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
    bool pairs = f.isMma && !f.mma.mfma && src == owner && dstIndexed &&
                 !shared.count(dst) && lead == 0 &&
                 indexedType.getRank() == 2 && indexedType.hasStaticShape() &&
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

} // namespace mlir::tl::cuda
