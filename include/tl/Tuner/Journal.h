//===- Journal.h - What an interrupted tuning leaves to resume --*- C++ -*-===//
//
// A tuning that can cache works in <tmp>/resume/<key>/, held with a lock
// (flock) while it runs, and appends each candidate record that settles
// to journal.jsonl there. A run of the same key killed before it stored
// its entry leaves both; the next run takes the lock and restores the
// journal's records, so those configs are neither compiled nor run again.
//
//===----------------------------------------------------------------------===//

#ifndef TL_TUNER_JOURNAL_H
#define TL_TUNER_JOURNAL_H

#include "tl/Tuner/Records.h"

#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <string>

namespace mlir::tl {

class ResumeJournal {
public:
  ResumeJournal() = default;
  ~ResumeJournal();
  ResumeJournal(const ResumeJournal &) = delete;
  ResumeJournal &operator=(const ResumeJournal &) = delete;

  /// Takes `dir` (created if needed) unless another run holds it; false
  /// then, or when it cannot be created. `configJsonOf(i)` is config i's
  /// config as records write it (empty past the space): a journal line
  /// for another config of that index is not restored.
  bool open(const std::string &dir,
            const std::function<std::string(size_t)> &configJsonOf);

  /// The journal's last record of each config: a failure, or a valid one
  /// whose compiled kernel (<dir>/<index>/kernel.json) is there.
  const std::map<size_t, CandidateRecord> &restored() const { return records; }

  /// Appends `record` (flushed: a kill right after keeps it).
  void append(const CandidateRecord &record);

  /// Closes the journal and removes the directory, and resume/ with it
  /// when no other run uses it.
  void remove();

private:
  bool read(const std::function<std::string(size_t)> &configJsonOf);

  std::string dir;
  int lockFd = -1;
  std::unique_ptr<std::ofstream> out;
  std::map<size_t, CandidateRecord> records;
  size_t appended = 0;
};

} // namespace mlir::tl

#endif // TL_TUNER_JOURNAL_H
