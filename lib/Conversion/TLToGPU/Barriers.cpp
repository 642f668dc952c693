//===- Barriers.cpp - Block barriers, named barriers, the pingpong turns --===//
//
// The synchronization the lowering emits between its pieces: the block's
// barrier (with the async-proxy fence that TMA's shared-memory reads need),
// the consumer threads' named barriers of a warp-specialized kernel, and
// the turns two consumer warpgroups take in a pingpong schedule.
//
//===----------------------------------------------------------------------===//

#include "KernelLowering.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"

using namespace mlir;

namespace mlir::tl::cuda {

void KernelLowering::barrier(OpBuilder &b, Location l) {
  if (asyncProxyReads)
    fenceAsyncProxy(b, l);
  syncThreads(b, l);
}

void KernelLowering::fenceAsyncProxy(OpBuilder &b, Location l) {
  NVVM::FenceProxyOp::create(
      b, l,
      NVVM::ProxyKindAttr::get(b.getContext(), NVVM::ProxyKind::async_shared),
      NVVM::SharedSpaceAttr::get(b.getContext(),
                                 NVVM::SharedSpace::shared_cta));
}

void KernelLowering::syncThreads(OpBuilder &b, Location l) {
  if (!producerThreads) {
    gpu::BarrierOp::create(b, l);
    return;
  }
  // The tl.kernel's threads without the producer warpgroup: named barrier
  // 1 (1 + the group's index with two consumer groups).
  namedBarrier(b, l, 1 + consumerGroup.value_or(0), threads, /*wait=*/true);
}

void KernelLowering::namedBarrier(OpBuilder &b, Location l, Value id,
                                  int64_t count, bool wait) {
  Value n = arith::ConstantIntOp::create(b, l, b.getI32Type(), count);
  if (wait)
    NVVM::BarrierOp::create(b, l, Type(), id, n, NVVM::BarrierReductionAttr(),
                            Value());
  else
    NVVM::BarrierArriveOp::create(b, l, id, n);
}

void KernelLowering::namedBarrier(OpBuilder &b, Location l, int64_t id,
                                  int64_t count, bool wait) {
  namedBarrier(b, l, arith::ConstantIntOp::create(b, l, b.getI32Type(), id),
               count, wait);
}

// The turns: named barrier 3 + g is group g's turn to begin, synced by
// group g (threads) and arrived at by the other group (threads) when its
// main loop has issued its last wgmma group. By then the other group has
// passed every full barrier of its tile, so the stage phases group g
// waits for next are its own tile's (parity cannot alias an older use).
void KernelLowering::waitTurn(OpBuilder &b, Location l) {
  if (!consumerGroup)
    return;
  auto notFirst =
      scf::IfOp::create(b, l,
                        arith::CmpIOp::create(b, l, arith::CmpIPredicate::ne,
                                              tileIter, cIdx(b, l, 0)));
  OpBuilder tb = notFirst.getThenBodyBuilder();
  namedBarrier(tb, l, 3 + *consumerGroup, 2 * threads, /*wait=*/true);
}

void KernelLowering::endTurn(OpBuilder &b, Location l) {
  if (!consumerGroup)
    return;
  auto next = scf::IfOp::create(b, l, nextTileExists);
  OpBuilder tb = next.getThenBodyBuilder();
  namedBarrier(tb, l, 3 + (1 - *consumerGroup), 2 * threads, /*wait=*/false);
}

} // namespace mlir::tl::cuda
