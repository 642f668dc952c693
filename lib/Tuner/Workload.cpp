//===- Workload.cpp - The inputs every candidate runs on ------------------===//

#include "tl/Tuner/Workload.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"

#include <fstream>
#include <unistd.h>

using namespace mlir::tl;

bool Workload::isOutput(size_t arg) const {
  return llvm::is_contained(outputs, arg);
}

const unsigned char *
Workload::initialBytes(size_t arg, std::vector<unsigned char> &scratch) const {
  const tlrt::ArgInfo &a = signature.args[arg];
  const GeneratedInput *g =
      arg < generated.size() && generated[arg] ? &*generated[arg] : nullptr;
  if (isOutput(arg)) {
    scratch.assign(a.byteSize(), 0); // zero in every dtype
  } else if (g) {
    scratch.resize(a.byteSize());
    tlrt::fillBuffer(scratch.data(), a.dtype, a.numElements(), g->supply,
                     g->seed);
  } else {
    return hostArgs[arg].data();
  }
  return scratch.data();
}

bool mlir::tl::fitsHostMemory(const tlrt::KernelInfo &info,
                              const std::vector<size_t> &outputs,
                              uint64_t copies, std::string &error) {
  uint64_t bytes = 0;
  for (size_t i = 0; i < info.args.size(); ++i)
    if (info.args[i].isTensor) {
      uint64_t size = info.args[i].byteSize();
      uint64_t n = copies + (llvm::is_contained(outputs, i) ? 1 : 0);
      if (__builtin_mul_overflow(size, n, &size) ||
          __builtin_add_overflow(bytes, size, &bytes))
        bytes = UINT64_MAX;
    }
  uint64_t memory = static_cast<uint64_t>(sysconf(_SC_PHYS_PAGES)) *
                    static_cast<uint64_t>(sysconf(_SC_PAGE_SIZE));
  if (bytes <= memory / 2)
    return true;
  error = llvm::formatv("the kernel's tensors need {0:F1} GiB of host memory "
                        "for the inputs, outputs and reference; this machine "
                        "has {1:F1} GiB (at most half of it is used): give "
                        "smaller sizes in --instantiate",
                        bytes / double(1ull << 30), memory / double(1ull << 30))
              .str();
  return false;
}

/// The argument indices --out-idx names, each a tensor the kernel writes.
static bool resolveOutputs(const std::vector<int> &outIdx,
                           const std::vector<tlrt::ArgInfo> &args,
                           std::vector<size_t> &outputs, std::string &error) {
  for (int o : outIdx) {
    int idx = o < 0 ? static_cast<int>(args.size()) + o : o;
    if (idx < 0 || idx >= static_cast<int>(args.size()) ||
        !args[idx].isTensor) {
      error = "--out-idx " + std::to_string(o) +
              " does not name a tensor argument (the kernel has " +
              std::to_string(args.size()) + " arguments)";
      return false;
    }
    if (llvm::is_contained(outputs, static_cast<size_t>(idx))) {
      error = "--out-idx " + std::to_string(o) + " names argument " +
              std::to_string(idx) + " a second time";
      return false;
    }
    if (!args[idx].mayBeWritten()) {
      std::string written;
      for (size_t i = 0; i < args.size(); ++i)
        if (args[i].isTensor && args[i].mayBeWritten())
          written += (written.empty() ? "" : ", ") + std::to_string(i);
      error = "--out-idx " + std::to_string(o) + " names argument " +
              std::to_string(idx) +
              ", which the kernel never writes; the arguments it writes are " +
              (written.empty() ? std::string("none") : written);
      return false;
    }
    outputs.push_back(idx);
  }
  return true;
}

