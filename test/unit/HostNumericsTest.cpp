//===- HostNumericsTest.cpp - Every op, run on the host, against double ---===//
//
// Each test compiles tl kernels through the real pipeline (tl-expand-configs,
// tl-lower-to-host, LLVM, ld.lld), runs them through the runtime on seeded
// random inputs, and compares the outputs with a straightforward reference
// computed in double precision from the same inputs.
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
#include "gtest/gtest.h"

#include <cmath>
#include <cstring>
#include <functional>
#include <iostream>
#include <random>

using namespace mlir;
using namespace tlrt;

namespace {

/// Buffers for every argument of a kernel, seeded random inputs.
struct Buffers {
  std::vector<std::vector<unsigned char>> data;
  std::vector<void *> pointers; // data pointers (tensors) / scalar storage
  std::vector<void *> args;     // args[i] = &pointers[i] or scalar address
  std::vector<double> scalars;

  double at(size_t arg, size_t i, const KernelInfo &info) const {
    return loadElement(data[arg].data(), info.args[arg].dtype, i);
  }
};

class HostNumerics : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    registry = new DialectRegistry();
    tl::registerAllDialects(*registry);
    tl::registerAllPasses();
  }

  HostNumerics() : ctx(*registry) { ctx.loadAllAvailableDialects(); }

  /// Expands `source` with `expand` options for the host, compiles every
  /// kept config and loads it.
  std::vector<std::unique_ptr<HostKernel>> compile(const std::string &source,
                                                   const std::string &expand) {
    std::vector<std::unique_ptr<HostKernel>> kernels;
    OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(source, &ctx);
    EXPECT_TRUE(module);
    if (!module)
      return kernels;
    PassManager pm(&ctx);
    std::string pipeline = "tl-expand-configs{target=host " + expand + "}";
    EXPECT_TRUE(succeeded(parsePassPipeline(pipeline, pm))) << pipeline;
    std::string diagnostics;
    ScopedDiagnosticHandler handler(&ctx, [&](Diagnostic &diag) {
      if (diag.getSeverity() == DiagnosticSeverity::Error)
        diagnostics += diag.str() + "\n";
      return success();
    });
    if (failed(pm.run(*module))) {
      ADD_FAILURE() << "tl-expand-configs failed: " << diagnostics;
      return kernels;
    }
    SmallString<128> dir;
    EXPECT_FALSE(llvm::sys::fs::createUniqueDirectory("tl-host-test", dir));
    tl::HostCompileOptions options;
    options.cpu = cpu;
    // A template expands into one nested module per config; an already
    // specialized kernel is compiled as it is.
    SmallVector<ModuleOp> configs(module->getBody()->getOps<ModuleOp>());
    if (configs.empty())
      configs.push_back(*module);
    int i = 0;
    for (ModuleOp config : configs) {
      SmallString<128> out(dir);
      llvm::sys::path::append(out, std::to_string(i++));
      std::string error;
      if (failed(tl::compileHostKernel(config, out, options, error))) {
        ADD_FAILURE() << error;
        continue;
      }
      KernelInfo info;
      EXPECT_TRUE(loadKernelInfo((out + "/kernel.json").str(), info, error))
          << error;
      std::unique_ptr<HostKernel> kernel =
          HostKernel::load((out + "/kernel.so").str(), info, error);
      EXPECT_TRUE(kernel) << error;
      if (kernel)
        kernels.push_back(std::move(kernel));
    }
    llvm::sys::fs::remove_directories(dir);
    return kernels;
  }

  std::unique_ptr<HostKernel> compileOne(const std::string &source,
                                         const std::string &expand = "") {
    auto kernels = compile(source, expand);
    EXPECT_EQ(kernels.size(), 1u);
    return kernels.empty() ? nullptr : std::move(kernels.front());
  }

  /// Random inputs for every tensor (uniform in [-1, 1], integers in
  /// [-8, 8]), `guard` extra elements of canary after each tensor, and the
  /// given scalar values.
  static Buffers makeBuffers(const KernelInfo &info, unsigned seed,
                             std::vector<double> scalarValues = {},
                             size_t guard = 0) {
    Buffers b;
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> uniform(-1, 1);
    std::uniform_int_distribution<int> ints(-8, 8);
    b.data.resize(info.args.size());
    b.pointers.resize(info.args.size());
    b.args.resize(info.args.size());
    size_t nextScalar = 0;
    for (size_t i = 0; i < info.args.size(); ++i) {
      const ArgInfo &arg = info.args[i];
      if (!arg.isTensor) {
        b.data[i].resize(8);
        double v =
            nextScalar < scalarValues.size() ? scalarValues[nextScalar++] : 1.0;
        storeElement(b.data[i].data(), arg.dtype, 0, v);
        b.args[i] = b.data[i].data();
        continue;
      }
      size_t n = arg.numElements() + guard;
      b.data[i].resize(n * dtypeSize(arg.dtype));
      for (size_t e = 0; e < n; ++e)
        storeElement(b.data[i].data(), arg.dtype, e,
                     e >= static_cast<size_t>(arg.numElements())
                         ? 123.0
                         : (isFloat(arg.dtype) ? uniform(rng) : ints(rng)));
      b.pointers[i] = b.data[i].data();
      b.args[i] = &b.pointers[i];
    }
    return b;
  }

  static void expectClose(const Buffers &b, size_t arg, const KernelInfo &info,
                          const std::vector<double> &want,
                          const std::string &what, Tolerance tol = {}) {
    CompareResult r = compare(b.data[arg].data(), info.args[arg].dtype,
                              want.data(), want.size(), tol);
    EXPECT_TRUE(r.passed) << what << ": " << r.summary();
  }

  static DialectRegistry *registry;
  MLIRContext ctx;
  /// The x86-64 level to compile for (empty: the default choice).
  std::string cpu;
};

