//===- ResourceModel.h - What a kernel needs, what a chip has --*- C++ -*-===//
//
// The resources a specialized kernel needs (shared memory, threads,
// registers), computed from its IR, and the limits and instruction shapes of
// the chips TileMLIR targets. Config expansion drops the configs that break
// a limit before anything is compiled.
//
//===----------------------------------------------------------------------===//

#ifndef TL_DIALECT_TL_TRANSFORMS_RESOURCEMODEL_H
#define TL_DIALECT_TL_TRANSFORMS_RESOURCEMODEL_H

#include "tl/Dialect/TL/IR/TLOps.h"

#include "mlir/IR/DialectInterface.h"

#include <algorithm>
#include <optional>
#include <string>

namespace mlir::tl {

enum class Vendor { NVIDIA, AMD, Host };

/// The limits of one chip, per thread block.
struct ChipInfo {
  llvm::StringLiteral name;
  Vendor vendor;
  /// Threads that execute in lockstep (warp / wavefront); 1 on the host.
  int64_t warpSize;
  int64_t maxThreadsPerBlock;
  /// Shared memory (LDS) one block may use, in bytes (opt-in maximum).
  int64_t maxSharedBytesPerBlock;
  /// 32-bit registers one thread may use; 0 when there is no such limit.
  int64_t maxRegistersPerThread;
  /// NVIDIA compute capability times ten (90 for sm_90); 0 elsewhere.
  int computeCapability;
};

/// The chip named `name` (`sm_80`, `sm_86`, `sm_89`, `sm_90`, `sm_90a`,
/// `gfx90a`, `gfx942`, `host`), or null.
const ChipInfo *lookupChip(StringRef name);

/// "sm_80, sm_86, ..." for diagnostics.
std::string knownChipNames();

/// Registers every thread needs besides its share of the fragments
/// (addresses, loop counters, gemm operands in flight): a fixed estimate.
constexpr int64_t kBaseRegistersPerThread = 32;

/// Whether the lowering for `chip` copies tiles into shared memory through
/// registers (AMD; NVIDIA in a kernel with `tl.async_copy = false`,
/// `asyncCopy`), not with cp.async or TMA.
inline bool copiesThroughRegisters(const ChipInfo &chip, bool asyncCopy) {
  return chip.vendor == Vendor::AMD ||
         (chip.vendor == Vendor::NVIDIA && !asyncCopy);
}

/// The buffers the lowering for `chip` gives a shared tile that a pipelined
/// loop of `stages` stages fills: one a stage on NVIDIA (cp.async or TMA
/// stages); on AMD, whose copies go through registers, at most two (the
/// next iteration's tile is loaded while this one computes, then stored
/// into the other buffer), as on NVIDIA in a kernel with `tl.async_copy =
/// false` (`asyncCopy`). (The host's loops have no stages, but its
/// "shared" tiles are plain memory: the model counts them as written, and
/// the expansion folds the host's stages to 1.)
int64_t sharedBuffers(const ChipInfo &chip, int64_t stages,
                      bool asyncCopy = true);

/// The 32-bit registers ptxas gives each thread of a block of
/// `launchThreads` (the 64K of an SM's file over them, in steps of 8, at
/// most 255): what a warp-specialized kernel's setmaxnreg redistributes.
inline int64_t registersPerLaunchThread(int64_t launchThreads) {
  return std::min<int64_t>(255, 65536 / launchThreads / 8 * 8);
}

/// What one `tl.kernel` launch needs.
struct KernelResources {
  /// Shared memory of the block: every shared tile, times the stages of the
  /// pipelined loop that fills it where the chip multi-buffers them, and on
  /// GPUs the scratch tile of each tl.reduce of a fragment.
  int64_t sharedBytes = 0;
  int64_t threads = 0;
  /// Bytes of fragment tiles of the block, before distribution over threads.
  int64_t fragmentBytes = 0;
  /// Estimated 32-bit registers per thread: the thread's share of the
  /// fragments (and, where tiles are copied through registers in a
  /// pipelined loop, of the tiles held for the next iteration) plus
  /// kBaseRegistersPerThread.
  int64_t registersPerThread = 0;
  SmallVector<int64_t, 3> grid;
};

/// A GPU lowering's account of the shared memory it allocates for a
/// specialized kernel (tiles and their stages, barriers, scratch and
/// staging tiles, alignment), attached to the tl dialect by the library
/// that lowers it (tl-convert-to-gpu: registerGpuSharedMemoryModel). Where
/// it is attached, the expansion counts a GPU kernel's shared memory with
/// it (countSharedMemoryAsLowered), so that it drops exactly the configs
/// the lowering could not fit; elsewhere (the dialect alone) the model
/// counts the tiles.
class SharedMemoryModelInterface
    : public DialectInterface::Base<SharedMemoryModelInterface> {
public:
  SharedMemoryModelInterface(Dialect *dialect) : Base(dialect) {}
  /// The bytes `kernel` uses on `chip`, or none where the lowering cannot
  /// tell (it would fail; the tiles are counted instead).
  virtual std::optional<int64_t>
  sharedMemoryBytes(FuncOp kernel, const ChipInfo &chip) const = 0;
};

/// The resources of `launch`, whose shapes, thread count and stage counts
/// must be static (a specialized kernel), lowered for `chip` (null: as for a
/// chip that multi-buffers).
KernelResources computeResources(KernelOp launch,
                                 const ChipInfo *chip = nullptr);

/// The largest need of each kind over every launch of `kernel`.
KernelResources computeResources(FuncOp kernel, const ChipInfo *chip = nullptr);

/// A limit a kernel breaks.
struct Violation {
  /// Stable identifier of the rule: shared_memory, threads, warp_multiple,
  /// registers, mma_shape, warp_tiling, dtype.
  std::string rule;
  /// "needs 256 KiB of shared memory; sm_90a allows 227 KiB".
  std::string message;
};

/// Every limit of `chip` that `kernel` (specialized, with resources
/// `resources`) breaks, and every shape rule of the chip's lowering it does
/// not meet.
SmallVector<Violation> checkLimits(FuncOp kernel,
                                   const KernelResources &resources,
                                   const ChipInfo &chip);

/// The shared-memory limit of checkLimits alone.
std::optional<Violation> checkSharedMemory(const KernelResources &res,
                                           const ChipInfo &chip);

/// Replaces `res.sharedBytes` (the tiles' count) with the shared memory
/// the registered GPU lowering plans for `kernel` on `chip`, and says
/// whether it did (not on the host, without a registered lowering, or
/// where it cannot plan the kernel). Meant for kernels that passed
/// checkLimits: the lowering's analysis assumes what the rules check.
bool countSharedMemoryAsLowered(FuncOp kernel, KernelResources &res,
                                const ChipInfo &chip);

} // namespace mlir::tl

#endif // TL_DIALECT_TL_TRANSFORMS_RESOURCEMODEL_H
