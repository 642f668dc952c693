//===- Host.cpp - Compile tl kernels to native shared objects -------------===//

#include "tl/Target/Host.h"

#include "tl/Conversion/Passes.h"
#include "tl/Dialect/TL/IR/TLOps.h"
#include "tl/Target/CapturedDiagnostics.h"
#include "tl/Target/KernelMetadata.h"

#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Object/ELFObjectFile.h"
#include "llvm/Object/ObjectFile.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Host.h"

#include <dlfcn.h>
#include <mutex>

using namespace mlir;
using namespace mlir::tl;

static void initializeNativeTarget() {
  static std::once_flag once;
  std::call_once(once, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
  });
}

/// The highest x86-64 level whose features this CPU has, up to v3 (v4's
/// AVX-512 buys the 8-lane micro-kernel nothing).
static std::string detectCpuLevel() {
  llvm::StringMap<bool> features = llvm::sys::getHostCPUFeatures();
  auto has = [&](std::initializer_list<StringRef> names) {
    return llvm::all_of(names, [&](StringRef n) { return features.lookup(n); });
  };
  if (!has({"cx16", "sahf", "popcnt", "sse3", "sse4.1", "sse4.2", "ssse3"}))
    return "x86-64";
  if (!has({"avx", "avx2", "bmi", "bmi2", "f16c", "fma", "lzcnt", "movbe",
            "xsave"}))
    return "x86-64-v2";
  return "x86-64-v3";
}

FailureOr<std::string> mlir::tl::resolveHostCpu(StringRef requested,
                                                std::string &error) {
  std::string cpu = requested.str();
  StringRef from = "the cpu option";
  if (cpu.empty()) {
    cpu = llvm::sys::Process::GetEnv("TILEMLIR_HOST_CPU").value_or("");
    from = "TILEMLIR_HOST_CPU";
  }
  if (cpu.empty())
    return detectCpuLevel();
  if (!isHostCpuLevel(cpu)) {
    error = (from + " is '" + cpu +
             "'; host code is compiled for x86-64, x86-64-v2, x86-64-v3 or "
             "x86-64-v4")
                .str();
    return failure();
  }
  return cpu;
}

/// A TargetMachine for the x86-64 level `cpu`: the features that level
/// implies and no others, so the code runs on every CPU of that level, not
/// only on the one it was built on.
static std::unique_ptr<llvm::TargetMachine>
createHostTargetMachine(StringRef cpu, unsigned optLevel, std::string &error) {
  initializeNativeTarget();
  llvm::Triple triple(llvm::sys::getProcessTriple());
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return nullptr;
  if (!triple.isX86() || !triple.isArch64Bit()) {
    error = "host kernels are compiled for x86-64; this is " +
            triple.getArchName().str();
    return nullptr;
  }
  auto level = optLevel >= 3   ? llvm::CodeGenOptLevel::Aggressive
               : optLevel == 2 ? llvm::CodeGenOptLevel::Default
               : optLevel == 1 ? llvm::CodeGenOptLevel::Less
                               : llvm::CodeGenOptLevel::None;
  return std::unique_ptr<llvm::TargetMachine>(
      target->createTargetMachine(triple, cpu, "", llvm::TargetOptions(),
                                  llvm::Reloc::PIC_, std::nullopt, level));
}

FailureOr<std::string> mlir::tl::emitHostObject(Operation *llvmModule,
                                                StringRef cpu,
                                                unsigned optLevel,
                                                std::string &error) {
  std::unique_ptr<llvm::TargetMachine> tm =
      createHostTargetMachine(cpu, optLevel, error);
  if (!tm)
    return failure();
  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> module =
      translateModuleToLLVMIR(llvmModule, llvmContext);
  if (!module) {
    error = "translation to LLVM IR failed";
    return failure();
  }
  module->setTargetTriple(tm->getTargetTriple());
  module->setDataLayout(tm->createDataLayout());
  auto optimize = makeOptimizingTransformer(optLevel, 0, tm.get());
  if (llvm::Error err = optimize(module.get())) {
    error = "LLVM optimization failed: " + llvm::toString(std::move(err));
    return failure();
  }
  SmallString<0> object;
  llvm::raw_svector_ostream stream(object);
  llvm::legacy::PassManager codegen;
  if (tm->addPassesToEmitFile(codegen, stream, nullptr,
                              llvm::CodeGenFileType::ObjectFile)) {
    error = "the host target cannot emit object files";
    return failure();
  }
  codegen.run(*module);
  return std::string(object.str());
}

/// ld.lld: where TileMLIR's own programs are (findCompanionTool), else
/// LLVM 22's.
static std::string findLinker(const HostCompileOptions &options) {
  if (!options.linker.empty())
    return options.linker;
  for (StringRef name : {"ld.lld", "ld.lld-22"})
    if (std::string found = findCompanionTool(name); !found.empty())
      return found;
  if (llvm::sys::fs::can_execute("/usr/lib/llvm-22/bin/ld.lld"))
    return "/usr/lib/llvm-22/bin/ld.lld";
  return "";
}