DialectRegistry *HostNumerics::registry = nullptr;

std::string readExample(const char *name) {
  auto buffer = llvm::MemoryBuffer::getFile(std::string(TL_SOURCE_DIR) +
                                            "/examples/" + name);
  EXPECT_TRUE(buffer) << name;
  return buffer ? (*buffer)->getBuffer().str() : "";
}

std::string replaceAll(std::string s, const std::string &from,
                       const std::string &to) {
  for (size_t pos = 0; (pos = s.find(from, pos)) != std::string::npos;
       pos += to.size())
    s.replace(pos, from.size(), to);
  return s;
}

/// C = A * B in double from the kernel's own inputs (args 0, 1; C is 2).
std::vector<double> gemmReference(const Buffers &b, const KernelInfo &info,
                                  bool transA = false, bool transB = false) {
  int64_t m = info.args[2].shape[0], n = info.args[2].shape[1];
  int64_t k = info.args[0].shape[transA ? 0 : 1];
  std::vector<double> c(m * n, 0.0);
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      double sum = 0;
      for (int64_t p = 0; p < k; ++p)
        sum += b.at(0, transA ? p * m + i : i * k + p, info) *
               b.at(1, transB ? j * k + p : p * n + j, info);
      c[i * n + j] = sum;
    }
  return c;
}

//===----------------------------------------------------------------------===//
// The example GEMM: every kept config, three dtypes, two shapes
//===----------------------------------------------------------------------===//

struct GemmCase {
  const char *dtype;
  int m, n, k;
};

class ExampleGemm : public HostNumerics,
                    public ::testing::WithParamInterface<GemmCase> {};

TEST_P(ExampleGemm, EveryConfigMatchesDouble) {
  GemmCase c = GetParam();
  std::string source = readExample("matmul.mlir");
  if (std::string(c.dtype) != "f16")
    source = replaceAll(source, "xf16", std::string("x") + c.dtype);
  auto kernels = compile(source, "instantiate=M=" + std::to_string(c.m) +
                                     ",N=" + std::to_string(c.n) +
                                     ",K=" + std::to_string(c.k));
  EXPECT_EQ(kernels.size(), 16u)
      << "every config of the guide's space fits the host, and num_stages "
         "changes nothing there: 16 of 32 are the same kernel as another";
  for (auto &kernel : kernels) {
    const KernelInfo &info = kernel->info();
    Buffers b = makeBuffers(info, /*seed=*/7, {}, /*guard=*/64);
    kernel->launch(b.args.data(), 2);
    expectClose(b, 2, info, gemmReference(b, info),
                info.name + " (" + c.dtype + ")");
    // Nothing written past the end of C.
    for (size_t e = 0; e < 64; ++e)
      ASSERT_EQ(b.at(2, info.args[2].numElements() + e, info), 123.0)
          << info.name << " wrote past the end of C";
  }
}

