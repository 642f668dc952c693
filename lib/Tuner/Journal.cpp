//===- Journal.cpp - What an interrupted tuning leaves to resume ----------===//

#include "tl/Tuner/Journal.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"

#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

using namespace mlir::tl;

ResumeJournal::~ResumeJournal() {
  out.reset();
  if (lockFd >= 0)
    close(lockFd);
}

bool ResumeJournal::open(
    const std::string &path,
    const std::function<std::string(size_t)> &configJsonOf) {
  if (llvm::sys::fs::create_directories(path))
    return false;
  int fd = ::open((path + "/lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0)
    return false;
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    close(fd);
    return false;
  }
  lockFd = fd;
  dir = path;
  bool cut = read(configJsonOf);
  out = std::make_unique<std::ofstream>(dir + "/journal.jsonl", std::ios::app);
  if (cut) // the line a kill cut short ends here, so the next one is whole
    *out << "\n";
  return true;
}

/// The last line of each config wins; a line that is no record (the one a
/// kill cut short) is skipped. Returns whether the file does not end with
/// a newline.
bool ResumeJournal::read(
    const std::function<std::string(size_t)> &configJsonOf) {
  std::ifstream in(dir + "/journal.jsonl");
  std::string line;
  bool cut = false;
  while (std::getline(in, line)) {
    cut = in.eof() && !line.empty();
    llvm::Expected<llvm::json::Value> value = llvm::json::parse(line);
    if (!value) {
      llvm::consumeError(value.takeError());
      continue;
    }
    const llvm::json::Object *object = value->getAsObject();
    std::optional<CandidateRecord> record =
        object ? parseRecord(*object) : std::nullopt;
    if (!record || record->index < 0 ||
        record->configJson != configJsonOf(record->index))
      continue;
    records[record->index] = *record;
  }
  for (auto it = records.begin(); it != records.end();) {
    std::string kernelJson =
        dir + "/" + std::to_string(it->first) + "/kernel.json";
    bool keep =
        !isValid(it->second.status) || llvm::sys::fs::exists(kernelJson);
    it = keep ? std::next(it) : records.erase(it);
  }
  return cut;
}

void ResumeJournal::append(const CandidateRecord &record) {
  if (!out)
    return;
  *out << recordLine(record) << "\n";
  out->flush();
  // Test hook: a kill at a chosen point of the run (tl-tune-resume.mlir).
  static const char *killAfter = std::getenv("TL_TUNE_TEST_KILL_AFTER");
  if (killAfter && ++appended >= std::strtoull(killAfter, nullptr, 10))
    raise(SIGKILL);
}

void ResumeJournal::remove() {
  out.reset();
  if (dir.empty())
    return;
  // Renamed aside first, lock file and all: a run of the same key that
  // starts now makes a fresh directory instead of taking a lock in one
  // being deleted.
  std::string gone = dir + ".gone-" + std::to_string(getpid());
  if (llvm::sys::fs::rename(dir, gone))
    gone = dir;
  llvm::sys::fs::remove_directories(gone);
  // Fails while another run's directory is in it.
  (void)llvm::sys::fs::remove(llvm::sys::path::parent_path(dir));
}
