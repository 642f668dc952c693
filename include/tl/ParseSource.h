//===- ParseSource.h - Parse MLIR text without overflowing the stack --*- C++
//-*-===//
//
// MLIR's parser, verifier and printer recurse once per level of nesting;
// a few thousand levels of brackets overflow the stack and kill the tool.
// The tl tools measure the nesting of their input first and refuse it with
// an error at the offending bracket.
//
//===----------------------------------------------------------------------===//

#ifndef TL_PARSESOURCE_H
#define TL_PARSESOURCE_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringRef.h"

#include <optional>

namespace llvm {
class SourceMgr;
} // namespace llvm

namespace mlir::tl {

/// The deepest bracket nesting ((, [, {, <) the tl tools accept. Release and
/// sanitizer builds both handle it with room to spare (4,000 nested
/// regions overflow an 8 MiB stack); no real kernel comes near it.
constexpr unsigned kMaxSourceNesting = 2560;

/// The byte offset of the first bracket of `text` nested deeper than
/// `limit`, skipping string literals and `//` comments; none if there is
/// none.
std::optional<size_t> findDeepNesting(llvm::StringRef text,
                                      unsigned limit = kMaxSourceNesting);

/// The error for a bracket at `offset` of buffer `bufferId` nested too
/// deep, printed through `sourceMgr` (file:line:col: error: ...).
void reportDeepNesting(llvm::SourceMgr &sourceMgr, unsigned bufferId,
                       size_t offset);

/// Parses the MLIR file `path` ("-": stdin) into `sourceMgr`; errors (a
/// missing file, nesting over kMaxSourceNesting, syntax) go to `ctx`'s
/// diagnostic handlers. Null on failure.
OwningOpRef<ModuleOp> parseSourceFileChecked(llvm::StringRef path,
                                             llvm::SourceMgr &sourceMgr,
                                             MLIRContext *ctx);

} // namespace mlir::tl

#endif // TL_PARSESOURCE_H
