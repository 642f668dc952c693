//===- Protocol.h - Requests to a worker and its replies --------*- C++ -*-===//
//
// The tuner talks to a worker process over two pipes: one request line per
// candidate (run this directory, check it or not, time it so), one JSON
// reply line. Both codecs are here, side by side.
//
//===----------------------------------------------------------------------===//

#ifndef TL_TUNER_PROTOCOL_H
#define TL_TUNER_PROTOCOL_H

#include "tl/Runtime/Compare.h"
#include "tl/Tuner/Records.h"

#include <optional>
#include <string>
#include <vector>

namespace mlir::tl {

/// How a worker runs one candidate: checked against the reference or not,
/// and timed by counts or, when a budget is set, by time budgets (Triton's
/// do_bench: the counts follow from an estimate of five runs).
struct RunRequest {
  bool check = false;
  int warmup = 0, rep = 0; // rep 0 and no budget: not timed
  double warmupMs = 0, repMs = 0;
  /// Write the outputs of the candidate's first run, one after the other,
  /// to <dir>/outputs.bin (for a check by the caller's own code).
  bool dumpOutputs = false;
  /// Run the reference build in <dir> once and write its outputs to the
  /// workload's reference file (the device reference), instead of a
  /// candidate.
  bool reference = false;
  /// With counts: fewer repetitions (at least 3) when `rep` of them would
  /// take longer than this (estimated from one run); 0: no cap. Screening
  /// slow candidates costs no more than screening fast ones.
  double capMs = 0;

  bool timed() const { return rep > 0 || repMs > 0; }
  /// One line, newline-terminated, naming the candidate's directory.
  std::string encode(const std::string &dir) const;
  /// nullopt for a line encode did not write.
  static std::optional<RunRequest> decode(const std::string &line,
                                          std::string &dir);
};

/// A worker's answer for one request.
struct RunReply {
  /// Ok, CheckFailed, Crashed, Timeout or Error.
  CandidateStatus status = CandidateStatus::Error;
  std::string message;
  /// The worker's device may be unusable (a failed launch can poison a GPU
  /// context): the next candidate goes to a fresh worker.
  bool restart = false;
  /// Only when the request was timed and the candidate not found wrong.
  std::vector<double> samples;
  /// Only when the request asked for a check.
  std::optional<tlrt::CompareResult> check;

  static RunReply failure(CandidateStatus status, std::string message) {
    RunReply r;
    r.status = status;
    r.message = std::move(message);
    return r;
  }
  /// One JSON line, newline-terminated.
  std::string encode() const;
  /// An Error reply for a line encode did not write.
  static RunReply decode(const std::string &line);
};

} // namespace mlir::tl

#endif // TL_TUNER_PROTOCOL_H