INSTANTIATE_TEST_SUITE_P(HostNumerics, ExampleGemm,
                         ::testing::Values(GemmCase{"f16", 256, 256, 256},
                                           GemmCase{"f16", 100, 72, 40},
                                           GemmCase{"f32", 256, 256, 256},
                                           GemmCase{"f32", 100, 72, 40},
                                           GemmCase{"bf16", 256, 256, 256},
                                           GemmCase{"bf16", 100, 72, 40}),
                         [](const auto &info) {
                           return std::string(info.param.dtype) + "_" +
                                  std::to_string(info.param.m) + "x" +
                                  std::to_string(info.param.n) + "x" +
                                  std::to_string(info.param.k);
                         });

//===----------------------------------------------------------------------===//
// One op at a time
//===----------------------------------------------------------------------===//

/// A tile-by-tile copy through shared and fragment memory over a tensor
/// whose sizes are not multiples of the tile: reads past the end are zeros
/// (visible in the padded output), writes past the end do not happen.
TEST_F(HostNumerics, CopyEdges) {
  const char *source = R"mlir(
    tl.func @copy(%A: memref<100x72xf32>, %P: memref<128x96xf32>, %O: memref<100x72xf32>) {
      %c32 = arith.constant 32 : index
      %c3 = arith.constant 3 : index
      %c4 = arith.constant 4 : index
      %c64 = arith.constant 64 : index
      tl.kernel (%bx, %by) in (%c3, %c4) threads %c64 {
        %s = tl.alloc_shared() : memref<32x32xf32, #tl.memory<shared>>
        %f = tl.alloc_fragment() : memref<32x32xf32, #tl.memory<fragment>>
        %r = arith.muli %by, %c32 : index
        %c = arith.muli %bx, %c32 : index
        tl.copy %A[%r, %c] to %s : memref<100x72xf32>, memref<32x32xf32, #tl.memory<shared>>
        tl.copy %s to %f : memref<32x32xf32, #tl.memory<shared>>, memref<32x32xf32, #tl.memory<fragment>>
        tl.copy %f to %P[%r, %c] : memref<32x32xf32, #tl.memory<fragment>>, memref<128x96xf32>
        tl.copy %f to %O[%r, %c] : memref<32x32xf32, #tl.memory<fragment>>, memref<100x72xf32>
      }
      tl.return
    })mlir";
  auto kernel = compileOne(source);
  ASSERT_TRUE(kernel);
  const KernelInfo &info = kernel->info();
  Buffers b = makeBuffers(info, 1, {}, /*guard=*/256);
  kernel->launch(b.args.data(), 2);
  std::vector<double> padded(128 * 96), same(100 * 72);
  for (int i = 0; i < 128; ++i)
    for (int j = 0; j < 96; ++j)
      padded[i * 96 + j] =
          (i < 100 && j < 72) ? b.at(0, i * 72 + j, info) : 0.0;
  for (int e = 0; e < 100 * 72; ++e)
    same[e] = b.at(0, e, info);
  expectClose(b, 1, info, padded, "reads past the end are zeros", {0, 0, 0});
  expectClose(b, 2, info, same, "edge tiles copy exactly", {0, 0, 0});
  for (int e = 0; e < 256; ++e)
    ASSERT_EQ(b.at(2, 100 * 72 + e, info), 123.0) << "wrote past the end";
}

