//===- host_gemm.cpp - The example GEMM on the host against OpenBLAS ------===//
//
// Expands examples/matmul.mlir in f32 at M=N=K (default 1024) for the host,
// compiles every config, times each with T threads (median of --reps runs
// after --warmup), times OpenBLAS's cblas_sgemm with the same T threads on
// the same data in the same run, checks the best config's output against
// OpenBLAS's, and prints a table.
//
//   tl-bench-host-gemm [size] [threads] [reps]
//
//===----------------------------------------------------------------------===//

#include "tl/InitAll.h"
#include "tl/Runtime/Compare.h"
#include "tl/Runtime/Kernel.h"
#include "tl/Target/Host.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <cblas.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <thread>

using namespace mlir;

static double medianSeconds(const std::function<void()> &fn, int warmup,
                            int reps) {
  for (int i = 0; i < warmup; ++i)
    fn();
  std::vector<double> samples;
  for (int i = 0; i < reps; ++i) {
    auto start = std::chrono::steady_clock::now();
    fn();
    samples.push_back(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count());
  }
  std::sort(samples.begin(), samples.end());
  return samples[samples.size() / 2];
}

int main(int argc, char **argv) {
  int size = argc > 1 ? std::atoi(argv[1]) : 1024;
  unsigned threads = argc > 2
                         ? std::atoi(argv[2])
                         : std::max(1u, std::thread::hardware_concurrency());
  int reps = argc > 3 ? std::atoi(argv[3]) : 5;
  int warmup = 2;

  DialectRegistry registry;
  tl::registerAllDialects(registry);
  tl::registerAllPasses();
  MLIRContext ctx(registry);
  ctx.loadAllAvailableDialects();

  auto file = llvm::MemoryBuffer::getFile(std::string(TL_SOURCE_DIR) +
                                          "/examples/matmul.mlir");
  if (!file) {
    std::fprintf(stderr, "cannot read examples/matmul.mlir\n");
    return 1;
  }
  std::string source = (*file)->getBuffer().str();
  for (size_t pos = 0; (pos = source.find("xf16", pos)) != std::string::npos;)
    source.replace(pos, 4, "xf32");

  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(source, &ctx);
  PassManager pm(&ctx);
  std::string n = std::to_string(size);
  if (!module ||
      failed(parsePassPipeline("tl-expand-configs{target=host instantiate=M=" +
                                   n + ",N=" + n + ",K=" + n + "}",
                               pm)) ||
      failed(pm.run(*module))) {
    std::fprintf(stderr, "expansion failed\n");
    return 1;
  }

  SmallString<128> dir;
  llvm::sys::fs::createUniqueDirectory("tl-bench-host", dir);
  std::vector<std::unique_ptr<tlrt::HostKernel>> kernels;
  int index = 0;
  auto compileStart = std::chrono::steady_clock::now();
  for (ModuleOp config : module->getBody()->getOps<ModuleOp>()) {
    SmallString<128> out(dir);
    llvm::sys::path::append(out, std::to_string(index++));
    std::string error;
    tlrt::KernelInfo info;
    if (failed(tl::compileHostKernel(config, out, {}, error)) ||
        !tlrt::loadKernelInfo((out + "/kernel.json").str(), info, error)) {
      std::fprintf(stderr, "%s\n", error.c_str());
      return 1;
    }
    auto kernel =
        tlrt::HostKernel::load((out + "/kernel.so").str(), info, error);
    if (!kernel) {
      std::fprintf(stderr, "%s\n", error.c_str());
      return 1;
    }
    kernels.push_back(std::move(kernel));
  }
  double compileSeconds = std::chrono::duration<double>(
                              std::chrono::steady_clock::now() - compileStart)
                              .count();

  size_t elems = static_cast<size_t>(size) * size;
  std::vector<float> a(elems), b(elems), c(elems), ref(elems);
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> uniform(-1, 1);
  for (size_t i = 0; i < elems; ++i) {
    a[i] = uniform(rng);
    b[i] = uniform(rng);
  }
  void *pa = a.data(), *pb = b.data(), *pc = c.data();
  void *args[] = {&pa, &pb, &pc};
  double flops = 2.0 * size * size * size;

  std::printf("%-62s %10s %9s\n", "config", "ms", "GFLOP/s");
  double best = 1e30;
  size_t bestIndex = 0;
  for (size_t i = 0; i < kernels.size(); ++i) {
    double t =
        medianSeconds([&] { kernels[i]->launch(args, threads); }, warmup, reps);
    std::printf("%-62s %10.2f %9.1f\n", kernels[i]->info().name.c_str(),
                t * 1e3, flops / t * 1e-9);
    if (t < best) {
      best = t;
      bestIndex = i;
    }
  }

  openblas_set_num_threads(static_cast<int>(threads));
  double blas = medianSeconds(
      [&] {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, size, size, size,
                    1.0f, a.data(), size, b.data(), size, 0.0f, ref.data(),
                    size);
      },
      warmup, reps);

  // The best config's output against OpenBLAS's.
  kernels[bestIndex]->launch(args, threads);
  std::vector<double> want(ref.begin(), ref.end());
  tlrt::CompareResult check =
      tlrt::compare(c.data(), tlrt::DType::F32, want.data(), elems);

  std::printf("\nM=N=K=%d f32, %u threads, median of %d after %d warm-up\n",
              size, threads, reps, warmup);
  std::printf("compiled %zu configs in %.2f s\n", kernels.size(),
              compileSeconds);
  std::printf("%-24s %10s %9s %8s\n", "", "ms", "GFLOP/s", "vs BLAS");
  std::printf("%-24s %10.2f %9.1f %7.1f%%\n", "best tl config", best * 1e3,
              flops / best * 1e-9, 100.0 * blas / best);
  std::printf("%-24s %10.2f %9.1f %7.1f%%\n", "OpenBLAS cblas_sgemm",
              blas * 1e3, flops / blas * 1e-9, 100.0);
  std::printf("best: %s\ncheck against OpenBLAS: %s\n",
              kernels[bestIndex]->info().name.c_str(), check.summary().c_str());
  llvm::sys::fs::remove_directories(dir);
  return check.passed ? 0 : 1;
}
