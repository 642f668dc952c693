//===- RuntimeTest.cpp - Supply, .npy, comparison, dtypes, jobs -----------===//

#include "tl/Runtime/Compare.h"
#include "tl/Runtime/DeviceCompare.h"
#include "tl/Runtime/Supply.h"
#include "tl/Tuner/Tuner.h"

#include "llvm/Support/FileSystem.h"
#include "gtest/gtest.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <vector>

using namespace tlrt;

namespace {

std::vector<double> generate(SupplyType type, DType dtype, uint64_t seed,
                             size_t n = 1000) {
  std::vector<unsigned char> buf(n * dtypeSize(dtype));
  fillBuffer(buf.data(), dtype, n, type, seed);
  std::vector<double> out(n);
  for (size_t i = 0; i < n; ++i)
    out[i] = loadElement(buf.data(), dtype, i);
  return out;
}

TEST(Supply, SeededAndReproducible) {
  EXPECT_EQ(generate(SupplyType::Randn, DType::F32, 7),
            generate(SupplyType::Randn, DType::F32, 7));
  EXPECT_NE(generate(SupplyType::Randn, DType::F32, 7),
            generate(SupplyType::Randn, DType::F32, 8));
}

TEST(Supply, LargeFillsAreChunkedStreams) {
  const size_t chunk = size_t(1) << 20;
  std::vector<double> big =
      generate(SupplyType::Uniform, DType::F32, 3, 3 * chunk + 5);
  EXPECT_EQ(big, generate(SupplyType::Uniform, DType::F32, 3, 3 * chunk + 5))
      << "the same values, whichever thread drew each chunk";
  std::vector<double> small = generate(SupplyType::Uniform, DType::F32, 3, 10);
  EXPECT_TRUE(std::equal(small.begin(), small.end(), big.begin()))
      << "a shorter fill is a prefix";
  EXPECT_FALSE(std::equal(big.begin(), big.begin() + 1000, big.begin() + chunk))
      << "chunks are not the same stream";
  double sum = 0;
  for (double v : big)
    sum += v;
  EXPECT_LT(std::abs(sum / big.size()), 0.01) << "still uniform in [-1, 1]";
}

TEST(Supply, Semantics) {
  for (double v : generate(SupplyType::Zero, DType::F16, 1))
    EXPECT_EQ(v, 0.0);
  for (double v : generate(SupplyType::One, DType::BF16, 1))
    EXPECT_EQ(v, 1.0);
  for (double v : generate(SupplyType::Integer, DType::F32, 1)) {
    EXPECT_EQ(v, std::round(v));
    EXPECT_LE(std::fabs(v), 2.0);
  }
  for (double v : generate(SupplyType::Uniform, DType::F32, 1))
    EXPECT_LE(std::fabs(v), 1.0);
  // Auto: integers for integer dtypes, uniform floats otherwise.
  for (double v : generate(SupplyType::Auto, DType::I32, 1))
    EXPECT_EQ(v, std::round(v));
  auto uniform = generate(SupplyType::Auto, DType::F32, 3);
  EXPECT_TRUE(std::any_of(uniform.begin(), uniform.end(),
                          [](double v) { return v != std::round(v); }));
  // Randn: mean near 0 and standard deviation near 1 over 100000 draws.
  auto n = generate(SupplyType::Randn, DType::F64, 5, 100000);
  double mean = 0, sq = 0;
  for (double v : n)
    mean += v;
  mean /= n.size();
  for (double v : n)
    sq += (v - mean) * (v - mean);
  EXPECT_NEAR(mean, 0.0, 0.02);
  EXPECT_NEAR(std::sqrt(sq / n.size()), 1.0, 0.02);
  EXPECT_FALSE(parseSupplyType("gaussian"));
  EXPECT_EQ(parseSupplyType("Randn"), SupplyType::Randn);
}

TEST(DTypes, HalfAndBfloatRoundTrip) {
  unsigned char buf[8];
  for (double v : {0.0, 1.0, -2.5, 65504.0, 6.1035156e-05, 1.0 / 3})
    for (DType d : {DType::F16, DType::BF16}) {
      storeElement(buf, d, 0, v);
      double back = loadElement(buf, d, 0);
      EXPECT_NEAR(back, v, std::fabs(v) * (d == DType::F16 ? 1e-3 : 8e-3))
          << dtypeName(d) << " " << v;
    }
  storeElement(buf, DType::F16, 0, 1e6);
  EXPECT_TRUE(std::isinf(loadElement(buf, DType::F16, 0)));
  storeElement(buf, DType::I8, 0, 300);
  EXPECT_EQ(loadElement(buf, DType::I8, 0), 127);
}

TEST(Compare, GuideTolerances) {
  std::vector<float> got = {1.0f, 2.0f, 3.0f, 100.0f};
  std::vector<double> want = {1.0, 2.005, 3.5, 100.9};
  CompareResult r = compare(got.data(), DType::F32, want.data(), 4);
  // |2 - 2.005| <= 0.01 + 0.02; |3 - 3.5| > 0.01 + 0.035; |100 - 100.9| <=
  // 0.01 + 1.009.
  EXPECT_EQ(r.mismatched, 1u);
  EXPECT_EQ(r.firstMismatch, 2);
  EXPECT_FALSE(r.passed) << "25% mismatched exceeds 1%";
  Tolerance loose{1e-2, 1e-2, 0.5};
  EXPECT_TRUE(compare(got.data(), DType::F32, want.data(), 4, loose).passed);
  std::vector<float> nan = {NAN};
  std::vector<double> one = {1.0}, nanRef = {NAN};
  CompareResult nanOff = compare(nan.data(), DType::F32, one.data(), 1);
  EXPECT_FALSE(nanOff.passed);
  EXPECT_NE(nanOff.summary().find("every mismatch is a NaN where a number "
                                  "was expected"),
            std::string::npos)
      << nanOff.summary();
  EXPECT_TRUE(compare(nan.data(), DType::F32, nanRef.data(), 1).passed);
}

TEST(Compare, TypedReferences) {
  // A reference in the output's own type (a host build's f16 outputs) and
  // in bf16 / f32; large enough to be split over threads.
  size_t n = (1u << 20) + 3;
  std::vector<uint16_t> got(n), want(n);
  for (size_t i = 0; i < n; ++i) {
    storeElement(got.data(), DType::F16, i, 1.0 + (i % 7));
    storeElement(want.data(), DType::F16, i, 1.0 + (i % 7));
  }
  EXPECT_TRUE(
      compare(got.data(), DType::F16, want.data(), DType::F16, n).passed);
  // 2 elements far off (one of them infinite), 1 slightly off: within.
  storeElement(got.data(), DType::F16, 5, 40.0);
  storeElement(got.data(), DType::F16, n - 1, 1e6);
  storeElement(got.data(), DType::F16, 9,
               loadElement(want.data(), DType::F16, 9) + 0.01);
  CompareResult r = compare(got.data(), DType::F16, want.data(), DType::F16, n);
  EXPECT_EQ(r.mismatched, 2u);
  EXPECT_EQ(r.firstMismatch, 5);
  EXPECT_TRUE(std::isinf(r.maxAbsError));
  EXPECT_TRUE(r.passed) << "2 of a million is under 1%";
  std::vector<float> wantF32(n);
  for (size_t i = 0; i < n; ++i)
    wantF32[i] = static_cast<float>(loadElement(want.data(), DType::F16, i));
  CompareResult f =
      compare(got.data(), DType::F16, wantF32.data(), DType::F32, n);
  EXPECT_EQ(f.mismatched, 2u);
  std::vector<uint16_t> wantBf16(n);
  for (size_t i = 0; i < n; ++i)
    storeElement(wantBf16.data(), DType::BF16, i,
                 loadElement(want.data(), DType::F16, i));
  EXPECT_EQ(compare(got.data(), DType::F16, wantBf16.data(), DType::BF16, n)
                .mismatched,
            2u);
}

TEST(Npy, RoundTripAndErrors) {
  llvm::SmallString<128> path;
  llvm::sys::fs::createTemporaryFile("tl", "npy", path);
  NpyArray a;
  a.dtype = DType::F32;
  a.shape = {2, 3};
  a.data.resize(6 * 4);
  fillBuffer(a.data.data(), a.dtype, 6, SupplyType::Randn, 1);
  std::string error;
  ASSERT_TRUE(writeNpy(std::string(path), a, error)) << error;
  NpyArray b;
  ASSERT_TRUE(readNpy(std::string(path), b, error)) << error;
  EXPECT_EQ(b.dtype, DType::F32);
  EXPECT_EQ(b.shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(b.data, a.data);
  EXPECT_FALSE(readNpy("/nonexistent.npy", b, error));
  EXPECT_NE(error.find("/nonexistent.npy"), std::string::npos);
  llvm::sys::fs::remove(path);
}

unsigned jobsOrZero(uint64_t requested, std::string *error = nullptr) {
  std::string e;
  std::optional<unsigned> jobs = mlir::tl::compileJobs(requested, e);
  if (error)
    *error = e;
  return jobs.value_or(0);
}

TEST(Jobs, GuideEnvironmentVariables) {
  unsetenv("TILELANG_AUTO_TUNING_CPU_COUNTS");
  unsetenv("TILELANG_AUTO_TUNING_MAX_CPU_COUNT");
  unsetenv("TILELANG_AUTO_TUNING_CPU_UTILITIES");
  EXPECT_EQ(jobsOrZero(3), 3u) << "--jobs wins";
  setenv("TILELANG_AUTO_TUNING_CPU_COUNTS", "5", 1);
  EXPECT_EQ(jobsOrZero(0), 5u);
  setenv("TILELANG_AUTO_TUNING_MAX_CPU_COUNT", "2", 1);
  EXPECT_EQ(jobsOrZero(0), 2u);
  setenv("TILELANG_AUTO_TUNING_MAX_CPU_COUNT", "-1", 1);
  EXPECT_EQ(jobsOrZero(0), 5u) << "-1: no maximum";
  unsetenv("TILELANG_AUTO_TUNING_CPU_COUNTS");
  unsetenv("TILELANG_AUTO_TUNING_MAX_CPU_COUNT");
  setenv("TILELANG_AUTO_TUNING_CPU_UTILITIES", "0.01", 1);
  EXPECT_EQ(jobsOrZero(0), 1u) << "at least one";
  unsetenv("TILELANG_AUTO_TUNING_CPU_UTILITIES");
}

/// Out-of-range or non-numeric values are errors naming the variable or
/// option, never a thread pool of billions of threads.
TEST(Jobs, BadValuesAreErrors) {
  struct Case {
    const char *var, *value;
  } cases[] = {{"TILELANG_AUTO_TUNING_CPU_UTILITIES", "-1"},
               {"TILELANG_AUTO_TUNING_CPU_UTILITIES", "abc"},
               {"TILELANG_AUTO_TUNING_CPU_UTILITIES", "0"},
               {"TILELANG_AUTO_TUNING_CPU_UTILITIES", "1e300"},
               {"TILELANG_AUTO_TUNING_CPU_UTILITIES", "nan"},
               {"TILELANG_AUTO_TUNING_CPU_COUNTS", "2147483648"},
               {"TILELANG_AUTO_TUNING_CPU_COUNTS", "0"},
               {"TILELANG_AUTO_TUNING_CPU_COUNTS", "2.5"},
               {"TILELANG_AUTO_TUNING_MAX_CPU_COUNT", "-7"}};
  for (const Case &c : cases) {
    setenv(c.var, c.value, 1);
    std::string error;
    EXPECT_EQ(jobsOrZero(0, &error), 0u) << c.var << "=" << c.value;
    EXPECT_NE(error.find(c.var), std::string::npos) << error;
    unsetenv(c.var);
  }
  std::string error;
  EXPECT_EQ(jobsOrZero(2147483648ull, &error), 0u);
  EXPECT_NE(error.find("--jobs asks for 2147483648"), std::string::npos)
      << error;
  EXPECT_EQ(jobsOrZero(mlir::tl::kMaxCompileJobs), mlir::tl::kMaxCompileJobs);
}

/// Malformed headers and sizes are errors naming the file, never an
/// exception or an allocation of what the header claims.
TEST(Npy, MalformedFilesAreErrors) {
  auto file = [](const std::string &header, size_t dataBytes,
                 unsigned version = 1) {
    std::string h = header;
    size_t pre = version == 1 ? 10 : 12;
    h.append((64 - (pre + h.size() + 1) % 64) % 64, ' ');
    h += '\n';
    std::string bytes = "\x93NUMPY";
    bytes += static_cast<char>(version);
    bytes += '\0';
    for (unsigned i = 0; i < (version == 1 ? 2u : 4u); ++i)
      bytes += static_cast<char>((h.size() >> (8 * i)) & 0xff);
    return bytes + h + std::string(dataBytes, '\0');
  };
  auto header = [](const std::string &shape) {
    return "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }";
  };
  NpyArray a;
  std::string error;
  ASSERT_TRUE(parseNpy(file(header("(4, 64)"), 4 * 64 * 4), "ok.npy", a, error))
      << error;
  EXPECT_EQ(a.shape, (std::vector<int64_t>{4, 64}));
  ASSERT_TRUE(parseNpy(file(header("(3,)"), 12, 2), "v2.npy", a, error))
      << error;
  ASSERT_TRUE(parseNpy(file(header("()"), 4), "scalar.npy", a, error)) << error;
  EXPECT_FALSE(a.bitPatterns);
  // numpy has no bfloat16 or fp8: uint16 / uint8 arrays carry their bits,
  // and only such arguments take them.
  std::string u2 = "{'descr': '<u2', 'fortran_order': False, 'shape': (8,), }";
  ASSERT_TRUE(parseNpy(file(u2, 16), "bits.npy", a, error)) << error;
  EXPECT_TRUE(a.bitPatterns);
  EXPECT_TRUE(holdsValuesOf(a, DType::BF16));
  EXPECT_FALSE(holdsValuesOf(a, DType::I16));
  EXPECT_FALSE(holdsValuesOf(a, DType::F16));
  std::string u1 = "{'descr': '|u1', 'fortran_order': False, 'shape': (8,), }";
  ASSERT_TRUE(parseNpy(file(u1, 8), "bits8.npy", a, error)) << error;
  EXPECT_TRUE(holdsValuesOf(a, DType::F8E4M3FN));
  EXPECT_TRUE(holdsValuesOf(a, DType::F8E5M2));
  EXPECT_FALSE(holdsValuesOf(a, DType::BF16));

  const std::pair<std::string, std::string> bad[] = {
      {file(header("(abc, 64)"), 0), "not a non-negative integer"},
      {file(header("(-1, 64)"), 0), "not a non-negative integer"},
      {file(header("[64, 64]"), 0), "expected '('"},
      {file(header("(99999999999999999999, 64)"), 0), "does not fit"},
      {file(header("(4294967296, 4294967296)"), 0), "64 bits can count"},
      {file(header("(1099511627776, 1099511627776)"), 0), "64 bits can count"},
      {file(header("(17179869184, 64)"), 16), "bytes of data but the file"},
      {file(header("(4, 64)"), 100), "bytes of data but the file"},
      {file("{'descr': '<f4', 'shape': (4,), }", 16), "lacks"},
      {file("{'descr': '<f4' 'fortran_order': False, 'shape': (4,)}", 16),
       "expected ','"},
      {file("{'descr': '<f4', 'fortran_order': Maybe, 'shape': (4,)}", 16),
       "True or False"},
      {file("{'descr': '<f4', 'fortran_order': False, 'shape': (4,), 'x': 1}",
            16),
       "unexpected key"},
      {file("{'descr': '<f4, 'fortran_order': False}", 16), "expected ','"},
      {file(header("(4,)"), 16).substr(0, 9), "bad magic"},
      {file(header("(4,)"), 16, 7), "version 7"},
      {file(header("(4,)"), 16).substr(0, 40), "truncated"}};
  for (const auto &[bytes, want] : bad) {
    EXPECT_FALSE(parseNpy(bytes, "bad.npy", a, error)) << want;
    EXPECT_NE(error.find("bad.npy"), std::string::npos) << error;
    EXPECT_NE(error.find(want), std::string::npos)
        << "want '" << want << "' in: " << error;
  }
}

} // namespace

namespace {

TEST(DeviceCompare, KernelsForSameTypedFloats) {
  EXPECT_EQ(compareKernelName(DType::F16, DType::F16), "tl_compare_f16");
  EXPECT_EQ(compareKernelName(DType::BF16, DType::BF16), "tl_compare_bf16");
  EXPECT_EQ(compareKernelName(DType::F32, DType::F32), "tl_compare_f32");
  EXPECT_FALSE(compareKernelName(DType::F16, DType::F64)) << "mixed: the host";
  EXPECT_FALSE(compareKernelName(DType::I8, DType::I8));
  for (const char *name :
       {"tl_compare_f16", "tl_compare_bf16", "tl_compare_f32"})
    EXPECT_NE(comparePtx().find(std::string(".entry ") + name),
              std::string::npos);
}

TEST(DeviceCompare, TotalsReadAsTheHostsResult) {
  Tolerance tol;
  DeviceCompareTotals none;
  CompareResult r = none.result(1000, tol);
  EXPECT_EQ(r.count, 1000u);
  EXPECT_EQ(r.mismatched, 0u);
  EXPECT_EQ(r.firstMismatch, -1);
  EXPECT_EQ(r.maxAbsError, 0);
  EXPECT_TRUE(r.passed);
  DeviceCompareTotals some;
  some.mismatched = 20;
  some.first = 7;
  double abs = 0.5, rel = INFINITY;
  std::memcpy(&some.maxAbsBits, &abs, sizeof(abs));
  std::memcpy(&some.maxRelBits, &rel, sizeof(rel));
  r = some.result(1000, tol);
  EXPECT_EQ(r.mismatched, 20u);
  EXPECT_EQ(r.firstMismatch, 7);
  EXPECT_EQ(r.maxAbsError, 0.5);
  EXPECT_EQ(r.maxRelError, INFINITY);
  EXPECT_FALSE(r.passed) << "2% off, over the 1% allowed";
}

TEST(DeviceCompare, PtxAssembles) {
  // ptxas from the CUDA toolkit, where there is one: the kernels are
  // compiled by the driver at run time, so a typo would show only on a GPU.
  const char *ptxas = "/usr/local/cuda/bin/ptxas";
  if (!llvm::sys::fs::exists(ptxas))
    GTEST_SKIP() << "no " << ptxas;
  llvm::SmallString<128> path;
  ASSERT_FALSE(llvm::sys::fs::createTemporaryFile("compare", "ptx", path));
  { std::ofstream(path.c_str()) << comparePtx(); }
  std::string cmd = std::string(ptxas) + " -arch=sm_90a " + path.c_str() +
                    " -o " + path.c_str() + ".cubin";
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  llvm::sys::fs::remove(path);
  llvm::sys::fs::remove(path + ".cubin");
}

} // namespace

// The HIP device's error paths on a machine without an AMD GPU or ROCm:
// no runtime library, a library that is not HIP's, a runtime whose init
// fails, one with no device, one whose device cannot be selected (the fake
// runtime, FakeHip.c). One test: the runtime is opened once per process.
TEST(HipDevice, SaysWhyItCannotOpen) {
  std::string error;
  setenv("TL_HIP_LIBRARY", "/no/such/libamdhip64.so", 1);
  EXPECT_FALSE(createHipDevice(0, error));
  EXPECT_NE(error.find("no HIP runtime: /no/such/libamdhip64.so cannot be "
                       "loaded"),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("install ROCm's HIP runtime"), std::string::npos);
  setenv("TL_HIP_LIBRARY", "libm.so.6", 1);
  EXPECT_FALSE(hipFingerprint(0, error));
  EXPECT_NE(error.find("libm.so.6 lacks hipInit"), std::string::npos) << error;
  setenv("TL_HIP_LIBRARY", TL_FAKE_HIP_LIBRARY, 1);
  setenv("FAKE_HIP_INIT_ERROR", "100", 1);
  EXPECT_FALSE(createHipDevice(0, error));
  EXPECT_NE(error.find("no ROCm-capable device is detected"), std::string::npos)
      << error;
  unsetenv("FAKE_HIP_INIT_ERROR");
  EXPECT_FALSE(hipFingerprint(0, error));
  EXPECT_EQ(error, "no HIP device 0 (0 found)");
  setenv("FAKE_HIP_DEVICES", "1", 1);
  std::optional<DeviceFingerprint> fp = hipFingerprint(0, error);
  ASSERT_TRUE(fp) << error;
  EXPECT_EQ(fp->kind, "hip");
  EXPECT_FALSE(createHipDevice(0, error)) << "its hipSetDevice fails";
  EXPECT_EQ(error, "hipSetDevice(0): fake error");
  unsetenv("FAKE_HIP_DEVICES");
  unsetenv("TL_HIP_LIBRARY");
}

TEST(HipDevice, NamesTheIsaFromTheTargetVersion) {
  EXPECT_EQ(gfxNameOf(90010), "gfx90a");
  EXPECT_EQ(gfxNameOf(90402), "gfx942");
  EXPECT_EQ(gfxNameOf(110000), "gfx1100");
  EXPECT_EQ(gfxNameOf(0), "");
  EXPECT_EQ(gfxNameOf(91600), "") << "minor 16 has no hex digit";
}
