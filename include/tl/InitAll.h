//===- InitAll.h - Register everything a tl tool needs ----------*- C++ -*-===//
//
// One registration header shared by every tool (tl-opt, tl-tune, the C API):
// the tl dialect and its passes, and the upstream dialects and passes the
// lowerings use.
//
//===----------------------------------------------------------------------===//

#ifndef TL_INITALL_H
#define TL_INITALL_H

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace mlir::tl {

/// Adds the tl dialect, the upstream dialects the lowerings produce and the
/// interface extensions they need to `registry`.
void registerAllDialects(DialectRegistry &registry);

/// Registers the tl passes and pipelines and the upstream passes a pipeline
/// string may name.
void registerAllPasses();

} // namespace mlir::tl

#endif // TL_INITALL_H