/// Reads the --input files into the inputs in order; the inputs after them
/// are generated as --supply-type says (described here, made where used).
static bool fillInputs(const ProfileOptions &profile, Workload &workload,
                       std::string &error) {
  const auto &args = workload.signature.args;
  size_t numInputs = 0;
  for (size_t i = 0; i < args.size(); ++i)
    numInputs += args[i].isTensor && !workload.isOutput(i);
  if (profile.inputFiles.size() > numInputs) {
    error = "got " + std::to_string(profile.inputFiles.size()) +
            " --input files but the kernel has " + std::to_string(numInputs) +
            " input tensors";
    return false;
  }
  workload.hostArgs.assign(args.size(), {});
  workload.generated.assign(args.size(), std::nullopt);
  workload.scalarValues.assign(args.size(), 1.0);
  size_t inputNumber = 0;
  for (size_t i = 0; i < args.size(); ++i) {
    if (!args[i].isTensor || workload.isOutput(i))
      continue;
    if (inputNumber < profile.inputFiles.size()) {
      tlrt::NpyArray array;
      const std::string &path = profile.inputFiles[inputNumber];
      if (!tlrt::readNpy(path, array, error))
        return false;
      if (!tlrt::holdsValuesOf(array, args[i].dtype) ||
          array.shape != args[i].shape) {
        error = path + " holds " +
                (array.bitPatterns ? std::string("unsigned ") : std::string()) +
                tlrt::dtypeName(array.dtype) +
                " of another dtype or shape than argument " +
                std::to_string(i) + " (" + tlrt::dtypeName(args[i].dtype) +
                "; bf16 and fp8 tensors as their bit patterns in uint16 / "
                "uint8)";
        return false;
      }
      workload.hostArgs[i] = std::move(array.data);
    } else {
      workload.generated[i] =
          GeneratedInput{profile.supply, profile.seed * 1000003 + i};
    }
    ++inputNumber;
  }
  return true;
}

/// Reads the --ref files, one per output.
static bool readReferences(const ProfileOptions &profile, Workload &workload,
                           std::string &error) {
  const auto &args = workload.signature.args;
  if (profile.refFiles.size() != workload.outputs.size()) {
    error = "give one --ref file per output (" +
            std::to_string(workload.outputs.size()) + ")";
    return false;
  }
  for (size_t o = 0; o < workload.outputs.size(); ++o) {
    tlrt::NpyArray array;
    const std::string &path = profile.refFiles[o];
    if (!tlrt::readNpy(path, array, error))
      return false;
    int64_t expected = args[workload.outputs[o]].numElements();
    if (static_cast<int64_t>(array.numElements()) != expected) {
      error = path + " holds " + std::to_string(array.numElements()) +
              " elements; output argument " +
              std::to_string(workload.outputs[o]) + " has " +
              std::to_string(expected);
      return false;
    }
    // Bit patterns are the output's own dtype (bf16, fp8).
    tlrt::DType outDtype = args[workload.outputs[o]].dtype;
    if (array.bitPatterns && !tlrt::holdsValuesOf(array, outDtype)) {
      error = path + " holds unsigned bit patterns; output argument " +
              std::to_string(workload.outputs[o]) + " is " +
              tlrt::dtypeName(outDtype) + " (only bf16 and fp8 take them)";
      return false;
    }
    workload.reference.push_back(
        Reference{array.bitPatterns ? outDtype : array.dtype, array.data});
  }
  return true;
}

bool mlir::tl::buildWorkload(const ProfileOptions &profile,
                             const std::string &kernelJson, Workload &workload,
                             std::string &error) {
  if (!tlrt::loadKernelInfo(kernelJson, workload.signature, error) ||
      !resolveOutputs(profile.outIdx, workload.signature.args, workload.outputs,
                      error))
    return false;
  // Refused before anything is allocated: the host copies of every
  // tensor, and for outputs the reference and the reference run's copy.
  if (!fitsHostMemory(workload.signature, workload.outputs, 2, error) ||
      !fillInputs(profile, workload, error))
    return false;
  if (profile.skipCheck || profile.refFiles.empty())
    return true;
  return readReferences(profile, workload, error);
}

