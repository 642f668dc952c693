//===- Protocol.cpp - Requests to a worker and its replies ----------------===//

#include "tl/Tuner/Protocol.h"

#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdio>
#include <sstream>

using namespace mlir::tl;

std::string RunRequest::encode(const std::string &dir) const {
  std::ostringstream os;
  os.precision(17);
  os << (check ? 1 : 0) << " " << warmup << " " << rep << " " << warmupMs << " "
     << repMs << " " << (dumpOutputs ? 1 : 0) << " " << (reference ? 1 : 0)
     << " " << capMs << " " << dir << "\n";
  return os.str();
}

std::optional<RunRequest> RunRequest::decode(const std::string &line,
                                             std::string &dir) {
  RunRequest r;
  int check = 0, dump = 0, reference = 0, consumed = 0;
  if (sscanf(line.c_str(), "%d %d %d %lf %lf %d %d %lf %n", &check, &r.warmup,
             &r.rep, &r.warmupMs, &r.repMs, &dump, &reference, &r.capMs,
             &consumed) < 8 ||
      consumed <= 0)
    return std::nullopt;
  r.dumpOutputs = dump != 0;
  r.reference = reference != 0;
  dir = line.substr(consumed);
  if (!dir.empty() && dir.back() == '\n')
    dir.pop_back();
  r.check = check != 0;
  return r;
}

std::string RunReply::encode() const {
  llvm::json::Object o{{"status", statusName(status)}};
  if (!message.empty())
    o["message"] = message;
  if (restart)
    o["restart"] = true;
  if (!samples.empty())
    o["samples_ms"] = llvm::json::Array(samples);
  if (check) {
    o["count"] = static_cast<int64_t>(check->count);
    o["mismatched"] = static_cast<int64_t>(check->mismatched);
    o["max_abs_error"] = check->maxAbsError;
    o["max_rel_error"] = check->maxRelError;
    o["passed"] = check->passed;
  }
  std::string s;
  llvm::raw_string_ostream(s) << llvm::json::Value(std::move(o)) << "\n";
  return s;
}

RunReply RunReply::decode(const std::string &line) {
  llvm::Expected<llvm::json::Value> v = llvm::json::parse(line);
  if (!v) {
    llvm::consumeError(v.takeError());
    return failure(CandidateStatus::Error, "unreadable worker reply");
  }
  const llvm::json::Object *o = v->getAsObject();
  std::optional<CandidateStatus> status =
      o && o->getString("status") ? parseStatus(*o->getString("status"))
                                  : std::nullopt;
  if (!status)
    return failure(CandidateStatus::Error, "unreadable worker reply");
  RunReply r;
  r.status = *status;
  r.message = o->getString("message").value_or("").str();
  r.restart = o->getBoolean("restart").value_or(false);
  if (const llvm::json::Array *s = o->getArray("samples_ms"))
    for (const llvm::json::Value &x : *s)
      r.samples.push_back(x.getAsNumber().value_or(0));
  if (o->getInteger("count")) {
    tlrt::CompareResult c;
    c.count = o->getInteger("count").value_or(0);
    c.mismatched = o->getInteger("mismatched").value_or(0);
    c.maxAbsError = o->getNumber("max_abs_error").value_or(0);
    c.maxRelError = o->getNumber("max_rel_error").value_or(0);
    c.passed = o->getBoolean("passed").value_or(false);
    r.check = c;
  }
  return r;
}