/// Copies that convert (f32 fragment to f16 and bf16 tensors) and a tile of
/// lower rank than the tensor (a row of a 3-D tensor).
TEST_F(HostNumerics, CopyConvertsAndIndexesLeadingDims) {
  const char *source = R"mlir(
    tl.func @convert(%X: memref<4x8x64xf32>, %H: memref<4x64xf16>, %B: memref<4x64xbf16>) {
      %c4 = arith.constant 4 : index
      %c3 = arith.constant 3 : index
      %c0 = arith.constant 0 : index
      %c32 = arith.constant 32 : index
      tl.kernel (%bx) in (%c4) threads %c32 {
        %f = tl.alloc_fragment() : memref<64xf32, #tl.memory<fragment>>
        tl.copy %X[%bx, %c3, %c0] to %f : memref<4x8x64xf32>, memref<64xf32, #tl.memory<fragment>>
        tl.copy %f to %H[%bx, %c0] : memref<64xf32, #tl.memory<fragment>>, memref<4x64xf16>
        tl.copy %f to %B[%bx, %c0] : memref<64xf32, #tl.memory<fragment>>, memref<4x64xbf16>
      }
      tl.return
    })mlir";
  auto kernel = compileOne(source);
  ASSERT_TRUE(kernel);
  const KernelInfo &info = kernel->info();
  Buffers b = makeBuffers(info, 2);
  kernel->launch(b.args.data(), 2);
  std::vector<double> want(4 * 64);
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 64; ++j)
      want[i * 64 + j] = b.at(0, (i * 8 + 3) * 64 + j, info);
  expectClose(b, 1, info, want, "f32 -> f16", {1e-3, 1e-3, 0});
  expectClose(b, 2, info, want, "f32 -> bf16", {8e-3, 8e-3, 0});
}

/// f32 -> f16 / bf16 and f16 -> f32 give the bits of a correctly rounded
/// conversion (nearest even; subnormals, infinities and NaNs) on the
/// baseline x86-64 (no F16C: expanded in integer arithmetic) and on
/// x86-64-v3 (F16C, where this CPU has it), and the shared object needs
/// nothing beyond libc.
TEST_F(HostNumerics, NarrowConversionsAreExactOnEveryCpuLevel) {
  const char *source = R"mlir(
    tl.func @narrow(%X: memref<262144xf32>, %H: memref<262144xf16>,
                    %B: memref<262144xbf16>, %HI: memref<262144xf16>,
                    %Y: memref<262144xf32>) {
      %blocks = arith.constant 4096 : index
      %c64 = arith.constant 64 : index
      %c32 = arith.constant 32 : index
      tl.kernel (%bx) in (%blocks) threads %c32 {
        %row = arith.muli %bx, %c64 : index
        %f = tl.alloc_fragment() : memref<64xf32, #tl.memory<fragment>>
        tl.copy %X[%row] to %f : memref<262144xf32>, memref<64xf32, #tl.memory<fragment>>
        tl.copy %f to %H[%row] : memref<64xf32, #tl.memory<fragment>>, memref<262144xf16>
        tl.copy %f to %B[%row] : memref<64xf32, #tl.memory<fragment>>, memref<262144xbf16>
        %g = tl.alloc_fragment() : memref<64xf32, #tl.memory<fragment>>
        tl.copy %HI[%row] to %g : memref<262144xf16>, memref<64xf32, #tl.memory<fragment>>
        tl.copy %g to %Y[%row] : memref<64xf32, #tl.memory<fragment>>, memref<262144xf32>
      }
      tl.return
    })mlir";
  const size_t n = 262144;
  // Every half, every midpoint between neighbouring halves (ties), and
  // their neighbours one f32 ulp away; then bfloat16 ties, values past the
  // half range, f32 subnormals, infinities and NaN.
  std::vector<float> x;
  const float *halves = halfToFloatTable();
  for (uint32_t h = 0; h < 0x7c00; ++h) {
    float v = halves[h], next = halves[h + 1];
    float mid = v + (next - v) / 2;
    for (float c :
         {v, mid, std::nextafter(mid, 0.0f), std::nextafter(mid, 1e30f)})
      for (float s : {1.0f, -1.0f})
        if (x.size() < n - 64)
          x.push_back(s * c);
  }
  for (uint32_t bits : {0x3f808000u, 0x3f818000u, 0x477ff000u, 0x477fefffu,
                        0x47800000u, 0x7f7fffffu, 0x00000001u, 0x80400000u,
                        0x7f800000u, 0xff800000u, 0x7fc00000u, 0x7f800001u})
    if (x.size() < n) {
      float v;
      std::memcpy(&v, &bits, 4);
      x.push_back(v);
    }
  x.resize(n, 0.5f);

  for (const char *level : {"x86-64", "x86-64-v3"}) {
    if (!cpuSupportsLevel(level)) {
      std::cout << "this CPU does not run " << level << " code; not tested\n";
      continue;
    }
    cpu = level;
    auto kernel = compileOne(source);
    ASSERT_TRUE(kernel) << level;
    const KernelInfo &info = kernel->info();
    EXPECT_EQ(info.cpu, level);
    Buffers b = makeBuffers(info, 1);
    std::memcpy(b.data[0].data(), x.data(), n * 4);
    auto *hin = reinterpret_cast<uint16_t *>(b.data[3].data());
    for (size_t i = 0; i < n; ++i)
      hin[i] = static_cast<uint16_t>(i);
    kernel->launch(b.args.data(), 2);
    std::vector<unsigned char> want(n * 2);
    auto bits16 = [](const std::vector<unsigned char> &v, size_t i) {
      uint16_t h;
      std::memcpy(&h, v.data() + 2 * i, 2);
      return h;
    };
    size_t wrong = 0;
    for (DType dtype : {DType::F16, DType::BF16}) {
      size_t arg = dtype == DType::F16 ? 1 : 2;
      for (size_t i = 0; i < n; ++i) {
        storeElement(want.data(), dtype, i, x[i]);
        uint16_t got = bits16(b.data[arg], i), expect = bits16(want, i);
        bool nan = std::isnan(x[i]);
        bool gotNan = dtype == DType::F16
                          ? (got & 0x7c00) == 0x7c00 && (got & 0x3ff)
                          : (got & 0x7f80) == 0x7f80 && (got & 0x7f);
        if (nan ? !gotNan : got != expect) {
          if (++wrong <= 5)
            ADD_FAILURE() << level << " " << dtypeName(dtype) << ": " << x[i]
                          << " -> 0x" << std::hex << got << ", expected 0x"
                          << expect;
        }
      }
    }
    for (size_t i = 0; i < n; ++i) {
      float got;
      std::memcpy(&got, b.data[4].data() + 4 * i, 4);
      float expect = halves[i % 65536];
      if (std::isnan(expect) ? !std::isnan(got)
                             : std::memcmp(&got, &expect, 4) != 0)
        if (++wrong <= 10)
          ADD_FAILURE() << level << " f16 0x" << std::hex << (i % 65536)
                        << " -> " << got << ", expected " << expect;
    }
    EXPECT_EQ(wrong, 0u) << level;
  }
}

