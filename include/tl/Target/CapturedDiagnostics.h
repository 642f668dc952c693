//===- CapturedDiagnostics.h - Errors of one thread's pipeline --*- C++ -*-===//

#ifndef TL_TARGET_CAPTUREDDIAGNOSTICS_H
#define TL_TARGET_CAPTUREDDIAGNOSTICS_H

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"

#include <string>
#include <thread>

namespace mlir::tl {

/// Collects the error diagnostics emitted on this thread while in scope, as
/// text; diagnostics of other threads (other configs compiling in parallel
/// on the same context) pass on to the next handler.
class CapturedDiagnostics {
public:
  explicit CapturedDiagnostics(MLIRContext *ctx)
      : ctx(ctx), owner(std::this_thread::get_id()) {
    id = ctx->getDiagEngine().registerHandler([this](Diagnostic &diag) {
      if (std::this_thread::get_id() != owner)
        return failure();
      if (diag.getSeverity() == DiagnosticSeverity::Error)
        text += diag.str() + "\n";
      return success();
    });
  }
  ~CapturedDiagnostics() { ctx->getDiagEngine().eraseHandler(id); }

  const std::string &str() const { return text; }

private:
  MLIRContext *ctx;
  std::thread::id owner;
  DiagnosticEngine::HandlerID id;
  std::string text;
};

} // namespace mlir::tl

#endif // TL_TARGET_CAPTUREDDIAGNOSTICS_H
