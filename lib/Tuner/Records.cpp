//===- Records.cpp - A candidate's record and its wire format -------------===//

#include "tl/Tuner/Records.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <sstream>

using namespace mlir::tl;

namespace {
struct StatusName {
  CandidateStatus status;
  const char *name;
};
} // namespace

static constexpr StatusName kStatusNames[] = {
    {CandidateStatus::Pending, "pending"},
    {CandidateStatus::Ok, "ok"},
    {CandidateStatus::Pruned, "pruned"},
    {CandidateStatus::CompileError, "compile_error"},
    {CandidateStatus::CompileTimeout, "compile_timeout"},
    {CandidateStatus::CheckFailed, "check_failed"},
    {CandidateStatus::Crashed, "crashed"},
    {CandidateStatus::Timeout, "timeout"},
    {CandidateStatus::Error, "error"},
};

const char *mlir::tl::statusName(CandidateStatus status) {
  for (const StatusName &s : kStatusNames)
    if (s.status == status)
      return s.name;
  return "error";
}

std::optional<CandidateStatus> mlir::tl::parseStatus(llvm::StringRef name) {
  for (const StatusName &s : kStatusNames)
    if (name == s.name && s.status != CandidateStatus::Pending)
      return s.status;
  return std::nullopt;
}

double mlir::tl::median(std::vector<double> v) {
  if (v.empty())
    return 0;
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

llvm::json::Object mlir::tl::recordToJson(const CandidateRecord &r) {
  llvm::json::Value config = llvm::json::Object{};
  if (llvm::Expected<llvm::json::Value> v = llvm::json::parse(r.configJson))
    config = std::move(*v);
  else
    llvm::consumeError(v.takeError());
  llvm::json::Object o{{"index", r.index},
                       {"kernel", r.name},
                       {"config", std::move(config)},
                       {"status", statusName(r.status)},
                       {"compile_seconds", r.compileSeconds},
                       {"median_ms", r.medianMs},
                       {"tflops", r.tflops},
                       {"samples_ms", llvm::json::Array(r.samples)}};
  if (r.finishedSeconds > 0)
    o["finished_s"] = r.finishedSeconds;
  if (r.device >= 0)
    o["device"] = r.device;
  if (!r.message.empty())
    o["message"] = r.message;
  if (r.check.count) {
    o["checked_elements"] = static_cast<int64_t>(r.check.count);
    o["check_passed"] = r.check.passed;
    o["mismatched"] = static_cast<int64_t>(r.check.mismatched);
    o["max_abs_error"] = r.check.maxAbsError;
    o["max_rel_error"] = r.check.maxRelError;
  }
  return o;
}

std::string mlir::tl::recordLine(const CandidateRecord &record) {
  std::string s;
  llvm::raw_string_ostream(s) << llvm::json::Value(recordToJson(record));
  return s;
}

std::optional<CandidateRecord>
mlir::tl::parseRecord(const llvm::json::Object &o) {
  std::optional<llvm::StringRef> status = o.getString("status");
  std::optional<CandidateStatus> parsed =
      status ? parseStatus(*status) : std::nullopt;
  if (!o.getInteger("index") || !o.getString("kernel") || !parsed ||
      !o.getObject("config") || !o.getNumber("median_ms"))
    return std::nullopt;
  CandidateRecord r;
  r.index = *o.getInteger("index");
  r.name = o.getString("kernel")->str();
  llvm::raw_string_ostream(r.configJson) << *o.get("config");
  r.status = *parsed;
  r.message = o.getString("message").value_or("").str();
  r.compileSeconds = o.getNumber("compile_seconds").value_or(0);
  r.medianMs = *o.getNumber("median_ms");
  r.tflops = o.getNumber("tflops").value_or(0);
  r.finishedSeconds = o.getNumber("finished_s").value_or(0);
  r.device = static_cast<int>(o.getInteger("device").value_or(-1));
  if (const llvm::json::Array *s = o.getArray("samples_ms"))
    for (const llvm::json::Value &v : *s)
      r.samples.push_back(v.getAsNumber().value_or(0));
  r.check.count = o.getInteger("checked_elements").value_or(0);
  r.check.passed = o.getBoolean("check_passed").value_or(true);
  r.check.mismatched = o.getInteger("mismatched").value_or(0);
  r.check.maxAbsError = o.getNumber("max_abs_error").value_or(0);
  r.check.maxRelError = o.getNumber("max_rel_error").value_or(0);
  return r;
}

bool mlir::tl::parseCandidates(const std::string &jsonl,
                               const std::string &best,
                               std::vector<CandidateRecord> &records,
                               int &bestIndex, std::string &why) {
  records.clear();
  std::istringstream in(jsonl);
  std::string line;
  for (size_t n = 1; std::getline(in, line); ++n) {
    if (llvm::StringRef(line).trim().empty())
      continue;
    llvm::Expected<llvm::json::Value> v = llvm::json::parse(line);
    if (!v) {
      llvm::consumeError(v.takeError());
      why = "candidates.jsonl line " + std::to_string(n) + " is not JSON";
      return false;
    }
    const llvm::json::Object *o = v->getAsObject();
    std::optional<CandidateRecord> record = o ? parseRecord(*o) : std::nullopt;
    if (!record) {
      why = "candidates.jsonl line " + std::to_string(n) +
            " is not a candidate record";
      return false;
    }
    records.push_back(std::move(*record));
  }
  if (records.empty()) {
    why = "candidates.jsonl holds no candidate";
    return false;
  }
  int64_t index;
  if (llvm::StringRef(best).trim().getAsInteger(10, index) || index < 0 ||
      index >= static_cast<int64_t>(records.size()) ||
      records[index].status != CandidateStatus::Ok) {
    why = "best.txt does not name a passing candidate";
    return false;
  }
  bestIndex = static_cast<int>(index);
  return true;
}