/// Every gemm form: row-major, transposed A, transposed B (the attention
/// form), sizes the vector path cannot take, f64, and i8 -> i32.
TEST_F(HostNumerics, GemmForms) {
  struct Form {
    const char *ab, *acc;
    int m, n, k;
    bool ta, tb;
  } forms[] = {{"f32", "f32", 64, 64, 32, false, false},
               {"f32", "f32", 32, 64, 16, true, false},
               {"f16", "f32", 64, 32, 64, false, true},
               {"bf16", "f32", 16, 48, 32, true, true},
               {"f32", "f32", 12, 20, 7, false, false},
               {"f64", "f64", 16, 16, 16, false, true},
               {"i8", "i32", 32, 32, 32, false, false},
               {"f16", "f16", 32, 32, 16, false, false}};
  for (const Form &f : forms) {
    std::string m = std::to_string(f.m), n = std::to_string(f.n),
                k = std::to_string(f.k);
    std::string aShape = f.ta ? k + "x" + m : m + "x" + k;
    std::string bShape = f.tb ? n + "x" + k : k + "x" + n;
    std::string at = aShape + "x" + f.ab, bt = bShape + "x" + f.ab,
                ct = m + "x" + n + "x" + f.acc;
    std::string attrs;
    if (f.ta || f.tb)
      attrs = std::string("{") + (f.ta ? "transpose_a" : "") +
              (f.ta && f.tb ? ", " : "") + (f.tb ? "transpose_b" : "") + "}";
    std::string source = "tl.func @gemm(%A: memref<" + at + ">, %B: memref<" +
                         bt + ">, %C: memref<" + ct +
                         ">) {\n"
                         "  %c0 = arith.constant 0 : index\n"
                         "  %c1 = arith.constant 1 : index\n"
                         "  %c128 = arith.constant 128 : index\n"
                         "  tl.kernel (%bx) in (%c1) threads %c128 {\n"
                         "    %a = tl.alloc_shared() : memref<" +
                         at +
                         ", #tl.memory<shared>>\n"
                         "    %b = tl.alloc_shared() : memref<" +
                         bt +
                         ", #tl.memory<shared>>\n"
                         "    %c = tl.alloc_fragment() : memref<" +
                         ct +
                         ", #tl.memory<fragment>>\n"
                         "    tl.copy %A[%c0, %c0] to %a : memref<" +
                         at + ">, memref<" + at +
                         ", #tl.memory<shared>>\n"
                         "    tl.copy %B[%c0, %c0] to %b : memref<" +
                         bt + ">, memref<" + bt +
                         ", #tl.memory<shared>>\n"
                         "    tl.clear %c : memref<" +
                         ct +
                         ", #tl.memory<fragment>>\n"
                         "    tl.gemm %a, %b, %c " +
                         attrs + " : memref<" + at +
                         ", #tl.memory<shared>>, memref<" + bt +
                         ", #tl.memory<shared>>, memref<" + ct +
                         ", #tl.memory<fragment>>\n"
                         "    tl.copy %c to %C[%c0, %c0] : memref<" +
                         ct + ", #tl.memory<fragment>>, memref<" + ct +
                         ">\n"
                         "  }\n"
                         "  tl.return\n"
                         "}\n";
    auto kernel = compileOne(source);
    ASSERT_TRUE(kernel) << source;
    const KernelInfo &info = kernel->info();
    Buffers b = makeBuffers(info, 3);
    kernel->launch(b.args.data(), 1);
    expectClose(b, 2, info, gemmReference(b, info, f.ta, f.tb),
                std::string(f.ab) + " -> " + f.acc + " " + m + "x" + n + "x" +
                    k + (f.ta ? " A^T" : "") + (f.tb ? " B^T" : ""));
  }
}

