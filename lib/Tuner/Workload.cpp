//===- Workload.cpp - The inputs every candidate runs on ------------------===//

#include "tl/Tuner/Workload.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FormatVariadic.h"

#include <unistd.h>

using namespace mlir::tl;

bool Workload::isOutput(size_t arg) const {
  return llvm::is_contained(outputs, arg);
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

/// Fills the host copy of every input: from the --input files in order,
/// then generated as --supply-type says; outputs start as zeros.
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
  workload.hostArgs.resize(args.size());
  workload.scalarValues.assign(args.size(), 1.0);
  size_t inputNumber = 0;
  for (size_t i = 0; i < args.size(); ++i) {
    if (!args[i].isTensor)
      continue;
    workload.hostArgs[i].resize(args[i].byteSize());
    if (workload.isOutput(i)) {
      tlrt::fillBuffer(workload.hostArgs[i].data(), args[i].dtype,
                       args[i].numElements(), tlrt::SupplyType::Zero, 0);
      continue;
    }
    if (inputNumber < profile.inputFiles.size()) {
      tlrt::NpyArray array;
      const std::string &path = profile.inputFiles[inputNumber];
      if (!tlrt::readNpy(path, array, error))
        return false;
      if (array.dtype != args[i].dtype || array.shape != args[i].shape) {
        error = path + " holds " + tlrt::dtypeName(array.dtype) +
                " of another shape than argument " + std::to_string(i) + " (" +
                tlrt::dtypeName(args[i].dtype) + ")";
        return false;
      }
      workload.hostArgs[i] = array.data;
    } else {
      tlrt::fillBuffer(workload.hostArgs[i].data(), args[i].dtype,
                       args[i].numElements(), profile.supply,
                       profile.seed * 1000003 + i);
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
    workload.reference.push_back(Reference{array.dtype, array.data});
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
