//===- Wgmma.cpp - tl.gemm on sm_90a warpgroup MMA ------------------------===//
//
// A gemm whose operands are f16/bf16 tiles in shared memory and whose
// accumulator is an f32 fragment runs on wgmma.mma_async where the target
// has it (sm_90a) and the shapes allow (TileLang's rule): whole warpgroups,
// 64 rows of C per instruction and warpgroup, N a multiple of 8 up to 256,
// K a multiple of 16. Each warpgroup issues m64nNk16 instructions over its
// block of C with the operands read straight from shared memory through
// matrix descriptors, accumulators in registers across the whole K loop:
//
//   wgmma.fence; wgmma.mma_async x (K/16 * row tiles); commit_group;
//   wait_group 0
//
// Operand tiles are stored in the canonical swizzled layouts the
// descriptors describe (see SharedTile::atomCols): K-major for A and for a
// transposed B, MN-major (the hardware's transpose) for a transposed A and
// for a row-major B, so every layout tl.gemm accepts reads without a copy.
//
//===----------------------------------------------------------------------===//

#include "KernelLowering.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "llvm/Support/FormatVariadic.h"

using namespace mlir;
using namespace mlir::tl;
using namespace mlir::tl::cuda;

int64_t mlir::tl::cuda::wgmmaAtomCols(MemRefType tile) {
  if (tile.getRank() != 2)
    return 0;
  int64_t bytes = tile.getElementTypeBitWidth() / 8;
  for (int64_t atomBytes : {128, 64, 32})
    if (tile.getDimSize(1) % (atomBytes / bytes) == 0)
      return atomBytes / bytes;
  return 0;
}

/// The wgmma layout of `gemm` over `warps` warps, or why there is none.
/// `aFragment`: A's fragment where A is in registers (RS), else null.
static std::optional<MmaLayout> wgmmaLayout(GemmOp gemm, int64_t warps,
                                            const Fragment *aFragment,
                                            std::string &why) {
  llvm::raw_string_ostream os(why);
  auto a = cast<MemRefType>(gemm.getA().getType());
  auto bT = cast<MemRefType>(gemm.getB().getType());
  auto c = cast<MemRefType>(gemm.getC().getType());
  Type ab = a.getElementType();
  if (!(ab.isF16() || ab.isBF16()) || bT.getElementType() != ab ||
      !c.getElementType().isF32()) {
    os << "wgmma multiplies f16 or bf16 into f32 here, not " << ab << " into "
       << c.getElementType();
    return std::nullopt;
  }
  bool aInRegisters = getMemorySpace(a) == MemorySpace::Fragment;
  if ((getMemorySpace(a) != MemorySpace::Shared && !aInRegisters) ||
      getMemorySpace(bT) != MemorySpace::Shared ||
      getMemorySpace(c) != MemorySpace::Fragment) {
    os << "wgmma reads A from shared memory or registers, B from shared "
          "memory, and accumulates in a fragment";
    return std::nullopt;
  }
  // RS: each warpgroup's rows of A in its registers, as a wgmma
  // accumulator of whole rows holds them (the fragment was copied from
  // one): per k step of 16, two of its 8-column tiles are the instruction's
  // A fragment.
  const MmaLayout *aLayout =
      aInRegisters && aFragment && aFragment->isMma && aFragment->mma.wgmma &&
              aFragment->mma.wgN == 1 && !gemm.getTransposeA()
          ? &aFragment->mma
          : nullptr;
  if (aInRegisters && !aLayout) {
    os << "wgmma reads A from registers only in a wgmma accumulator's layout "
          "of whole rows a warpgroup (a fragment copied from one), not "
          "transposed";
    return std::nullopt;
  }
  if (warps % 4) {
    os << "the kernel runs " << warps
       << " warps; wgmma needs whole warpgroups (a multiple of 4 warps)";
    return std::nullopt;
  }
  bool transA = gemm.getTransposeA(), transB = gemm.getTransposeB();
  int64_t m = c.getDimSize(0), n = c.getDimSize(1);
  int64_t k = a.getDimSize(transA ? 0 : 1);
  int64_t atomA = aLayout ? 16 : wgmmaAtomCols(a), atomB = wgmmaAtomCols(bT);
  if (k % 16 || !atomA || !atomB) {
    os << "the " << m << "x" << n << "x" << k
       << " tile (MxNxK) needs K and the operand rows in multiples of 16";
    return std::nullopt;
  }
  int64_t groups = warps / 4;
  for (int64_t wgN = 1; wgN <= groups; ++wgN) {
    if (groups % wgN)
      continue;
    int64_t wgM = groups / wgN;
    if (m % wgM || n % wgN)
      continue;
    // RS: a warpgroup's rows of C are its rows of A.
    if (aLayout && (wgN != 1 || wgM != aLayout->wgM || m != aLayout->m))
      continue;
    int64_t groupM = m / wgM, groupN = n / wgN;
    // A row-major B is read N-major: a warpgroup's columns start at an atom.
    if (groupM % 64 || groupN % 8 || groupN > 256 ||
        (!transB && groupN % atomB))
      continue;
    MmaLayout layout;
    layout.m = m;
    layout.n = n;
    layout.wm = warps;
    layout.wgmma = true;
    layout.wgM = wgM;
    layout.wgN = wgN;
    return layout;
  }
  os << "the " << m << "x" << n << " accumulator does not split over " << groups
     << " warpgroup(s) into blocks of a multiple of 64 rows and "
     << "at most 256 columns";
  return std::nullopt;
}