/// clear_accum, and a gemm accumulating into a fragment over a pipelined
/// loop that does not start at zero.
TEST_F(HostNumerics, GemmClearAccumAndPipelinedBounds) {
  const char *source = R"mlir(
    tl.func @acc(%A: memref<32x64xf32>, %B: memref<64x32xf32>, %C: memref<32x32xf32>) {
      %c0 = arith.constant 0 : index
      %c1 = arith.constant 1 : index
      %c2 = arith.constant 2 : index
      %c4 = arith.constant 4 : index
      %c16 = arith.constant 16 : index
      %c64 = arith.constant 64 : index
      tl.kernel (%bx) in (%c1) threads %c64 {
        %a = tl.alloc_shared() : memref<32x16xf32, #tl.memory<shared>>
        %b = tl.alloc_shared() : memref<16x32xf32, #tl.memory<shared>>
        %c = tl.alloc_fragment() : memref<32x32xf32, #tl.memory<fragment>>
        tl.fill %c, %c0f : memref<32x32xf32, #tl.memory<fragment>>, f32
        // A junk product, cleared by the next gemm's clear_accum.
        tl.gemm %a, %b, %c : memref<32x16xf32, #tl.memory<shared>>, memref<16x32xf32, #tl.memory<shared>>, memref<32x32xf32, #tl.memory<fragment>>
        tl.copy %A[%c0, %c0] to %a : memref<32x64xf32>, memref<32x16xf32, #tl.memory<shared>>
        tl.copy %B[%c0, %c0] to %b : memref<64x32xf32>, memref<16x32xf32, #tl.memory<shared>>
        tl.gemm %a, %b, %c {clear_accum} : memref<32x16xf32, #tl.memory<shared>>, memref<16x32xf32, #tl.memory<shared>>, memref<32x32xf32, #tl.memory<fragment>>
        tl.pipelined %ko = %c1 to %c4 num_stages %c2 {
          %k = arith.muli %ko, %c16 : index
          tl.copy %A[%c0, %k] to %a : memref<32x64xf32>, memref<32x16xf32, #tl.memory<shared>>
          tl.copy %B[%k, %c0] to %b : memref<64x32xf32>, memref<16x32xf32, #tl.memory<shared>>
          tl.gemm %a, %b, %c : memref<32x16xf32, #tl.memory<shared>>, memref<16x32xf32, #tl.memory<shared>>, memref<32x32xf32, #tl.memory<fragment>>
        }
        tl.copy %c to %C[%c0, %c0] : memref<32x32xf32, #tl.memory<fragment>>, memref<32x32xf32>
      }
      tl.return
    })mlir";
  std::string text = replaceAll(source, "%c0f", "%z");
  text = replaceAll(
      text, "%c64 = arith.constant 64 : index",
      "%c64 = arith.constant 64 : index\n      %z = arith.constant 7.0 : f32");
  auto kernel = compileOne(text);
  ASSERT_TRUE(kernel);
  const KernelInfo &info = kernel->info();
  Buffers b = makeBuffers(info, 4);
  kernel->launch(b.args.data(), 1);
  expectClose(b, 2, info, gemmReference(b, info), "clear_accum + pipelined");
}

