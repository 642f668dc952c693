//===- ResourceModel.cpp - What a kernel needs, what a chip has -----------===//

#include "tl/Dialect/TL/Transforms/ResourceModel.h"

#include "mlir/IR/Matchers.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MathExtras.h"

#include <limits>

using namespace mlir;
using namespace mlir::tl;

// Per-block limits from the vendors' tables: CUDA C Programming Guide,
// "Technical Specifications per Compute Capability" (opt-in shared memory per
// block: 163 KiB on 8.0, 99 KiB on 8.6/8.9, 227 KiB on 9.0), and AMD's CDNA2
// / CDNA3 ISA guides (64 KiB LDS per workgroup, 512 VGPRs per lane counting
// the AccVGPRs, wave64). The host runs a block as loops: no register or
// warp limits, its "shared memory" is a per-block scratch buffer.
static const ChipInfo kChips[] = {
    {"sm_80", Vendor::NVIDIA, 32, 1024, 163 * 1024, 255, 80},
    {"sm_86", Vendor::NVIDIA, 32, 1024, 99 * 1024, 255, 86},
    {"sm_89", Vendor::NVIDIA, 32, 1024, 99 * 1024, 255, 89},
    {"sm_90", Vendor::NVIDIA, 32, 1024, 227 * 1024, 255, 90},
    {"sm_90a", Vendor::NVIDIA, 32, 1024, 227 * 1024, 255, 90},
    {"gfx90a", Vendor::AMD, 64, 1024, 64 * 1024, 512, 0},
    {"gfx942", Vendor::AMD, 64, 1024, 64 * 1024, 512, 0},
    {"host", Vendor::Host, 1, 1024, 16 * 1024 * 1024, 0, 0},
};

const ChipInfo *mlir::tl::lookupChip(StringRef name) {
  for (const ChipInfo &chip : kChips)
    if (chip.name == name)
      return &chip;
  return nullptr;
}

std::string mlir::tl::knownChipNames() {
  std::string names;
  for (const ChipInfo &chip : kChips)
    names += (names.empty() ? "" : ", ") + chip.name.str();
  return names;
}

static int64_t constantOr(Value v, int64_t fallback) {
  APInt value;
  if (matchPattern(v, m_ConstantInt(&value)))
    return value.getSExtValue();
  return fallback;
}

/// a * b, or INT64_MAX when it does not fit: a tile too large to count is
/// over every limit, and reported so.
static int64_t saturatingMul(int64_t a, int64_t b) {
  int64_t out;
  return llvm::MulOverflow(a, b, out) ? std::numeric_limits<int64_t>::max()
                                      : out;
}

static int64_t saturatingAdd(int64_t a, int64_t b) {
  int64_t out;
  return llvm::AddOverflow(a, b, out) ? std::numeric_limits<int64_t>::max()
                                      : out;
}

static int64_t byteSize(MemRefType type) {
  int64_t bits = type.getElementTypeBitWidth();
  for (int64_t dim : type.getShape())
    bits = saturatingMul(bits, std::max<int64_t>(dim, 0));
  return bits == std::numeric_limits<int64_t>::max()
             ? bits
             : llvm::divideCeil(bits, 8);
}

/// The stage count a shared tile is multiplied by: the largest num_stages of
/// a tl.pipelined loop in which the tile is the destination of a tl.copy.
static int64_t stagesOf(Value tile) {
  int64_t stages = 1;
  for (Operation *user : tile.getUsers()) {
    auto copy = dyn_cast<CopyOp>(user);
    if (!copy || copy.getDest() != tile)
      continue;
    if (auto loop = copy->getParentOfType<PipelinedOp>())
      stages = std::max(stages, constantOr(loop.getNumStages(), 1));
  }
  return stages;
}

int64_t mlir::tl::sharedBuffers(const ChipInfo &chip, int64_t stages,
                                bool asyncCopy) {
  return copiesThroughRegisters(chip, asyncCopy) ? std::min<int64_t>(stages, 2)
                                                 : stages;
}