FailureOr<std::optional<MmaLayout>>
KernelLowering::chooseMmaLayout(GemmOp gemm) {
  int64_t warps = threads / warpSize();
  std::string why;
  if (mmaKind == MmaKind::Simt)
    return std::optional<MmaLayout>();
  if (amd != (mmaKind == MmaKind::Mfma) && mmaKind != MmaKind::Auto)
    return gemm.emitError()
           << "cannot run on " << (amd ? "wgmma or mma.sync" : "MFMA")
           << ": the target chip is " << (amd ? "an AMD" : "an NVIDIA")
           << " GPU; use mma = \"auto\", \"simt\" or \""
           << (amd ? "mfma" : "mma.sync") << "\"";
  if (amd) {
    std::optional<MmaLayout> layout = mfmaLayout(gemm, warps);
    if (!layout && mmaKind == MmaKind::Mfma)
      return gemm.emitError()
             << "cannot run on MFMA as the kernel asks: it needs f16 or bf16 "
                "operands in shared memory, an f32 accumulator and M, N, K "
                "multiples of 16 that the wavefronts can share; use mma = "
                "\"auto\" to fall back to SIMT";
    return layout;
  }
  if (mmaKind != MmaKind::MmaSync) {
    if (!wgmmaChip)
      why = "the target chip is not sm_90a";
    else if (std::optional<MmaLayout> layout = wgmmaLayout(
                 gemm, warps,
                 fragments.count(gemm.getA()) ? &fragments[gemm.getA()]
                                              : nullptr,
                 why))
      return layout;
  }
  // Only wgmma reads an operand from registers: say why it cannot.
  if (fragments.count(gemm.getA()) && mmaKind != MmaKind::Simt &&
      mmaKind != MmaKind::Wgmma)
    return gemm.emitError()
           << "reads A from registers, which only wgmma does (sm_90a), and "
              "not here: "
           << why << "; stage the tile through shared memory";
  if (mmaKind == MmaKind::Wgmma)
    return gemm.emitError() << "cannot run on wgmma as the kernel asks: " << why
                            << "; use mma = \"auto\" to fall back to "
                            << "mma.sync";
  return tensorCoreLayout(gemm, warps);
}

/// i64 arithmetic for descriptors.
static Value i64c(OpBuilder &b, Location l, int64_t v) {
  return arith::ConstantIntOp::create(b, l, b.getI64Type(), v);
}

