//===- SameKernels.cpp - Configs that compile to the same kernel ----------===//
//
// tl-expand-configs' same_kernel rule: the knobs a chip's lowering ignores
// are folded, and a kept kernel's text without its name tells configs
// that compile to the same code apart from those that do not.
//
//===----------------------------------------------------------------------===//

#include "SameKernels.h"

#include "tl/Dialect/TL/IR/TLOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

using namespace mlir;
using namespace mlir::tl;

/// Sets `operand` to the index constant `value`, erasing what it was when
/// nothing else uses it.
static void foldTo(OpOperand &operand, int64_t value) {
  Value old = operand.get();
  OpBuilder b(operand.getOwner());
  operand.set(
      arith::ConstantIndexOp::create(b, operand.getOwner()->getLoc(), value));
  if (Operation *def = old.getDefiningOp(); def && def->use_empty())
    def->erase();
}

// Knobs a chip's lowering ignores change nothing there, so they are
// folded and configs that differ only in them become the same kernel: on
// AMD a pipelined loop's stages past the two LDS buffers its lowering
// keeps (to 2) and tl.persistent, which the AMD lowering does not do (to
// 0); on the host, which runs a kernel's blocks as loops, the stages (to
// 1), tl.persistent, the block order and clusters too (tl.use_swizzle,
// tl.cluster: 1).
void mlir::tl::foldUnusedKnobs(FuncOp kernel, const ChipInfo &chip) {
  bool host = chip.vendor == Vendor::Host;
  if (chip.vendor != Vendor::AMD && !host)
    return;
  kernel.walk([](PersistentOp persistent) {
    foldTo(persistent.getEnabledMutable(), 0);
  });
  kernel.walk([&](PipelinedOp loop) {
    int64_t stages = getConstantIntValue(loop.getNumStages()).value_or(1);
    foldTo(loop.getNumStagesMutable(), host ? 1 : sharedBuffers(chip, stages));
  });
  if (!host)
    return;
  kernel.walk(
      [](UseSwizzleOp swizzle) { foldTo(swizzle.getPanelMutable(), 1); });
  kernel.walk([](ClusterOp cluster) { foldTo(cluster.getRowsMutable(), 1); });
}

std::string mlir::tl::kernelFingerprint(FuncOp kernel) {
  // Specialization leaves constants in the order the config's values came
  // (a folded stage count may be the loop bound's constant too): a copy
  // with each block's constants first, sorted by value, prints the same
  // for the same code.
  auto copy = cast<FuncOp>(kernel->clone());
  copy.walk([](Block *block) {
    SmallVector<std::pair<std::string, Operation *>> constants;
    for (Operation &op : *block)
      if (op.hasTrait<OpTrait::ConstantLike>()) {
        std::string key;
        llvm::raw_string_ostream(key) << op.getAttrDictionary();
        constants.push_back({std::move(key), &op});
      }
    llvm::stable_sort(constants, llvm::less_first());
    for (auto &entry : llvm::reverse(constants))
      entry.second->moveBefore(block, block->begin());
  });
  std::string text;
  llvm::raw_string_ostream os(text);
  os << copy.getFunctionType();
  for (Operation &op : copy.getBody().front())
    op.print(os, OpPrintingFlags().useLocalScope());
  copy->erase();
  return text;
}

std::string mlir::tl::differingParams(DictionaryAttr a, DictionaryAttr b) {
  SmallVector<StringRef> names;
  for (NamedAttribute entry : a)
    if (b.get(entry.getName()) != entry.getValue())
      names.push_back(entry.getName().getValue());
  return llvm::join(names, ", ");
}
