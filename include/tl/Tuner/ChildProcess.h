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

/// Called first in a forked child of `parent`: the child is killed when the
/// tuner dies (a killed tl-tune leaves no reference run or worker behind,
/// holding its files and the resume lock it inherited).
void dieWithParent(int parent);

} // namespace mlir::tl

#endif // TL_TUNER_CHILDPROCESS_H
