//===- Tool.cpp - External tools of a compile, under a deadline -----------===//

#include "tl/Target/Tool.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"

#include <csignal>
#include <dlfcn.h>
#include <thread>

using namespace mlir;
using namespace mlir::tl;

LogicalResult mlir::tl::checkDeadline(Deadline deadline, StringRef what,
                                      std::string &error) {
  if (std::chrono::steady_clock::now() < deadline)
    return success();
  error = what.str() + " ran past the compile deadline";
  return failure();
}

LogicalResult mlir::tl::runTool(ArrayRef<StringRef> args, Deadline deadline,
                                std::string &error) {
  if (failed(checkDeadline(deadline, args[0], error)))
    return failure();
  SmallString<128> errPath;
  if (llvm::sys::fs::createTemporaryFile("tl-tool", "err", errPath)) {
    error = "cannot create a temporary file for " + args[0].str();
    return failure();
  }
  std::optional<StringRef> redirects[] = {std::nullopt, std::nullopt,
                                          StringRef(errPath)};
  std::string message;
  bool launchFailed = false;
  llvm::sys::ProcessInfo child = llvm::sys::ExecuteNoWait(
      args[0], args, std::nullopt, redirects, 0, &message, &launchFailed);
  // Polled rather than llvm::sys::Wait's timeout, whose SIGALRM may go to
  // any thread of a multithreaded compile.
  bool stopped = false;
  llvm::sys::ProcessInfo result;
  while (!launchFailed) {
    result = llvm::sys::Wait(child, /*SecondsToWait=*/0, &message);
    if (result.Pid != 0)
      break;
    if (std::chrono::steady_clock::now() >= deadline) {
      ::kill(child.Pid, SIGKILL);
      result = llvm::sys::Wait(child, std::nullopt, &message);
      stopped = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  std::string stderrText;
  if (auto buffer = llvm::MemoryBuffer::getFile(errPath))
    stderrText = (*buffer)->getBuffer().str();
  llvm::sys::fs::remove(errPath);
  if (stopped) {
    error = args[0].str() + " ran past the compile deadline and was stopped";
    return failure();
  }
  if (!launchFailed && result.ReturnCode == 0)
    return success();
  error = args[0].str() + " failed (" +
          (message.empty() ? "exit " + std::to_string(result.ReturnCode)
                           : message) +
          ")" + (stderrText.empty() ? "" : ": " + stderrText);
  return failure();
}

std::string mlir::tl::findCompanionTool(StringRef name) {
  SmallVector<std::string, 2> dirs;
  std::string self = llvm::sys::fs::getMainExecutable(nullptr, nullptr);
  if (!self.empty())
    dirs.push_back(llvm::sys::path::parent_path(self).str());
  Dl_info library;
  if (dladdr(reinterpret_cast<void *>(&findCompanionTool), &library) &&
      library.dli_fname && self != library.dli_fname) {
    SmallString<256> bin(llvm::sys::path::parent_path(library.dli_fname));
    llvm::sys::path::append(bin, "..", "bin");
    dirs.push_back(std::string(bin));
  }
  for (const std::string &dir : dirs) {
    SmallString<256> path(dir);
    llvm::sys::path::append(path, name);
    if (llvm::sys::fs::can_execute(path))
      return std::string(path);
  }
  if (llvm::ErrorOr<std::string> found = llvm::sys::findProgramByName(name))
    return *found;
  return "";
}