Value KernelLowering::wgmmaDescriptor(OpBuilder &b, Location l, Value tile,
                                      Value dynamicBytes, int64_t row,
                                      int64_t col, bool kMajor) {
  SharedTile &t = shared[tile];
  int64_t atom = t.atomCols;
  int64_t bytes = t.offset + (col / atom) * t.blockBytes() +
                  row * t.atomBytes() + (col % atom) * t.elementBytes();
  Type i64 = b.getI64Type();
  Value stage = t.stages > 1 ? currentStage.lookup(tile) : Value();
  Value start;
  if (descriptorBase) {
    // Every offset is a multiple of 16 bytes: the start address field
    // (address >> 4) is the base's plus the offsets' in 16-byte units.
    start = arith::AddIOp::create(b, l, descriptorBase, i64c(b, l, bytes >> 4));
    if (dynamicBytes)
      start = arith::AddIOp::create(
          b, l, start,
          arith::ShRUIOp::create(b, l, dynamicBytes, i64c(b, l, 4)));
    if (stage)
      start = arith::AddIOp::create(
          b, l, start,
          arith::MulIOp::create(b, l,
                                arith::IndexCastOp::create(b, l, i64, stage),
                                i64c(b, l, t.stageBytes() >> 4)));
  } else {
    Value addr = arith::AddIOp::create(
        b, l,
        arith::IndexCastOp::create(
            b, l, i64,
            memref::ExtractAlignedPointerAsIndexOp::create(b, l, smemBase)),
        i64c(b, l, bytes));
    if (dynamicBytes)
      addr = arith::AddIOp::create(b, l, addr, dynamicBytes);
    if (stage)
      addr = arith::AddIOp::create(
          b, l, addr,
          arith::MulIOp::create(b, l,
                                arith::IndexCastOp::create(b, l, i64, stage),
                                i64c(b, l, t.stageBytes())));
    start = arith::ShRUIOp::create(b, l, addr, i64c(b, l, 4));
  }
  // PTX ISA, "Matrix Descriptor Format": start address, leading and stride
  // byte offsets (all >> 4), swizzle mode in bits 62-63. K-major swizzled
  // layouts do not use the leading offset (1 by convention); MN-major ones
  // step from one atom column block to the next with it. The stride offset
  // steps 8 rows (K-major) or 8 K rows (MN-major): 8 atoms.
  int64_t leading = kMajor ? 1 : t.blockBytes() >> 4;
  int64_t stride = 8 * t.atomBytes() >> 4;
  int64_t mode = t.atomBytes() == 128 ? 1 : t.atomBytes() == 64 ? 2 : 3;
  uint64_t high = (uint64_t(leading) << 16) | (uint64_t(stride) << 32) |
                  (uint64_t(mode) << 62);
  start = arith::AndIOp::create(b, l, start, i64c(b, l, 0x3FFF));
  return arith::OrIOp::create(b, l, start,
                              i64c(b, l, static_cast<int64_t>(high)));
}

/// One m64nN instruction's accumulators: N/2 f32 registers a thread.
static LLVM::LLVMStructType accumulatorType(MLIRContext *ctx,
                                            const MmaLayout &m) {
  return LLVM::LLVMStructType::getLiteral(
      ctx, SmallVector<Type>(m.groupN() / 2, Float32Type::get(ctx)));
}

/// An empty asm with side effects that takes `values` and gives them back
/// as `type` (the one value's type, or a struct of theirs), each in a PTX
/// register of class `reg` ("f", "r", "l"): nothing that computes them
/// moves below it, no use of what it gives moves above it, and LLVM sees
/// no constant through it.
static Value emptyAsm(OpBuilder &b, Location l, Type type, ValueRange values,
                      StringRef reg) {
  int64_t n = values.size();
  std::string constraints;
  for (int64_t r = 0; r < n; ++r)
    constraints += ("=" + reg + ",").str();
  for (int64_t r = 0; r < n; ++r)
    constraints += std::to_string(r) + (r + 1 < n ? "," : "");
  return LLVM::InlineAsmOp::create(
             b, l, type, values, /*asm_string=*/"", constraints,
             /*has_side_effects=*/true, /*is_align_stack=*/false,
             LLVM::TailCallKind::None,
             LLVM::AsmDialectAttr::get(b.getContext(),
                                       LLVM::AsmDialect::AD_ATT),
             /*operand_attrs=*/ArrayAttr())
      .getResult(0);
}

/// Ties `values` to an empty asm after the wgmma wait, so that no read of
/// the accumulators moves above it (the registers are the hardware's until
/// the wait).
static Value pinAfterWait(OpBuilder &b, Location l, Value accumulators,
                          LLVM::LLVMStructType type) {
  SmallVector<Value> in;
  for (int64_t r = 0, n = type.getBody().size(); r < n; ++r)
    in.push_back(
        LLVM::ExtractValueOp::create(b, l, accumulators, ArrayRef<int64_t>{r}));
  return emptyAsm(b, l, type, in, "f");
}