KernelResources mlir::tl::computeResources(KernelOp launch,
                                           const ChipInfo *chip) {
  bool gpu = !chip || chip->vendor != Vendor::Host;
  FuncOp kernel = launch->getParentOfType<FuncOp>();
  auto asyncAttr =
      kernel ? kernel->getAttrOfType<BoolAttr>("tl.async_copy") : BoolAttr();
  bool asyncCopy = !asyncAttr || asyncAttr.getValue();
  bool throughRegisters = chip && copiesThroughRegisters(*chip, asyncCopy);
  // Tiles copied through registers in a pipelined loop: the next
  // iteration's tile is held in registers across the loop's body.
  int64_t stagedBytes = 0;
  auto buffers = [&](Value tile) {
    int64_t stages = stagesOf(tile);
    if (throughRegisters && stages >= 2)
      stagedBytes = saturatingAdd(stagedBytes,
                                  byteSize(cast<MemRefType>(tile.getType())));
    return chip ? sharedBuffers(*chip, stages, asyncCopy) : stages;
  };
  KernelResources res;
  res.threads = constantOr(launch.getThreads(), 0);
  for (Value g : launch.getGrid())
    res.grid.push_back(constantOr(g, 0));
  launch.walk([&](Operation *op) {
    if (auto alloc = dyn_cast<AllocSharedOp>(op))
      res.sharedBytes = saturatingAdd(
          res.sharedBytes, saturatingMul(byteSize(alloc.getBuffer().getType()),
                                         buffers(alloc.getBuffer())));
    else if (auto alloc = dyn_cast<AllocFragmentOp>(op))
      res.fragmentBytes = saturatingAdd(res.fragmentBytes,
                                        byteSize(alloc.getBuffer().getType()));
    else if (auto reduce = dyn_cast<ReduceOp>(op);
             reduce && gpu &&
             getMemorySpace(cast<MemRefType>(reduce.getSource().getType())) ==
                 MemorySpace::Fragment)
      // The GPU lowerings reduce a fragment through a shared scratch tile
      // of its size, one a tl.reduce.
      res.sharedBytes = saturatingAdd(res.sharedBytes,
                                      byteSize(reduce.getSource().getType()));
  });
  int64_t threads = std::max<int64_t>(res.threads, 1);
  res.registersPerThread = saturatingAdd(
      llvm::divideCeil(saturatingAdd(res.fragmentBytes, stagedBytes),
                       saturatingMul(4, threads)),
      kBaseRegistersPerThread);
  return res;
}

KernelResources mlir::tl::computeResources(FuncOp kernel,
                                           const ChipInfo *chip) {
  KernelResources total;
  kernel.walk([&](KernelOp launch) {
    KernelResources res = computeResources(launch, chip);
    total.sharedBytes = std::max(total.sharedBytes, res.sharedBytes);
    total.threads = std::max(total.threads, res.threads);
    total.fragmentBytes = std::max(total.fragmentBytes, res.fragmentBytes);
    total.registersPerThread =
        std::max(total.registersPerThread, res.registersPerThread);
    if (total.grid.empty())
      total.grid = res.grid;
  });
  return total;
}

bool mlir::tl::countSharedMemoryAsLowered(FuncOp kernel, KernelResources &res,
                                          const ChipInfo &chip) {
  if (chip.vendor == Vendor::Host)
    return false;
  auto *model = kernel->getDialect()
                    ->getRegisteredInterface<SharedMemoryModelInterface>();
  if (!model)
    return false;
  std::optional<int64_t> bytes = model->sharedMemoryBytes(kernel, chip);
  if (!bytes)
    return false;
  res.sharedBytes = *bytes;
  return true;
}

/// "96 KiB" when `bytes` is a whole number of KiB, else "98305 bytes".
static std::string formatBytes(int64_t bytes) {
  if (bytes % 1024 == 0)
    return llvm::formatv("{0} KiB", bytes / 1024).str();
  return llvm::formatv("{0} bytes ({1:F1} KiB)", bytes, bytes / 1024.0).str();
}

namespace {
/// The tensor-core (MMA / MFMA) instruction tile a gemm of `ab` inputs is
/// lowered to on `chip`; {0,0,0} when it runs on SIMT cores.
struct MmaShape {
  int64_t m = 0, n = 0, k = 0;
};
} // namespace

static MmaShape mmaShapeFor(Type ab, const ChipInfo &chip) {
  if (chip.vendor == Vendor::NVIDIA) {
    // mma.sync shapes of sm_80 and later (PTX ISA, "Matrix shape").
    if (ab.isF16() || ab.isBF16())
      return {16, 8, 16};
    if (ab.isSignlessInteger(8) || isa<Float8E4M3FNType, Float8E5M2Type>(ab))
      return {16, 8, 32};
    if (ab.isF64())
      return {8, 8, 4};
    return {};
  }
  if (chip.vendor == Vendor::AMD) {
    // v_mfma_*_16x16x{16,8,4} on CDNA2/CDNA3.
    if (ab.isF16() || ab.isBF16() || ab.isSignlessInteger(8))
      return {16, 16, 16};
    if (ab.isF32())
      return {16, 16, 4};
    return {};
  }
  return {};
}