LogicalResult mlir::tl::checkUndefinedSymbols(StringRef soPath,
                                              std::string &error) {
  llvm::Expected<llvm::object::OwningBinary<llvm::object::ObjectFile>> file =
      llvm::object::ObjectFile::createObjectFile(soPath);
  if (!file) {
    error =
        "cannot read " + soPath.str() + ": " + llvm::toString(file.takeError());
    return failure();
  }
  auto *elf = dyn_cast<llvm::object::ELFObjectFileBase>(file->getBinary());
  if (!elf) {
    error = soPath.str() + " is not an ELF shared object";
    return failure();
  }
  // What libc and libm export, looked up in the libraries themselves.
  static void *libc = dlopen("libc.so.6", RTLD_NOW | RTLD_NOLOAD);
  static void *libm = dlopen("libm.so.6", RTLD_NOW);
  SmallVector<std::string> missing;
  for (const llvm::object::ELFSymbolRef &symbol :
       elf->getDynamicSymbolIterators()) {
    llvm::Expected<uint32_t> flags = symbol.getFlags();
    if (!flags) {
      llvm::consumeError(flags.takeError());
      continue;
    }
    if (!(*flags & llvm::object::SymbolRef::SF_Undefined) ||
        (*flags & llvm::object::SymbolRef::SF_Weak))
      continue;
    llvm::Expected<StringRef> name = symbol.getName();
    if (!name) {
      llvm::consumeError(name.takeError());
      continue;
    }
    if (name->empty())
      continue;
    std::string n = name->str();
    if (!(libc && dlsym(libc, n.c_str())) && !(libm && dlsym(libm, n.c_str())))
      missing.push_back(n);
  }
  if (missing.empty())
    return success();
  error = soPath.str() + " needs " + llvm::join(missing, ", ") +
          ", which neither libc nor libm provides: the host lowering left a "
          "compiler runtime call (a bug; please report it with the kernel)";
  return failure();
}

LogicalResult mlir::tl::linkSharedObject(StringRef objectPath, StringRef soPath,
                                         const HostCompileOptions &options,
                                         std::string &error) {
  std::string linker = findLinker(options);
  if (linker.empty()) {
    error = "no ld.lld found (looked beside the tool, in the bin/ beside "
            "the TileMLIR library, on PATH and in "
            "/usr/lib/llvm-22/bin); install lld-22 or pass its path";
    return failure();
  }
  if (failed(runTool({linker, "-shared", "--no-undefined-version", "-o", soPath,
                      objectPath},
                     options.deadline, error))) {
    error = "linking " + soPath.str() + ": " + error;
    return failure();
  }
  return checkUndefinedSymbols(soPath, error);
}

void mlir::tl::preloadPipelineDialects(MLIRContext *ctx) {
  DialectRegistry registry;
  PassManager host(ctx, ModuleOp::getOperationName());
  buildLowerToHostPipeline(host, LowerToHostOptions());
  host.getDependentDialects(registry);
  PassManager cuda(ctx, ModuleOp::getOperationName());
  LowerToNVVMOptions nvvm;
  nvvm.format = "none";
  buildLowerToNVVMPipeline(cuda, nvvm);
  cuda.getDependentDialects(registry);
  ctx->appendDialectRegistry(registry);
  ctx->loadAllAvailableDialects();
}

std::string mlir::tl::describeCompile(const HostCompileOptions &options) {
  LowerToHostOptions lower;
  lower.vectorWidth = options.vectorWidth;
  lower.cpu = options.cpu;
  std::string text = "tl-lower-to-host";
  llvm::raw_string_ostream os(text);
  lower.print(os);
  os << " -O" << options.optLevel;
  return text;
}

LogicalResult mlir::tl::compileHostKernel(ModuleOp module, StringRef dir,
                                          const HostCompileOptions &options,
                                          std::string &error) {
  FailureOr<FuncOp> kernel = getSingleKernel(module, error);
  if (failed(kernel))
    return failure();
  std::string symbol = kernel->getSymName().str() + "_packed";
  FailureOr<tlrt::KernelInfo> metadata =
      describeKernel(*kernel, "host", symbol, error);
  if (failed(metadata))
    return failure();

  FailureOr<std::string> cpu = resolveHostCpu(options.cpu, error);
  if (failed(cpu))
    return failure();
  metadata->cpu = *cpu;

  // Diagnostics of the pipeline become the error message.
  CapturedDiagnostics diagnostics(module.getContext());
  PassManager pm(module.getContext(), ModuleOp::getOperationName());
  LowerToHostOptions lowerOptions;
  lowerOptions.vectorWidth = options.vectorWidth;
  lowerOptions.cpu = *cpu;
  buildLowerToHostPipeline(pm, lowerOptions);
  if (failed(pm.run(module))) {
    error = "lowering to the host failed: " + diagnostics.str();
    return failure();
  }
  if (failed(
          checkDeadline(options.deadline, "the lowering to the host", error)))
    return failure();
  FailureOr<std::string> object =
      emitHostObject(module, *cpu, options.optLevel, error);
  if (failed(object))
    return failure();

  if (std::error_code ec = llvm::sys::fs::create_directories(dir)) {
    error = "cannot create " + dir.str() + ": " + ec.message();
    return failure();
  }
  std::string objectPath = (dir + "/kernel.o").str();
  if (failed(writeFile(objectPath, *object, error)) ||
      failed(linkSharedObject(objectPath, (dir + "/kernel.so").str(), options,
                              error)))
    return failure();
  llvm::sys::fs::remove(objectPath);
  // kernel.json last: a directory with it holds a complete kernel.
  return writeKernelMetadata(dir, *metadata, error);
}
