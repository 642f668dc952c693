//===- ChildProcess.h - Work done in a forked child -------------*- C++ -*-===//
//
// Whatever initializes CUDA runs in a child process: a process that did
// cannot fork workers that use it, and a crash there costs only the child.
//
//===----------------------------------------------------------------------===//

#ifndef TL_TUNER_CHILDPROCESS_H
#define TL_TUNER_CHILDPROCESS_H

#include <functional>
#include <optional>
#include <string>

namespace mlir::tl {

/// Runs `fn` in a child process and returns what it returned, or nullopt if
/// the child could not start or did not exit normally.
std::optional<std::string> inChild(const std::function<std::string()> &fn);

} // namespace mlir::tl

#endif // TL_TUNER_CHILDPROCESS_H