/// fill with a scalar argument, then an elementwise tl.parallel body
/// (y = max(x * alpha + f, 0)), written out.
TEST_F(HostNumerics, FillAndParallel) {
  const char *source = R"mlir(
    tl.func @ew(%X: memref<70x40xf32>, %Y: memref<70x40xf32>, %alpha: f32, %fillv: f32) {
      %c0 = arith.constant 0 : index
      %c2 = arith.constant 2 : index
      %c3 = arith.constant 3 : index
      %c32 = arith.constant 32 : index
      %c128 = arith.constant 128 : index
      %zero = arith.constant 0.0 : f32
      tl.kernel (%bx, %by) in (%c2, %c3) threads %c128 {
        %x = tl.alloc_fragment() : memref<32x32xf32, #tl.memory<fragment>>
        %f = tl.alloc_fragment() : memref<32x32xf32, #tl.memory<fragment>>
        tl.fill %f, %fillv : memref<32x32xf32, #tl.memory<fragment>>, f32
        %r = arith.muli %by, %c32 : index
        %c = arith.muli %bx, %c32 : index
        tl.copy %X[%r, %c] to %x : memref<70x40xf32>, memref<32x32xf32, #tl.memory<fragment>>
        tl.parallel (%i, %j) in (%c32, %c32) {
          %v = memref.load %x[%i, %j] : memref<32x32xf32, #tl.memory<fragment>>
          %w = memref.load %f[%i, %j] : memref<32x32xf32, #tl.memory<fragment>>
          %s = arith.mulf %v, %alpha : f32
          %t = arith.addf %s, %w : f32
          %u = arith.maximumf %t, %zero : f32
          memref.store %u, %x[%i, %j] : memref<32x32xf32, #tl.memory<fragment>>
        }
        tl.copy %x to %Y[%r, %c] : memref<32x32xf32, #tl.memory<fragment>>, memref<70x40xf32>
      }
      tl.return
    })mlir";
  auto kernel = compileOne(source);
  ASSERT_TRUE(kernel);
  const KernelInfo &info = kernel->info();
  Buffers b = makeBuffers(info, 5, {1.5, -0.25});
  kernel->launch(b.args.data(), 2);
  std::vector<double> want(70 * 40);
  for (int e = 0; e < 70 * 40; ++e)
    want[e] = std::fmax(b.at(0, e, info) * 1.5 - 0.25, 0.0);
  expectClose(b, 1, info, want, "fill + parallel", {1e-6, 1e-6, 0});
}

