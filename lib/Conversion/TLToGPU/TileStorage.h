//===- TileStorage.h - Where the CUDA lowering keeps tiles ------*- C++ -*-===//
//
// Private to lib/Conversion/TLToGPU: the records of the lowering's plan
// for one tl.kernel (shared tiles and their swizzle, accumulator layouts of
// mma.sync, wgmma and MFMA, TMA maps, pipelines and stores, fragments) and
// the layout choices that need no lowering state.
//
//===----------------------------------------------------------------------===//

#ifndef TL_LIB_CONVERSION_TLTOGPU_TILESTORAGE_H
#define TL_LIB_CONVERSION_TLTOGPU_TILESTORAGE_H

#include "tl/Dialect/TL/IR/TLOps.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Value.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>

namespace mlir::tl::cuda {

/// Shared memory: the gpu dialect's workgroup address space.
inline Attribute workgroupSpace(MLIRContext *ctx) {
  return gpu::AddressSpaceAttr::get(ctx, gpu::AddressSpace::Workgroup);
}

/// The largest fragment replicated in every thread (its elements are
/// registers or local memory of each thread).
constexpr int64_t kMaxReplicated = 256;

/// A shared tile: a view of dynamic shared memory, [stages x] shape.
struct SharedTile {
  MemRefType logical;
  int64_t stages = 1;
  int64_t offset = 0; // bytes into dynamic shared memory
  Value view;
  /// 0: none; 1: chunk ^ (row % 8); 2: chunk ^ ((row / 2) % 4).
  int swizzle = 0;
  int64_t chunkElems = 1;
  /// A wgmma operand: the R x C tile is stored as C / atomCols column blocks
  /// of R x atomCols elements, each row of a block one swizzle atom of
  /// atomCols * element bytes (128, 64 or 32 B) with its 16-byte chunks
  /// XOR-ed by the row the way the hardware's 128B/64B/32B swizzle does.
  /// 0: not such a tile.
  int64_t atomCols = 0;
  int64_t elementBytes() const { return logical.getElementTypeBitWidth() / 8; }
  int64_t atomBytes() const { return atomCols * elementBytes(); }
  /// Bytes of one block of atom rows: rows x one atom.
  int64_t blockBytes() const { return logical.getDimSize(0) * atomBytes(); }
  int64_t stageBytes() const {
    return logical.getNumElements() * elementBytes();
  }
};

/// The accumulator layout of a tensor-core gemm's M x N fragment.
///
/// mma.sync: a warp grid wm x wn, each warp an (M/wm) x (N/wn) block of
/// m16n8 tiles. wgmma (sm_90a): a warpgroup grid wgM x wgN, each warpgroup
/// an (M/wgM) x (N/wgN) block of m64nN instructions, N = N/wgN; warp w of a
/// warpgroup owns rows 16w .. 16w+15 of every 64-row instruction. Either
/// way a warp's 16-row, 8-column tile is the m16n8 accumulator layout, and a
/// thread's registers are ordered (row tile, column tile, row half, pair).
///
/// MFMA (AMD): a wavefront grid wm x wn, each wavefront an (M/wm) x (N/wn)
/// block of 16x16 tiles (v_mfma_f32_16x16x16): lane l holds rows
/// 4 (l / 16) .. +3 of column l % 16 of each, its registers ordered (row
/// tile, column tile, row).
struct MmaLayout {
  int64_t m = 0, n = 0, wm = 1, wn = 1;
  bool wgmma = false;
  bool mfma = false;
  int64_t wgM = 1, wgN = 1;
  int64_t warpM() const { return m / wm; }
  int64_t warpN() const { return n / wn; }
  int64_t groupM() const { return m / wgM; }
  int64_t groupN() const { return n / wgN; }
  /// Row tiles of a thread: m16 tiles (mma.sync) or m64 instructions.
  int64_t tilesM() const { return wgmma ? groupM() / 64 : warpM() / 16; }
  int64_t tilesN() const {
    return wgmma ? groupN() / 8 : warpN() / (mfma ? 16 : 8);
  }
  /// Rows between a thread's consecutive row tiles.
  int64_t rowTileStride() const { return wgmma ? 64 : 16; }
};

/// The columns of one swizzle atom of a wgmma operand tile (see SharedTile):
/// 128 bytes of elements where the tile's rows are that wide, else 64 or 32.
int64_t wgmmaAtomCols(MemRefType tile);

/// Whether `gemm` multiplies f16 or bf16 tiles in shared memory into an f32
/// accumulator: what mma.sync, wgmma and MFMA take.
bool hasHalfOperandsInShared(GemmOp gemm);

/// The mma.sync layout of `gemm` (f16/bf16 operands in shared memory, f32
/// accumulator), if its shape suits m16n8k16 over `warps` warps.
std::optional<MmaLayout> tensorCoreLayout(GemmOp gemm, int64_t warps);

/// The wm x wn grid of `warps` warps over an m x n accumulator of tileM x
/// tileN tiles (each warp a whole number of them) whose warp tiles are the
/// closest to square, if any.
std::optional<MmaLayout> squarestWarpGrid(int64_t m, int64_t n, int64_t tileM,
                                          int64_t tileN, int64_t warps);

/// The MFMA layout of `gemm` (f16/bf16 operands in LDS, f32 accumulator),
/// if its shape suits 16x16x16 tiles over `waves` wavefronts.
std::optional<MmaLayout> mfmaLayout(GemmOp gemm, int64_t waves);

/// Whether two accumulator layouts place every element in the same thread
/// and register.
bool sameLayout(const MmaLayout &x, const MmaLayout &y);

/// Which tensor-core instructions tl.gemm may use (Mfma on AMD chips, the
/// others on NVIDIA ones; Auto picks what the chip has).
/// Simt: no tensor cores (FMAs with an f32 accumulator), as the device
/// reference is built.
enum class MmaKind { Auto, Wgmma, MmaSync, Mfma, Simt };

/// A TMA tensor map the kernel takes as a trailing __grid_constant__
/// parameter (Tma.cpp): the runtime encodes it at launch from the kernel
/// argument `arg` (kernel.json's "tensor_maps").
struct TmaMap {
  unsigned arg = 0;
  SmallVector<int64_t> box; // elements per dimension, outermost first
  int64_t swizzleBytes = 0; // 128, 64 or 32
};

/// A pipelined loop whose producer copies are TMA loads: one mbarrier a
/// stage, completed by the loads' transaction bytes.
struct TmaPipeline {
  int64_t barrierOffset = 0; // bytes into dynamic shared memory
  int64_t stageBytes = 0;    // transaction bytes of one stage's loads
  /// Warp-specialized: a producer warpgroup issues the loads, and a second
  /// mbarrier a stage (after the first `stages`) counts the consumer warps
  /// that are done reading it.
  bool specialized = false;
  /// Some load is multicast to the blocks of a cluster (tl.cluster): a
  /// stage is refilled once every block of the cluster is done with it.
  bool multicast = false;
};

/// A wgmma accumulator stored through shared memory and TMA (Epilogue.cpp):
/// each warpgroup stores its part in 64 x 64 subtiles (one m64 row tile,
/// 64 columns), staged in `buffers` subtiles of its own that it takes in
/// turn; `staging` is one subtile (its swizzle), the warpgroups' buffers
/// lie one after the other from its offset.
struct TmaStore {
  SharedTile staging;
  int64_t buffers = 1; // a warpgroup's
  unsigned map = 0;    // index into the kernel's tensor maps
};

struct Fragment {
  MemRefType logical;
  bool isMma = false;
  /// Every thread holds every element: for small 1-D fragments read at a
  /// row index inside a tl.parallel over another fragment (softmax's row
  /// max / sum). Written only where every thread computes every element.
  bool replicated = false;
  MmaLayout mma;
  int64_t slots = 0;
  Value regs; // memref<slots x T>, private
};

} // namespace mlir::tl::cuda

#endif // TL_LIB_CONVERSION_TLTOGPU_TILESTORAGE_H