static void checkGemm(GemmOp gemm, int64_t threads, const ChipInfo &chip,
                      SmallVectorImpl<Violation> &out) {
  auto aType = cast<MemRefType>(gemm.getA().getType());
  auto cType = cast<MemRefType>(gemm.getC().getType());
  Type ab = aType.getElementType();
  if (isa<Float8E4M3FNType, Float8E5M2Type>(ab) &&
      chip.vendor == Vendor::NVIDIA && chip.computeCapability < 89) {
    out.push_back({"dtype", llvm::formatv("multiplies {0} tiles; {1} has no "
                                          "fp8 tensor cores (sm_89 or later)",
                                          ab, chip.name)
                                .str()});
    return;
  }
  MmaShape mma = mmaShapeFor(ab, chip);
  if (!mma.m)
    return;
  int64_t m = cType.getDimSize(0), n = cType.getDimSize(1);
  int64_t k = aType.getDimSize(gemm.getTransposeA() ? 0 : 1);
  if (m % mma.m || n % mma.n || k % mma.k) {
    out.push_back(
        {"mma_shape",
         llvm::formatv("has a {0}x{1}x{2} gemm tile (MxNxK); {3} tensor cores "
                       "for {4} need multiples of {5}x{6}x{7}",
                       m, n, k, chip.name, ab, mma.m, mma.n, mma.k)
             .str()});
    return;
  }
  // Every warp takes an equal block of instruction tiles: a warp grid
  // wm x wn with wm | M/mma.m and wn | N/mma.n.
  int64_t warps = threads / chip.warpSize;
  int64_t tilesM = m / mma.m, tilesN = n / mma.n;
  for (int64_t wm = 1; wm <= warps; ++wm)
    if (warps % wm == 0 && tilesM % wm == 0 && tilesN % (warps / wm) == 0)
      return;
  out.push_back(
      {"warp_tiling",
       llvm::formatv("has a {0}x{1} gemm tile of {2}x{3} instruction tiles "
                     "that {4} warps cannot share evenly",
                     m, n, tilesM, tilesN, warps)
           .str()});
}

std::optional<Violation> mlir::tl::checkSharedMemory(const KernelResources &res,
                                                     const ChipInfo &chip) {
  if (res.sharedBytes <= chip.maxSharedBytesPerBlock)
    return std::nullopt;
  return Violation{"shared_memory",
                   llvm::formatv("needs {0} of shared memory; {1} allows {2}",
                                 formatBytes(res.sharedBytes), chip.name,
                                 formatBytes(chip.maxSharedBytesPerBlock))
                       .str()};
}