/// Every reduce kind along both dimensions, overwriting and accumulating.
TEST_F(HostNumerics, ReduceKinds) {
  for (const char *kind : {"sum", "max", "min", "abssum", "absmax"})
    for (int dim : {0, 1})
      for (bool accumulate : {false, true}) {
        int outLen = dim == 1 ? 48 : 24;
        std::string o = std::to_string(outLen);
        std::string source =
            "tl.func @red(%X: memref<48x24xf32>, %Y: memref<" + o +
            "xf32>) {\n"
            "  %c0 = arith.constant 0 : index\n"
            "  %c1 = arith.constant 1 : index\n"
            "  %c32 = arith.constant 32 : index\n"
            "  tl.kernel (%bx) in (%c1) threads %c32 {\n"
            "    %x = tl.alloc_fragment() : memref<48x24xf32, "
            "#tl.memory<fragment>>\n"
            "    %y = tl.alloc_fragment() : memref<" +
            o +
            "xf32, #tl.memory<fragment>>\n"
            "    tl.copy %X[%c0, %c0] to %x : memref<48x24xf32>, "
            "memref<48x24xf32, #tl.memory<fragment>>\n"
            "    tl.copy %Y[%c0] to %y : memref<" +
            o + "xf32>, memref<" + o +
            "xf32, #tl.memory<fragment>>\n"
            "    tl.reduce " +
            kind + " %x, %y dim " + std::to_string(dim) +
            (accumulate ? " {accumulate}" : "") +
            " : memref<48x24xf32, #tl.memory<fragment>>, memref<" + o +
            "xf32, #tl.memory<fragment>>\n"
            "    tl.copy %y to %Y[%c0] : memref<" +
            o + "xf32, #tl.memory<fragment>>, memref<" + o +
            "xf32>\n"
            "  }\n"
            "  tl.return\n"
            "}\n";
        auto kernel = compileOne(source);
        ASSERT_TRUE(kernel) << source;
        const KernelInfo &info = kernel->info();
        Buffers b = makeBuffers(info, 6);
        std::vector<double> before(outLen);
        for (int e = 0; e < outLen; ++e)
          before[e] = b.at(1, e, info);
        kernel->launch(b.args.data(), 1);
        std::string k = kind;
        std::vector<double> want(outLen);
        for (int o2 = 0; o2 < outLen; ++o2) {
          double acc = k == "max" ? -INFINITY : k == "min" ? INFINITY : 0.0;
          if (accumulate)
            acc = before[o2];
          for (int r = 0; r < (dim == 1 ? 24 : 48); ++r) {
            double v = dim == 1 ? b.at(0, o2 * 24 + r, info)
                                : b.at(0, r * 24 + o2, info);
            if (k == "abssum" || k == "absmax")
              v = std::fabs(v);
            if (k == "sum" || k == "abssum")
              acc += v;
            else if (k == "max" || k == "absmax")
              acc = std::fmax(acc, v);
            else
              acc = std::fmin(acc, v);
          }
          want[o2] = acc;
        }
        expectClose(b, 1, info, want,
                    k + " dim " + std::to_string(dim) +
                        (accumulate ? " accumulate" : ""),
                    {1e-5, 1e-5, 0});
      }
}

/// A template whose grid comes from tl.ceildiv of a parameter, instantiated
/// at a size that is not a multiple of the block: every element is written.
TEST_F(HostNumerics, CeilDivGridCoversTheEdge) {
  const char *source = R"mlir(
    tl.func @scale(%X: memref<?xf32> {tl.shape = ["N"]}, %Y: memref<?xf32> {tl.shape = ["N"]})
        attributes {params = [#tl.param<"N" : index>, #tl.param<"block" : index = 64>],
                    configs = #tl.product<{block = [32, 64]}>} {
      %n = tl.param "N" : index
      %b = tl.param "block" : index
      %g = tl.ceildiv %n, %b : index
      %two = arith.constant 2.0 : f32
      tl.kernel (%bx) in (%g) threads %b {
        %f = tl.alloc_fragment(%b) : memref<?xf32, #tl.memory<fragment>>
        %row = arith.muli %bx, %b : index
        tl.copy %X[%row] to %f : memref<?xf32>, memref<?xf32, #tl.memory<fragment>>
        tl.parallel (%i) in (%b) {
          %v = memref.load %f[%i] : memref<?xf32, #tl.memory<fragment>>
          %w = arith.mulf %v, %two : f32
          memref.store %w, %f[%i] : memref<?xf32, #tl.memory<fragment>>
        }
        tl.copy %f to %Y[%row] : memref<?xf32, #tl.memory<fragment>>, memref<?xf32>
      }
      tl.return
    })mlir";
  auto kernels = compile(source, "instantiate=N=1000");
  ASSERT_EQ(kernels.size(), 2u);
  for (auto &kernel : kernels) {
    const KernelInfo &info = kernel->info();
    Buffers b = makeBuffers(info, 8, {}, 16);
    kernel->launch(b.args.data(), 2);
    std::vector<double> want(1000);
    for (int e = 0; e < 1000; ++e)
      want[e] = 2 * b.at(0, e, info);
    expectClose(b, 1, info, want, info.name, {0, 0, 0});
    for (int e = 0; e < 16; ++e)
      ASSERT_EQ(b.at(1, 1000 + e, info), 123.0);
  }
}

} // namespace
