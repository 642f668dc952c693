//===- Tool.h - External tools of a compile, under a deadline ---*- C++ -*-===//
//
// ptxas and ld.lld run as child processes; a compile that must end by a
// deadline kills them there instead of waiting.
//
//===----------------------------------------------------------------------===//

#ifndef TL_TARGET_TOOL_H
#define TL_TARGET_TOOL_H

#include "mlir/Support/LLVM.h"

#include <chrono>
#include <string>

namespace mlir::tl {

/// The most compile threads a tool may ask for (tl-tune --jobs,
/// tl-compile -j, the guide's CPU variables).
constexpr unsigned kMaxCompileJobs = 1024;

using Deadline = std::chrono::steady_clock::time_point;
constexpr Deadline kNoDeadline = Deadline::max();

/// Fails with "`what` ran past the compile deadline" once `deadline` passed.
LogicalResult checkDeadline(Deadline deadline, StringRef what,
                            std::string &error);

/// Runs `args` (args[0] is the program), killing it at `deadline`; on
/// failure, `error` holds what it wrote to stderr.
LogicalResult runTool(ArrayRef<StringRef> args, Deadline deadline,
                      std::string &error);

/// A program that ships with TileMLIR (ld.lld, tl-worker): beside the
/// running executable (a bundle's or prefix's bin/), in the bin/ beside the
/// shared library holding this code (the C API library in lib/, or
/// Python's tilemlir/_lib/), then on PATH; empty when none is there.
std::string findCompanionTool(StringRef name);

} // namespace mlir::tl

#endif // TL_TARGET_TOOL_H