SmallVector<Violation> mlir::tl::checkLimits(FuncOp kernel,
                                             const KernelResources &res,
                                             const ChipInfo &chip) {
  SmallVector<Violation> out;
  StringRef chipName = chip.name;
  if (std::optional<Violation> shared = checkSharedMemory(res, chip))
    out.push_back(*shared);
  if (res.threads > chip.maxThreadsPerBlock)
    out.push_back(
        {"threads",
         llvm::formatv("launches {0} threads per block; {1} allows {2}",
                       res.threads, chipName, chip.maxThreadsPerBlock)
             .str()});
  if (chip.warpSize > 1 && res.threads % chip.warpSize != 0)
    out.push_back(
        {"warp_multiple",
         llvm::formatv("launches {0} threads per block, not a multiple of the "
                       "{1}-thread {2} of {3}",
                       res.threads, chip.warpSize,
                       chip.vendor == Vendor::AMD ? "wavefront" : "warp",
                       chipName)
             .str()});
  if (chip.maxRegistersPerThread &&
      res.registersPerThread > chip.maxRegistersPerThread)
    out.push_back(
        {"registers",
         llvm::formatv("needs about {0} registers per thread ({1} of fragments "
                       "over {2} threads, plus {3}); {4} allows {5}",
                       res.registersPerThread, formatBytes(res.fragmentBytes),
                       res.threads, kBaseRegistersPerThread, chipName,
                       chip.maxRegistersPerThread)
             .str()});
  kernel.walk([&](ClusterOp cluster) {
    int64_t rows = constantOr(cluster.getRows(), 1);
    // A config's value, checked as the verifier checks a constant.
    if (rows < 1 || rows > 8 || !llvm::isPowerOf2_64(rows)) {
      out.push_back({"cluster", llvm::formatv("clusters {0} block rows; use "
                                              "1, 2, 4 or 8 (1: no clusters)",
                                              rows)
                                    .str()});
      return;
    }
    if (rows == 1 || chip.vendor == Vendor::Host)
      return;
    if (chip.vendor != Vendor::NVIDIA || chip.computeCapability < 90) {
      out.push_back(
          {"cluster", llvm::formatv("launches clusters of {0} blocks; {1} has "
                                    "no thread-block clusters (sm_90 or later)",
                                    rows, chipName)
                          .str()});
      return;
    }
    auto launch = cast<KernelOp>(cluster->getParentOp());
    int64_t gridRows = constantOr(launch.getGrid()[1], 0);
    if (gridRows > 0 && gridRows % rows)
      out.push_back(
          {"cluster",
           llvm::formatv("launches {0} block rows in clusters of {1}; the "
                         "rows must be a multiple of the cluster",
                         gridRows, rows)
               .str()});
  });
  kernel.walk([&](UseSwizzleOp swizzle) {
    // A config's value, checked as the verifier checks a constant.
    if (int64_t panel = constantOr(swizzle.getPanel(), 1); panel < 1)
      out.push_back({"block_order",
                     llvm::formatv("groups {0} rows; the panel needs at least "
                                   "one (1: the launch order)",
                                   panel)
                         .str()});
  });
  kernel.walk([&](PersistentOp persistent) {
    int64_t enabled = constantOr(persistent.getEnabled(), 0);
    if (enabled < 0 || enabled > 2) {
      out.push_back(
          {"persistent", llvm::formatv("is set to {0}; use 1 (persistent), 2 "
                                       "(persistent, two tiles at a time) or 0 "
                                       "(the grid as written)",
                                       enabled)
                             .str()});
      return;
    }
    if (enabled == 0 || chip.vendor != Vendor::NVIDIA)
      return;
    if (enabled == 2) {
      // Two consumer groups of the kernel's threads and a producer
      // warpgroup: warp specialization (sm_90a), and registers for all of
      // them (ptxas fits every thread of the launch in the 64K).
      auto launch = cast<KernelOp>(persistent->getParentOp());
      int64_t threads = constantOr(launch.getThreads(), 0);
      int64_t launched = 2 * threads + 128;
      if (chipName != "sm_90a")
        out.push_back({"persistent",
                       llvm::formatv("runs two tiles at a time "
                                     "(tl.persistent 2), which needs "
                                     "sm_90a's warp specialization; {0} has "
                                     "none",
                                     chipName)
                           .str()});
      else if (launched > chip.maxThreadsPerBlock)
        out.push_back(
            {"persistent",
             llvm::formatv("runs two tiles at a time on 2 x {0} threads and "
                           "a producer warpgroup, {1} threads; {2} allows {3}",
                           threads, launched, chipName, chip.maxThreadsPerBlock)
                 .str()});
      else if (int64_t fit = registersPerLaunchThread(launched);
               res.registersPerThread > fit)
        out.push_back(
            {"persistent",
             llvm::formatv("runs two tiles at a time on 2 x {0} threads and "
                           "a producer warpgroup, {1} threads of at most {2} "
                           "registers; it needs about {3}",
                           threads, launched, fit, res.registersPerThread)
                 .str()});
    }
    // One tile a block at a time runs in clusters too (the cluster takes
    // its rows' tiles in turn); two tiles at a time does not.
    if (enabled == 2)
      for (Operation &op : *persistent->getBlock())
        if (auto cluster = dyn_cast<ClusterOp>(op))
          if (int64_t rows = constantOr(cluster.getRows(), 1); rows > 1)
            out.push_back(
                {"persistent",
                 llvm::formatv("runs two tiles at a time and launches "
                               "clusters of {0} blocks; the GPU lowering "
                               "does one or the other",
                               rows)
                     .str()});
  });
  kernel.walk([&](GemmOp gemm) {
    auto launch = gemm->getParentOfType<KernelOp>();
    int64_t threads = launch ? constantOr(launch.getThreads(), 0) : 0;
    if (threads > 0 && threads % chip.warpSize == 0)
      checkGemm(gemm, threads, chip, out);
  });
  return out;
}