SmallVector<Value> KernelLowering::packRegisterOperand(OpBuilder &b, Location l,
                                                       Fragment &a, int64_t mi,
                                                       int64_t kk) {
  // A's registers for row tile mi, columns kk .. kk + 15: its 8-column
  // tiles kk / 8 and kk / 8 + 1, each four elements a thread (rows g and
  // g + 8, two columns each), packed in pairs as the instruction takes
  // them: a0 = (g, 2t), a1 = (g + 8, 2t), a2 = (g, 2t + 8), a3 = (g + 8,
  // 2t + 8) (PTX ISA, "Register Fragments and Shared Memory Matrix
  // Layouts", wgmma .m64nNk16 A), the lower column in the low half.
  auto pairType = VectorType::get({2}, a.logical.getElementType());
  SmallVector<Value> regs;
  for (int64_t tile = 0; tile < 2; ++tile)
    for (int64_t half8 = 0; half8 < 2; ++half8) {
      int64_t slot = (mi * a.mma.tilesN() + kk / 8 + tile) * 4 + half8 * 2;
      Value pair = vector::FromElementsOp::create(
          b, l, pairType,
          ValueRange{slotLoad(b, l, a, slot), slotLoad(b, l, a, slot + 1)});
      regs.push_back(LLVM::BitcastOp::create(b, l, b.getI32Type(), pair));
    }
  return regs;
}

/// `values` (i32) through one empty asm: everything that computes them
/// stays above it, so above the wgmma.fence that follows (PTX: registers a
/// wgmma reads must be written before the fence; else ptxas inserts
/// warpgroup.arrive, C7519).
static SmallVector<Value> pinRegisters(OpBuilder &b, Location l,
                                       ArrayRef<Value> values) {
  int64_t n = values.size();
  Value pinned =
      emptyAsm(b, l,
               LLVM::LLVMStructType::getLiteral(
                   b.getContext(), SmallVector<Type>(n, b.getI32Type())),
               values, "r");
  SmallVector<Value> out;
  for (int64_t r = 0; r < n; ++r)
    out.push_back(
        LLVM::ExtractValueOp::create(b, l, pinned, ArrayRef<int64_t>{r}));
  return out;
}

Value KernelLowering::wgmmaFromRegisters(OpBuilder &b, Location l,
                                         Value accumulators,
                                         ArrayRef<Value> aRegs, Value descB,
                                         bool bf16, bool transB) {
  SmallVector<Value> operands;
  auto type = cast<LLVM::LLVMStructType>(accumulators.getType());
  int64_t n = type.getBody().size();
  for (int64_t r = 0; r < n; ++r)
    operands.push_back(
        LLVM::ExtractValueOp::create(b, l, accumulators, ArrayRef<int64_t>{r}));
  llvm::append_range(operands, aRegs);
  operands.push_back(descB);
  // d: $0 .. $n-1, tied to inputs $n .. $2n-1; a: $2n .. $2n+3; b: $2n+4.
  // A row-major B is read N-major (transposed).
  std::string d, constraints;
  for (int64_t r = 0; r < n; ++r) {
    d += (r ? ", $" : "$") + std::to_string(r);
    constraints += "=f,";
  }
  for (int64_t r = 0; r < n; ++r)
    constraints += std::to_string(r) + ",";
  constraints += "r,r,r,r,l";
  std::string ab = bf16 ? "bf16" : "f16";
  std::string text =
      llvm::formatv(
          "{{\n.reg .pred p;\nsetp.ne.b32 p, 1, 0;\n"
          "wgmma.mma_async.sync.aligned.m64n{0}k16.f32.{1}.{1} "
          "{{{2}}, {{${3}, ${4}, ${5}, ${6}}, ${7}, p, 1, 1, {8};\n}\n",
          2 * n, ab, d, 2 * n, 2 * n + 1, 2 * n + 2, 2 * n + 3, 2 * n + 4,
          transB ? 0 : 1)
          .str();
  return LLVM::InlineAsmOp::create(
             b, l, type, operands, text, constraints,
             /*has_side_effects=*/true, /*is_align_stack=*/false,
             LLVM::TailCallKind::None,
             LLVM::AsmDialectAttr::get(b.getContext(),
                                       LLVM::AsmDialect::AD_ATT),
             /*operand_attrs=*/ArrayAttr())
      .getResult(0);
}

