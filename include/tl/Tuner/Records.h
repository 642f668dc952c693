//===- Records.h - A candidate's record and its wire format -----*- C++ -*-===//
//
// What a tuning knows about each candidate (status, timings, check), and
// its JSON line: the same writer for autotuner.log, a cache entry's
// candidates.jsonl and tl-tune --json, and the reader beside it.
//
//===----------------------------------------------------------------------===//

#ifndef TL_TUNER_RECORDS_H
#define TL_TUNER_RECORDS_H

#include "tl/Runtime/Compare.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/JSON.h"

#include <optional>
#include <string>
#include <vector>

namespace mlir::tl {

enum class CandidateStatus {
  /// Not run yet (never written: every record of a finished tuning has
  /// another status).
  Pending,
  Ok,
  /// Valid, but slower than --prune-ratio allows: screening figures only.
  Pruned,
  CompileError,
  CompileTimeout,
  CheckFailed,
  Crashed,
  Timeout,
  Error,
};

/// "ok", "pruned", "compile_error", ... as records and tables say it.
const char *statusName(CandidateStatus status);
/// nullopt for a name no record carries (including "pending").
std::optional<CandidateStatus> parseStatus(llvm::StringRef name);
/// Ok or Pruned: the candidate computed the right answer and was timed.
inline bool isValid(CandidateStatus s) {
  return s == CandidateStatus::Ok || s == CandidateStatus::Pruned;
}

struct CandidateRecord {
  int index = 0;
  std::string name;
  std::string configJson;
  CandidateStatus status = CandidateStatus::Pending;
  std::string message;
  double compileSeconds = 0;
  std::vector<double> samples; // ms
  double medianMs = 0;
  tlrt::CompareResult check;
  double tflops = 0; // the problem's gemm FLOPs a second, 0 when unknown
  /// Seconds into the schedule when the record last changed (its compile
  /// ended or a run reported); 0 when unknown. The report's time axis.
  double finishedSeconds = 0;
  /// The device (ordinal among the tuning's devices) the samples came from;
  /// -1 when none ran.
  int device = -1;
};

/// The record as a JSON object (config as an object, the check when one
/// ran).
llvm::json::Object recordToJson(const CandidateRecord &record);
/// One line of candidates.jsonl / autotuner.log (no newline).
std::string recordLine(const CandidateRecord &record);
/// Reads a record as strictly as recordToJson writes it: an index, a kernel
/// name, a known status, a config object and a median. nullopt otherwise.
std::optional<CandidateRecord> parseRecord(const llvm::json::Object &object);

/// A cache entry's candidates.jsonl and best.txt; false with `why` when
/// either is not what a tuning writes (a line that is no record, no
/// record at all, or a best that names no passing candidate).
bool parseCandidates(const std::string &jsonl, const std::string &best,
                     std::vector<CandidateRecord> &records, int &bestIndex,
                     std::string &why);

/// The median of `samples` (0 for none).
double median(std::vector<double> samples);

} // namespace mlir::tl

#endif // TL_TUNER_RECORDS_H