bool ArgumentBinding::bind(const tlrt::KernelInfo &info,
                           const std::function<void *(size_t)> &tensor,
                           const std::function<double(size_t)> &scalar) {
  size_t n = info.args.size();
  pointers.assign(n, nullptr);
  scalars.assign(n, 0);
  args.assign(n, nullptr);
  for (size_t i = 0; i < n; ++i) {
    if (!info.args[i].isTensor) {
      tlrt::storeElement(&scalars[i], info.args[i].dtype, 0, scalar(i));
      args[i] = &scalars[i];
      continue;
    }
    pointers[i] = tensor(i);
    if (!pointers[i])
      return false;
    args[i] = &pointers[i];
  }
  return true;
}

bool mlir::tl::writeWorkerSetup(const WorkerSetup &setup,
                                const std::string &path, std::string &error) {
  const Workload &w = setup.work;
  llvm::json::Array sizes, generated, reference;
  for (const std::vector<unsigned char> &arg : w.hostArgs)
    sizes.push_back(static_cast<int64_t>(arg.size()));
  for (size_t i = 0; i < w.hostArgs.size(); ++i) {
    const std::optional<GeneratedInput> &g =
        i < w.generated.size() ? w.generated[i] : std::nullopt;
    generated.push_back(g ? llvm::json::Value(llvm::json::Object{
                                {"supply", tlrt::supplyTypeName(g->supply)},
                                {"seed", std::to_string(g->seed)}})
                          : llvm::json::Value(nullptr));
  }
  for (const Reference &r : w.reference)
    reference.push_back(
        llvm::json::Object{{"dtype", tlrt::dtypeName(r.dtype)},
                           {"bytes", static_cast<int64_t>(r.data.size())}});
  llvm::json::Array outputs;
  for (size_t o : w.outputs)
    outputs.push_back(static_cast<int64_t>(o));
  llvm::json::Object header{
      {"signature", tlrt::writeKernelInfo(w.signature)},
      {"arg_bytes", std::move(sizes)},
      {"generated", std::move(generated)},
      {"scalars", llvm::json::Array(w.scalarValues)},
      {"outputs", std::move(outputs)},
      {"reference", std::move(reference)},
      {"reference_file", w.referenceFile},
      {"device", setup.device},
      {"host_threads", static_cast<int64_t>(setup.hostThreads)},
      {"rtol", setup.tolerance.rtol},
      {"atol", setup.tolerance.atol},
      {"max_mismatched_ratio", setup.tolerance.maxMismatchedRatio}};
  std::string part = path + ".part";
  {
    std::ofstream out(part, std::ios::binary);
    std::string line;
    llvm::raw_string_ostream(line) << llvm::json::Value(std::move(header));
    out << line << "\n";
    for (const std::vector<unsigned char> &arg : w.hostArgs)
      out.write(reinterpret_cast<const char *>(arg.data()), arg.size());
    for (const Reference &r : w.reference)
      out.write(reinterpret_cast<const char *>(r.data.data()), r.data.size());
    if (!out) {
      error = "cannot write the workers' inputs to " + part;
      return false;
    }
  }
  if (std::rename(part.c_str(), path.c_str()) != 0) {
    error = "cannot rename " + part + " to " + path;
    return false;
  }
  return true;
}