LogicalResult KernelLowering::lowerWgmma(GemmOp op, OpBuilder &b) {
  Location l = op.getLoc();
  MLIRContext *ctx = b.getContext();
  Value a = op.getA(), bm = op.getB(), c = op.getC();
  Fragment &acc = fragments[c];
  const MmaLayout &m = acc.mma;
  bool transA = op.getTransposeA(), transB = op.getTransposeB();
  auto aType = cast<MemRefType>(a.getType());
  int64_t k = aType.getDimSize(transA ? 0 : 1);
  // RS: A in registers (never in `shared`: looking it up would add it).
  Fragment *aRegs = fragments.count(a) ? &fragments[a] : nullptr;
  SharedTile *ta = aRegs ? nullptr : &shared[a];
  SharedTile &tb = shared[bm];

  // This warp's warpgroup, and where its blocks of A and B start (bytes).
  Type i64 = b.getI64Type();
  WarpgroupPlace place = warpgroupPlace(b, l, m);
  Value gm = arith::IndexCastOp::create(b, l, i64, place.row);
  Value gn = arith::IndexCastOp::create(b, l, i64, place.col);
  auto scaled = [&](Value v, int64_t bytes) -> Value {
    if (bytes == 0)
      return Value();
    return arith::MulIOp::create(b, l, v, i64c(b, l, bytes));
  };
  // Rows advance by atoms; columns by atom column blocks.
  Value aBytes = aRegs || m.wgM == 1 ? Value()
                 : transA
                     ? scaled(gm, m.groupM() / ta->atomCols * ta->blockBytes())
                     : scaled(gm, m.groupM() * ta->atomBytes());
  Value bBytes = m.wgN == 1 ? Value()
                 : transB
                     ? scaled(gn, m.groupN() * tb.atomBytes())
                     : scaled(gn, m.groupN() / tb.atomCols * tb.blockBytes());

  auto structType = accumulatorType(ctx, m);
  SmallVector<Value> accs = loadAccumulators(b, l, acc, structType);

  bool bf16 = aType.getElementType().isBF16();
  auto abType = NVVM::WGMMATypesAttr::get(ctx, bf16 ? NVVM::WGMMATypes::bf16
                                                    : NVVM::WGMMATypes::f16);
  auto f32Type = NVVM::WGMMATypesAttr::get(ctx, NVVM::WGMMATypes::f32);
  auto shape = NVVM::MMAShapeAttr::get(ctx, 64, m.groupN(), 16);
  auto one = NVVM::WGMMAScaleInAttr::get(ctx, NVVM::WGMMAScaleIn::one);
  auto accumulate = NVVM::WGMMAScaleOutAttr::get(ctx, NVVM::WGMMAScaleOut::one);
  // nvvm.wgmma.mma_async: A row = K-major, col = M-major; B col = K-major,
  // row = N-major.
  auto layoutA = NVVM::MMALayoutAttr::get(ctx, transA ? NVVM::MMALayout::col
                                                      : NVVM::MMALayout::row);
  auto layoutB = NVVM::MMALayoutAttr::get(ctx, transB ? NVVM::MMALayout::col
                                                      : NVVM::MMALayout::row);

  // With two consumer groups (384 threads of 168 registers), the shared
  // memory's start address field passes through an empty asm where the
  // gemm is, and every descriptor is that plus a constant, computed where
  // it is used: computed from the shared memory's address itself, each
  // descriptor of an unrolled pipeline is hoisted out of the loop (48 live
  // 64-bit values for a 128x128 tile of 4 stages), which there spills or
  // serializes the wgmmas. Elsewhere the hoisted form stays: on the H100
  // the kernels of one group ran as fast or faster with it (128x256 tiles
  // 6-12% faster at 4096^3 and 8192^3, one run).
  descriptorBase = Value();
  if (consumerGroups > 1) {
    Value raw = arith::ShRUIOp::create(
        b, l,
        arith::IndexCastOp::create(
            b, l, i64,
            memref::ExtractAlignedPointerAsIndexOp::create(b, l, smemBase)),
        i64c(b, l, 4));
    descriptorBase = emptyAsm(b, l, i64, ValueRange{raw}, "l");
  }

  // RS: every A register of the gemm packed and pinned before the fence.
  SmallVector<Value> packed;
  if (aRegs) {
    for (int64_t mi = 0; mi < m.tilesM(); ++mi)
      for (int64_t kk = 0; kk < k; kk += 16)
        llvm::append_range(packed, packRegisterOperand(b, l, *aRegs, mi, kk));
    packed = pinRegisters(b, l, packed);
  }
  NVVM::WgmmaFenceAlignedOp::create(b, l);
  for (int64_t kk = 0; kk < k; kk += 16) {
    Value descB = transB ? wgmmaDescriptor(b, l, bm, bBytes, 0, kk, true)
                         : wgmmaDescriptor(b, l, bm, bBytes, kk, 0, false);
    for (int64_t mi = 0; mi < m.tilesM(); ++mi) {
      if (aRegs) {
        accs[mi] = wgmmaFromRegisters(
            b, l, accs[mi],
            ArrayRef<Value>(packed).slice((mi * (k / 16) + kk / 16) * 4, 4),
            descB, bf16, transB);
        continue;
      }
      Value descA = transA
                        ? wgmmaDescriptor(b, l, a, aBytes, kk, mi * 64, false)
                        : wgmmaDescriptor(b, l, a, aBytes, mi * 64, kk, true);
      accs[mi] = NVVM::WgmmaMmaAsyncOp::create(
          b, l, structType, accs[mi], descA, descB, shape, abType, abType,
          f32Type, accumulate, one, one, layoutA, layoutB,
          /*satfinite=*/NVVM::MMAIntOverflowAttr());
    }
  }
  NVVM::WgmmaGroupSyncAlignedOp::create(b, l);
  // In flight: only the previous group must be done (its stage is
  // refilled next); the accumulators are pinned when the loop drains.
  bool keep = op == inFlightGemm;
  NVVM::WgmmaWaitGroupSyncOp::create(b, l, keep ? 1 : 0);
  if (!keep)
    for (Value &v : accs)
      v = pinAfterWait(b, l, v, structType);
  storeAccumulators(b, l, acc, accs);
  return success();
}

