//===- ParseSource.cpp - Parse MLIR text without overflowing the stack ----===//

#include "tl/ParseSource.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"

using namespace mlir;

std::optional<size_t> mlir::tl::findDeepNesting(llvm::StringRef text,
                                                unsigned limit) {
  unsigned depth = 0;
  for (size_t i = 0, n = text.size(); i < n; ++i) {
    char c = text[i];
    if (c == '"') { // a string literal, with \ escapes
      for (++i; i < n && text[i] != '"'; ++i)
        if (text[i] == '\\')
          ++i;
      continue;
    }
    if (c == '/' && i + 1 < n && text[i + 1] == '/') {
      i = text.find('\n', i);
      if (i == llvm::StringRef::npos)
        return std::nullopt;
      continue;
    }
    if (c == '-' && i + 1 < n && text[i + 1] == '>') { // an arrow, not a '>'
      ++i;
      continue;
    }
    if (c == '(' || c == '[' || c == '{' || c == '<') {
      if (++depth > limit)
        return i;
    } else if ((c == ')' || c == ']' || c == '}' || c == '>') && depth) {
      --depth;
    }
  }
  return std::nullopt;
}

/// What both reporters say.
static std::string deepNestingMessage() {
  return "brackets nested deeper than " +
         std::to_string(tl::kMaxSourceNesting) +
         " levels; the MLIR parser would overflow its stack: nest less "
         "(flatten the loops, split the attribute)";
}

void mlir::tl::reportDeepNesting(llvm::SourceMgr &sourceMgr, unsigned bufferId,
                                 size_t offset) {
  const char *at = sourceMgr.getMemoryBuffer(bufferId)->getBufferStart();
  sourceMgr.PrintMessage(llvm::SMLoc::getFromPointer(at + offset),
                         llvm::SourceMgr::DK_Error, deepNestingMessage());
}

OwningOpRef<ModuleOp>
mlir::tl::parseSourceFileChecked(llvm::StringRef path,
                                 llvm::SourceMgr &sourceMgr, MLIRContext *ctx) {
  std::string error;
  std::unique_ptr<llvm::MemoryBuffer> buffer = openInputFile(path, &error);
  if (!buffer) // the parser reports it the way every MLIR tool does
    return parseSourceFile<ModuleOp>(path, sourceMgr, ParserConfig(ctx));
  std::optional<size_t> deep = findDeepNesting(buffer->getBuffer());
  unsigned id = sourceMgr.AddNewSourceBuffer(std::move(buffer), llvm::SMLoc());
  if (deep) {
    auto loc = sourceMgr.getLineAndColumn(
        llvm::SMLoc::getFromPointer(
            sourceMgr.getMemoryBuffer(id)->getBufferStart() + *deep),
        id);
    emitError(FileLineColLoc::get(ctx, path, loc.first, loc.second))
        << deepNestingMessage();
    return nullptr;
  }
  return parseSourceFile<ModuleOp>(sourceMgr, ParserConfig(ctx));
}