std::optional<WorkerSetup> mlir::tl::readWorkerSetup(const std::string &path,
                                                     std::string &error) {
  auto fail = [&](const std::string &why) -> std::optional<WorkerSetup> {
    error = path + ": " + why;
    return std::nullopt;
  };
  std::ifstream in(path, std::ios::binary);
  std::string line;
  if (!in || !std::getline(in, line))
    return fail("cannot be read");
  llvm::Expected<llvm::json::Value> parsed = llvm::json::parse(line);
  if (!parsed) {
    llvm::consumeError(parsed.takeError());
    return fail("the header is not JSON");
  }
  const llvm::json::Object *h = parsed->getAsObject();
  const llvm::json::Array *sizes = h ? h->getArray("arg_bytes") : nullptr;
  const llvm::json::Array *generated = h ? h->getArray("generated") : nullptr;
  const llvm::json::Array *scalars = h ? h->getArray("scalars") : nullptr;
  const llvm::json::Array *outputs = h ? h->getArray("outputs") : nullptr;
  const llvm::json::Array *reference = h ? h->getArray("reference") : nullptr;
  std::optional<llvm::StringRef> signature =
      h ? h->getString("signature") : std::nullopt;
  if (!sizes || !generated || !scalars || !outputs || !reference || !signature)
    return fail("the header lacks a field of the worker setup");
  WorkerSetup s;
  std::string why;
  if (!tlrt::parseKernelInfo(signature->str(), s.work.signature, why))
    return fail(why);
  size_t n = s.work.signature.args.size();
  if (sizes->size() != n || generated->size() != n || scalars->size() != n)
    return fail("the header's argument lists do not match the signature");
  auto readBytes = [&](std::vector<unsigned char> &into, int64_t bytes) {
    into.resize(static_cast<size_t>(std::max<int64_t>(bytes, 0)));
    in.read(reinterpret_cast<char *>(into.data()), into.size());
    return static_cast<bool>(in);
  };
  s.work.hostArgs.resize(n);
  s.work.generated.resize(n);
  for (size_t i = 0; i < n; ++i) {
    if (!readBytes(s.work.hostArgs[i], (*sizes)[i].getAsInteger().value_or(0)))
      return fail("ends before argument " + std::to_string(i) + "'s bytes");
    s.work.scalarValues.push_back((*scalars)[i].getAsNumber().value_or(1.0));
    if ((*generated)[i].kind() == llvm::json::Value::Null)
      continue;
    const llvm::json::Object *g = (*generated)[i].getAsObject();
    std::optional<tlrt::SupplyType> supply =
        g && g->getString("supply")
            ? tlrt::parseSupplyType(g->getString("supply")->str())
            : std::nullopt;
    uint64_t seed = 0;
    if (!supply || !g->getString("seed") ||
        g->getString("seed")->getAsInteger(10, seed))
      return fail("argument " + std::to_string(i) +
                  "'s generator is unreadable");
    s.work.generated[i] = GeneratedInput{*supply, seed};
  }
  for (const llvm::json::Value &o : *outputs) {
    int64_t i = o.getAsInteger().value_or(-1);
    if (i < 0 || static_cast<size_t>(i) >= n)
      return fail("an output index is out of range");
    s.work.outputs.push_back(static_cast<size_t>(i));
  }
  for (const llvm::json::Value &v : *reference) {
    const llvm::json::Object *r = v.getAsObject();
    std::optional<tlrt::DType> dtype =
        r && r->getString("dtype")
            ? tlrt::parseDType(r->getString("dtype")->str())
            : std::nullopt;
    Reference ref{dtype.value_or(tlrt::DType::F32), {}};
    if (!dtype || !readBytes(ref.data, r->getInteger("bytes").value_or(0)))
      return fail("a reference output is unreadable");
    s.work.reference.push_back(std::move(ref));
  }
  s.work.referenceFile = h->getString("reference_file").value_or("").str();
  s.device = h->getString("device").value_or("host").str();
  s.hostThreads =
      static_cast<unsigned>(h->getInteger("host_threads").value_or(0));
  s.tolerance.rtol = h->getNumber("rtol").value_or(s.tolerance.rtol);
  s.tolerance.atol = h->getNumber("atol").value_or(s.tolerance.atol);
  s.tolerance.maxMismatchedRatio =
      h->getNumber("max_mismatched_ratio")
          .value_or(s.tolerance.maxMismatchedRatio);
  return s;
}