GemmOp KernelLowering::inFlightWgmma(Block &body) {
  GemmOp found;
  for (Operation &op : body.without_terminator())
    if (auto gemm = dyn_cast<GemmOp>(op)) {
      auto it = fragments.find(gemm.getC());
      if (it == fragments.end() || !it->second.isMma || !it->second.mma.wgmma)
        continue;
      // A in registers: the next iteration rewrites them, so its group
      // must be done by then.
      if (fragments.count(gemm.getA()))
        return GemmOp();
      if (found)
        return GemmOp();
      found = gemm;
    }
  if (!found)
    return GemmOp();
  Operation *loop = body.getParentOp();
  for (Operation *user : found.getC().getUsers())
    if (user != found && loop->isAncestor(user))
      return GemmOp();
  return found;
}

void KernelLowering::drainWgmma(OpBuilder &b, Location l, GemmOp gemm) {
  NVVM::WgmmaWaitGroupSyncOp::create(b, l, 0);
  pinAccumulators(b, l, fragments[gemm.getC()]);
}

void KernelLowering::pinAccumulators(OpBuilder &b, Location l, Fragment &acc) {
  auto structType = accumulatorType(b.getContext(), acc.mma);
  SmallVector<Value> accs = loadAccumulators(b, l, acc, structType);
  for (Value &v : accs)
    v = pinAfterWait(b, l, v, structType);
  storeAccumulators(b, l, acc, accs);
}

SmallVector<Value> KernelLowering::loadAccumulators(OpBuilder &b, Location l,
                                                    Fragment &acc,
                                                    LLVM::LLVMStructType type) {
  const MmaLayout &m = acc.mma;
  int64_t regs = type.getBody().size();
  SmallVector<Value> accs;
  for (int64_t mi = 0; mi < m.tilesM(); ++mi) {
    Value s = LLVM::PoisonOp::create(b, l, type);
    for (int64_t r = 0; r < regs; ++r)
      s = LLVM::InsertValueOp::create(
          b, l, s, slotLoad(b, l, acc, mi * m.tilesN() * 4 + r),
          ArrayRef<int64_t>{r});
    accs.push_back(s);
  }
  return accs;
}

void KernelLowering::storeAccumulators(OpBuilder &b, Location l, Fragment &acc,
                                       ArrayRef<Value> accs) {
  const MmaLayout &m = acc.mma;
  for (auto [mi, s] : llvm::enumerate(accs)) {
    int64_t regs = cast<LLVM::LLVMStructType>(s.getType()).getBody().size();
    for (int64_t r = 0; r < regs; ++r)
      slotStore(b, l,
                LLVM::ExtractValueOp::create(b, l, s, ArrayRef<int64_t>{r}),
                acc, mi * m.tilesN() * 4 + r);
  }
}
