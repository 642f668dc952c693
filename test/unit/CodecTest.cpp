//===- CodecTest.cpp - The tuner's wire formats and its cache key ---------===//
//
// Each wire format read back from what its writer wrote, and refused when
// it is not that: candidate records, worker requests and replies,
// kernel.json, the device fingerprint. The cache key follows every option.
//
//===----------------------------------------------------------------------===//

#include "tl/Runtime/Device.h"
#include "tl/Runtime/Kernel.h"
#include "tl/Tuner/Protocol.h"
#include "tl/Tuner/Records.h"
#include "tl/Tuner/TuningKey.h"
#include "tl/Tuner/Workload.h"

#include "llvm/Support/FileSystem.h"

#include "gtest/gtest.h"

#include <unistd.h>

using namespace mlir::tl;

namespace {

TEST(Records, StatusNamesRoundTrip) {
  for (CandidateStatus s :
       {CandidateStatus::Ok, CandidateStatus::Pruned,
        CandidateStatus::CompileError, CandidateStatus::CompileTimeout,
        CandidateStatus::CheckFailed, CandidateStatus::Crashed,
        CandidateStatus::Timeout, CandidateStatus::Error})
    EXPECT_EQ(parseStatus(statusName(s)), s) << statusName(s);
  EXPECT_FALSE(parseStatus("pending")) << "never written";
  EXPECT_FALSE(parseStatus("OK"));
}

CandidateRecord sampleRecord() {
  CandidateRecord r;
  r.index = 3;
  r.name = "matmul_block_M128";
  r.configJson = R"({"block_M":128,"threads":256})";
  r.status = CandidateStatus::Pruned;
  r.message = "slower";
  r.compileSeconds = 1.5;
  r.samples = {0.5, 0.25, 0.75};
  r.medianMs = 0.5;
  r.check.count = 100;
  r.check.mismatched = 2;
  r.check.maxAbsError = 0.125;
  r.check.maxRelError = 0.5;
  r.tflops = 12.5;
  return r;
}

TEST(Records, ALineReadsBackAsTheRecord) {
  CandidateRecord r = sampleRecord();
  r.finishedSeconds = 2.25;
  std::string line = recordLine(r);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  std::vector<CandidateRecord> back;
  int best = -1;
  std::string why;
  CandidateRecord ok = r;
  ok.index = 0;
  ok.status = CandidateStatus::Ok;
  ASSERT_TRUE(parseCandidates(recordLine(ok) + "\n" + line + "\n", "0", back,
                              best, why))
      << why;
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(best, 0);
  const CandidateRecord &b = back[1];
  EXPECT_EQ(b.index, 3);
  EXPECT_EQ(b.name, r.name);
  EXPECT_EQ(b.configJson, r.configJson);
  EXPECT_EQ(b.status, CandidateStatus::Pruned);
  EXPECT_EQ(b.message, "slower");
  EXPECT_EQ(b.samples, r.samples);
  EXPECT_DOUBLE_EQ(b.medianMs, 0.5);
  EXPECT_DOUBLE_EQ(b.compileSeconds, 1.5);
  EXPECT_EQ(b.check.mismatched, 2u);
  EXPECT_DOUBLE_EQ(b.check.maxAbsError, 0.125);
  EXPECT_DOUBLE_EQ(b.tflops, 12.5);
  EXPECT_DOUBLE_EQ(b.finishedSeconds, 2.25);
  EXPECT_DOUBLE_EQ(back[0].finishedSeconds, 2.25);
}

TEST(Records, WhatNoTuningWritesIsRefused) {
  std::vector<CandidateRecord> back;
  int best;
  std::string why;
  std::string ok = recordLine([] {
    CandidateRecord r = sampleRecord();
    r.status = CandidateStatus::Ok;
    return r;
  }());
  EXPECT_FALSE(parseCandidates("", "0", back, best, why));
  EXPECT_EQ(why, "candidates.jsonl holds no candidate");
  EXPECT_FALSE(parseCandidates("{", "0", back, best, why));
  EXPECT_EQ(why, "candidates.jsonl line 1 is not JSON");
  EXPECT_FALSE(parseCandidates(ok + "\n{\"index\":1}", "0", back, best, why));
  EXPECT_EQ(why, "candidates.jsonl line 2 is not a candidate record");
  std::string unknown = ok;
  unknown.replace(unknown.find("\"ok\""), 4, "\"fast\"");
  EXPECT_FALSE(parseCandidates(unknown, "0", back, best, why));
  EXPECT_FALSE(parseCandidates(ok, "1", back, best, why));
  EXPECT_EQ(why, "best.txt does not name a passing candidate");
  EXPECT_FALSE(
      parseCandidates(recordLine(sampleRecord()), "0", back, best, why))
      << "the best must have passed";
}

TEST(Protocol, RequestRoundTrips) {
  RunRequest r{true, 25, 100, 0.5, 1e-3, /*dumpOutputs=*/true};
  r.capMs = 20;
  std::string dir = "/tmp/run 1/7";
  std::string line = r.encode(dir);
  EXPECT_EQ(line.back(), '\n');
  std::string back;
  std::optional<RunRequest> d = RunRequest::decode(line, back);
  ASSERT_TRUE(d);
  EXPECT_EQ(back, dir);
  EXPECT_TRUE(d->check);
  EXPECT_EQ(d->warmup, 25);
  EXPECT_EQ(d->rep, 100);
  EXPECT_DOUBLE_EQ(d->warmupMs, 0.5);
  EXPECT_DOUBLE_EQ(d->repMs, 1e-3);
  EXPECT_TRUE(d->dumpOutputs);
  EXPECT_DOUBLE_EQ(d->capMs, 20);
  EXPECT_FALSE(RunRequest::decode("garbage\n", back));
}

TEST(Protocol, ReplyRoundTrips) {
  RunReply r;
  r.status = CandidateStatus::CheckFailed;
  r.message = "output 1: 3 of 64 elements off";
  r.restart = true;
  r.samples = {1, 2};
  tlrt::CompareResult c;
  c.count = 64;
  c.mismatched = 3;
  c.maxAbsError = 0.5;
  c.passed = false;
  r.check = c;
  std::string line = r.encode();
  ASSERT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1) << "one line";
  RunReply d = RunReply::decode(line);
  EXPECT_EQ(d.status, CandidateStatus::CheckFailed);
  EXPECT_EQ(d.message, r.message);
  EXPECT_TRUE(d.restart);
  EXPECT_EQ(d.samples, r.samples);
  ASSERT_TRUE(d.check);
  EXPECT_EQ(d.check->count, 64u);
  EXPECT_EQ(d.check->mismatched, 3u);
  EXPECT_FALSE(d.check->passed);
  RunReply plain =
      RunReply::decode(RunReply::failure(CandidateStatus::Ok, "").encode());
  EXPECT_EQ(plain.status, CandidateStatus::Ok);
  EXPECT_FALSE(plain.check);
  EXPECT_FALSE(plain.restart);
  for (const char *bad : {"", "{", "{\"status\":\"fast\"}", "[1]"}) {
    RunReply g = RunReply::decode(bad);
    EXPECT_EQ(g.status, CandidateStatus::Error) << bad;
    EXPECT_EQ(g.message, "unreadable worker reply") << bad;
  }
}

TEST(KernelInfo, WrittenReadsBack) {
  tlrt::KernelInfo k;
  k.name = "matmul";
  k.symbol = "matmul_packed";
  k.target = "host";
  tlrt::ArgInfo a;
  a.dtype = tlrt::DType::BF16;
  a.shape = {64, 32};
  a.access = "read";
  tlrt::ArgInfo s;
  s.isTensor = false;
  s.dtype = tlrt::DType::I32;
  k.args = {a, s};
  k.grid = {4, 2};
  k.threads = 128;
  k.sharedMemoryBytes = 49152;
  k.gemmFlops = 1 << 20;
  k.cpu = "x86-64-v2";
  k.configJson = R"({"block_M":64})";
  tlrt::KernelInfo b;
  std::string error;
  ASSERT_TRUE(tlrt::parseKernelInfo(tlrt::writeKernelInfo(k), b, error))
      << error;
  EXPECT_EQ(b.name, k.name);
  EXPECT_EQ(b.symbol, k.symbol);
  EXPECT_EQ(b.target, k.target);
  ASSERT_EQ(b.args.size(), 2u);
  EXPECT_EQ(b.args[0].dtype, tlrt::DType::BF16);
  EXPECT_EQ(b.args[0].shape, a.shape);
  EXPECT_EQ(b.args[0].access, "read");
  EXPECT_FALSE(b.args[1].isTensor);
  EXPECT_EQ(b.args[1].dtype, tlrt::DType::I32);
  EXPECT_EQ(b.grid, k.grid);
  EXPECT_EQ(b.threads, 128);
  EXPECT_EQ(b.sharedMemoryBytes, 49152);
  EXPECT_EQ(b.gemmFlops, 1 << 20);
  EXPECT_EQ(b.cpu, "x86-64-v2");
  EXPECT_EQ(b.configJson, k.configJson);
  EXPECT_FALSE(tlrt::parseKernelInfo("{}", b, error));
  EXPECT_NE(error.find("kernel metadata"), std::string::npos) << error;
}

/// A CUDA kernel of C = A B over f16 [M x K] x [K x N] with TMA maps.
static tlrt::KernelInfo tmaKernel() {
  tlrt::KernelInfo k;
  k.name = k.symbol = "matmul";
  k.target = "sm_90a";
  tlrt::ArgInfo a;
  a.dtype = tlrt::DType::F16;
  a.shape = {1000, 40};
  tlrt::ArgInfo b = a;
  b.shape = {40, 72};
  k.args = {a, b};
  k.grid = {2, 8};
  k.threads = 128;
  tlrt::TensorMapInfo ma{0, {128, 32}, 64}, mb{1, {32, 64}, 128};
  k.tensorMaps = {ma, mb};
  return k;
}

TEST(KernelInfo, TensorMapsReadBack) {
  tlrt::KernelInfo k = tmaKernel(), b;
  std::string error;
  ASSERT_TRUE(tlrt::parseKernelInfo(tlrt::writeKernelInfo(k), b, error))
      << error;
  ASSERT_EQ(b.tensorMaps.size(), 2u);
  EXPECT_EQ(b.tensorMaps[1].arg, 1);
  EXPECT_EQ(b.tensorMaps[1].box, (std::vector<int64_t>{32, 64}));
  EXPECT_EQ(b.tensorMaps[1].swizzleBytes, 128);
}

TEST(KernelInfo, BadTensorMapsAreRefused) {
  auto refused = [](auto change, const char *what) {
    tlrt::KernelInfo k = tmaKernel(), b;
    change(k.tensorMaps[0]);
    std::string error;
    bool ok = tlrt::parseKernelInfo(tlrt::writeKernelInfo(k), b, error);
    EXPECT_NE(error.find(what), std::string::npos) << error;
    return !ok;
  };
  EXPECT_TRUE(refused([](auto &m) { m.arg = 2; }, "not a tensor argument"));
  EXPECT_TRUE(refused([](auto &m) { m.box = {128}; }, "one entry per"));
  EXPECT_TRUE(refused([](auto &m) { m.box = {512, 32}; }, "1 to 256"));
  EXPECT_TRUE(refused([](auto &m) { m.swizzleBytes = 48; }, "swizzle must"));
  // 64 f16 are 128 bytes: wider than a 64-byte swizzle.
  EXPECT_TRUE(refused([](auto &m) { m.box = {128, 64}; }, "fit the swizzle"));
}

TEST(KernelInfo, ClusterShapeReadsBackAndMustDivideTheGrid) {
  tlrt::KernelInfo k = tmaKernel(), b;
  std::string error;
  ASSERT_TRUE(tlrt::parseKernelInfo(tlrt::writeKernelInfo(k), b, error));
  EXPECT_TRUE(b.cluster.empty());
  k.cluster = {1, 2};
  ASSERT_TRUE(tlrt::parseKernelInfo(tlrt::writeKernelInfo(k), b, error))
      << error;
  EXPECT_EQ(b.cluster, (std::vector<int64_t>{1, 2}));
  k.cluster = {1, 3}; // the grid has 8 rows
  EXPECT_FALSE(tlrt::parseKernelInfo(tlrt::writeKernelInfo(k), b, error));
  EXPECT_NE(error.find("divide the grid's 8"), std::string::npos) << error;
  k.cluster = {2};
  EXPECT_FALSE(tlrt::parseKernelInfo(tlrt::writeKernelInfo(k), b, error));
  EXPECT_NE(error.find("the grid's dimensions"), std::string::npos) << error;
}

TEST(KernelInfo, PersistentReadBackWithClusters) {
  tlrt::KernelInfo k = tmaKernel(), b;
  std::string error;
  ASSERT_TRUE(tlrt::parseKernelInfo(tlrt::writeKernelInfo(k), b, error));
  EXPECT_FALSE(b.persistent);
  k.persistent = true;
  ASSERT_TRUE(tlrt::parseKernelInfo(tlrt::writeKernelInfo(k), b, error))
      << error;
  EXPECT_TRUE(b.persistent);
  EXPECT_EQ(b.clusterBlocks(), 1u);
  k.cluster = {1, 2};
  ASSERT_TRUE(tlrt::parseKernelInfo(tlrt::writeKernelInfo(k), b, error))
      << error;
  EXPECT_TRUE(b.persistent);
  EXPECT_EQ(b.cluster, (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(b.clusterBlocks(), 2u);
}

TEST(KernelInfo, BinaryResourcesReadBack) {
  tlrt::KernelInfo k = tmaKernel(), b;
  std::string error;
  ASSERT_TRUE(tlrt::parseKernelInfo(tlrt::writeKernelInfo(k), b, error));
  EXPECT_TRUE(b.binaryResources.empty());
  k.binaryResources = {{"vgpr_count", 357}, {"vgpr_spill_count", 0}};
  ASSERT_TRUE(tlrt::parseKernelInfo(tlrt::writeKernelInfo(k), b, error))
      << error;
  EXPECT_EQ(b.binaryResources, k.binaryResources);
}

TEST(KernelInfo, TensorMapEncodingIsInnermostFirst) {
  tlrt::KernelInfo k = tmaKernel();
  tlrt::TensorMapEncoding e = tlrt::tensorMapEncoding(k, k.tensorMaps[0]);
  EXPECT_EQ(e.dataType, 6); // CU_TENSOR_MAP_DATA_TYPE_FLOAT16
  EXPECT_EQ(e.rank, 2u);
  EXPECT_EQ(e.dims[0], 40u);
  EXPECT_EQ(e.dims[1], 1000u);
  EXPECT_EQ(e.strides[0], 80u); // bytes of one row
  EXPECT_EQ(e.box[0], 32u);
  EXPECT_EQ(e.box[1], 128u);
  EXPECT_EQ(e.swizzle, 2); // CU_TENSOR_MAP_SWIZZLE_64B
  k.args[1].dtype = tlrt::DType::BF16;
  e = tlrt::tensorMapEncoding(k, k.tensorMaps[1]);
  EXPECT_EQ(e.dataType, 9); // CU_TENSOR_MAP_DATA_TYPE_BFLOAT16
  EXPECT_EQ(e.strides[0], 144u);
  EXPECT_EQ(e.swizzle, 3); // CU_TENSOR_MAP_SWIZZLE_128B
}

TEST(DeviceFingerprint, WrittenReadsBack) {
  tlrt::DeviceFingerprint f;
  f.kind = "cuda";
  f.name = "NVIDIA H200";
  f.computeCapability = "9.0";
  f.multiprocessors = 132;
  f.l2Bytes = 52428800;
  f.driverVersion = "13000";
  std::optional<tlrt::DeviceFingerprint> b =
      tlrt::DeviceFingerprint::fromJson(f.toJson());
  ASSERT_TRUE(b);
  EXPECT_EQ(b->toJson(), f.toJson());
  EXPECT_FALSE(tlrt::DeviceFingerprint::fromJson("not json"));
  EXPECT_FALSE(tlrt::DeviceFingerprint::fromJson("[]"));
  EXPECT_FALSE(tlrt::DeviceFingerprint::fromJson(R"({"multiprocessors":"x"})"));
}

TEST(WorkerSetup, WrittenReadsBack) {
  WorkerSetup s;
  tlrt::ArgInfo t;
  t.dtype = tlrt::DType::F16;
  t.shape = {2, 3};
  tlrt::ArgInfo scalar;
  scalar.isTensor = false;
  scalar.dtype = tlrt::DType::I32;
  s.work.signature.name = s.work.signature.symbol = "k";
  s.work.signature.target = "host";
  // A held input, a scalar, a generated input, an output.
  s.work.signature.args = {t, scalar, t, t};
  s.work.signature.grid = {1};
  s.work.signature.threads = 32;
  s.work.hostArgs = {{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, {}, {}, {}};
  s.work.generated = {
      std::nullopt, std::nullopt,
      GeneratedInput{tlrt::SupplyType::Normal, 0xFEDCBA9876543210ull},
      std::nullopt};
  s.work.scalarValues = {1, 7, 1, 1};
  s.work.outputs = {3};
  s.work.reference = {Reference{tlrt::DType::F32, {9, 8, 7, 6}}};
  s.work.referenceFile = "/tmp/ref.bin";
  s.device = "hip";
  s.hostThreads = 3;
  s.tolerance = tlrt::Tolerance{0.5, 0.25, 0.125};
  llvm::SmallString<128> path;
  ASSERT_FALSE(llvm::sys::fs::createTemporaryFile("setup", "bin", path));
  std::string error;
  ASSERT_TRUE(writeWorkerSetup(s, std::string(path), error)) << error;
  std::optional<WorkerSetup> b = readWorkerSetup(std::string(path), error);
  ASSERT_TRUE(b) << error;
  EXPECT_EQ(b->work.hostArgs, s.work.hostArgs);
  ASSERT_EQ(b->work.generated.size(), 4u);
  EXPECT_FALSE(b->work.generated[0]);
  ASSERT_TRUE(b->work.generated[2]);
  EXPECT_EQ(b->work.generated[2]->supply, tlrt::SupplyType::Normal);
  EXPECT_EQ(b->work.generated[2]->seed, 0xFEDCBA9876543210ull);
  // The initial bytes: held, generated as the generator says, zeros.
  std::vector<unsigned char> scratch, expected(12);
  EXPECT_EQ(b->work.initialBytes(0, scratch), b->work.hostArgs[0].data());
  tlrt::fillBuffer(expected.data(), tlrt::DType::F16, 6,
                   tlrt::SupplyType::Normal, 0xFEDCBA9876543210ull);
  const unsigned char *generated = b->work.initialBytes(2, scratch);
  EXPECT_EQ(std::vector<unsigned char>(generated, generated + 12), expected);
  const unsigned char *output = b->work.initialBytes(3, scratch);
  EXPECT_EQ(std::vector<unsigned char>(output, output + 12),
            std::vector<unsigned char>(12, 0));
  EXPECT_EQ(b->work.scalarValues, s.work.scalarValues);
  EXPECT_EQ(b->work.outputs, s.work.outputs);
  ASSERT_EQ(b->work.reference.size(), 1u);
  EXPECT_EQ(b->work.reference[0].data, s.work.reference[0].data);
  EXPECT_EQ(b->work.reference[0].dtype, tlrt::DType::F32);
  EXPECT_EQ(b->work.referenceFile, "/tmp/ref.bin");
  EXPECT_EQ(b->work.signature.args.size(), 4u);
  EXPECT_EQ(b->device, "hip");
  EXPECT_EQ(b->hostThreads, 3u);
  EXPECT_DOUBLE_EQ(b->tolerance.maxMismatchedRatio, 0.125);
  // Cut short: refused, with the file named.
  ASSERT_EQ(truncate(path.c_str(), 200), 0);
  EXPECT_FALSE(readWorkerSetup(std::string(path), error));
  EXPECT_NE(error.find(std::string(path)), std::string::npos) << error;
  llvm::sys::fs::remove(path);
  EXPECT_FALSE(readWorkerSetup("/no/such/setup", error));
}

/// The key of `options` over fixed inputs.
std::string keyOf(const TuneOptions &options, Target target = Target::Host) {
  KeyInputs inputs;
  inputs.templateIR = "tl.func @f()";
  inputs.configs = "f_block64 {block = 64}\n";
  inputs.target = target;
  inputs.hostCpu = "x86-64-v2";
  inputs.device = tlrt::hostFingerprint();
  return tuningKey(options, inputs).hex();
}

TEST(TuningKey, FollowsEveryOption) {
  TuneOptions base;
  std::string key = keyOf(base);
  EXPECT_EQ(keyOf(base), key) << "deterministic";
  auto changed = [&](const std::function<void(TuneOptions &)> &change) {
    TuneOptions o = base;
    change(o);
    return keyOf(o) != key;
  };
  EXPECT_TRUE(changed([](TuneOptions &o) { o.expand.instantiate = "M=64"; }));
  EXPECT_TRUE(changed([](TuneOptions &o) { o.expand.constraint = "M > 1"; }));
  EXPECT_TRUE(changed([](TuneOptions &o) { o.expand.maxConfigs = 7; }));
  EXPECT_TRUE(changed([](TuneOptions &o) { o.expand.funcName = "g"; }));
  EXPECT_TRUE(changed([](TuneOptions &o) { o.host.vectorWidth = 4; }));
  EXPECT_TRUE(changed([](TuneOptions &o) { o.host.optLevel = 2; }));
  EXPECT_TRUE(changed([](TuneOptions &o) { o.compileTimeoutSeconds = 5; }));
  EXPECT_TRUE(changed([](TuneOptions &o) { o.profile.warmup = 1; }));
  EXPECT_TRUE(changed([](TuneOptions &o) { o.profile.rep = 7; }));
  EXPECT_TRUE(changed([](TuneOptions &o) { o.profile.warmupMs = 3; }));
  EXPECT_TRUE(changed([](TuneOptions &o) { o.profile.repMs = 3; }));
  EXPECT_TRUE(changed([](TuneOptions &o) { o.profile.pruneRatio = 0; }));
  EXPECT_TRUE(changed([](TuneOptions &o) { o.profile.timeoutSeconds = 3; }));
  EXPECT_TRUE(changed([](TuneOptions &o) { o.profile.hostThreads = 3; }));
  EXPECT_TRUE(changed(
      [](TuneOptions &o) { o.profile.supply = tlrt::SupplyType::One; }));
  EXPECT_TRUE(changed([](TuneOptions &o) { o.profile.seed = 3; }));
  EXPECT_TRUE(changed([](TuneOptions &o) { o.profile.outIdx = {2}; }));
  EXPECT_TRUE(
      changed([](TuneOptions &o) { o.profile.inputFiles = {"/no/a.npy"}; }));
  EXPECT_TRUE(
      changed([](TuneOptions &o) { o.profile.refFiles = {"/no/r.npy"}; }));
  EXPECT_TRUE(changed([](TuneOptions &o) { o.profile.tolerance.rtol = 1; }));
  EXPECT_TRUE(changed([](TuneOptions &o) { o.profile.tolerance.atol = 1; }));
  EXPECT_TRUE(changed(
      [](TuneOptions &o) { o.profile.tolerance.maxMismatchedRatio = 0; }));
  EXPECT_TRUE(changed([](TuneOptions &o) { o.profile.skipCheck = true; }));
  EXPECT_TRUE(
      changed([](TuneOptions &o) { o.profile.checkIdentity = "lambda A"; }));
  // Where results go is not what they are.
  EXPECT_FALSE(changed([](TuneOptions &o) { o.outputDir = "/elsewhere"; }));
  EXPECT_FALSE(changed([](TuneOptions &o) { o.jobs = 3; }));
  EXPECT_FALSE(changed([](TuneOptions &o) { o.expand.report = "space.json"; }));
  // The configs a file holds are keyed by their contents (KeyInputs), not
  // by the file's name.
  EXPECT_FALSE(
      changed([](TuneOptions &o) { o.expand.configsFile = "/tmp/x.json"; }));
  // The host target does not compile for CUDA.
  EXPECT_FALSE(changed([](TuneOptions &o) { o.cuda.mma = "mma.sync"; }));
}

TEST(TuningKey, CudaFollowsTheLoweringOptions) {
  TuneOptions base;
  std::string key = keyOf(base, Target::Cuda);
  EXPECT_NE(key, keyOf(base, Target::Host));
  auto changed = [&](const std::function<void(TuneOptions &)> &change) {
    TuneOptions o = base;
    change(o);
    return keyOf(o, Target::Cuda) != key;
  };
  EXPECT_TRUE(changed([](TuneOptions &o) { o.cuda.chip = "sm_80"; }));
  EXPECT_TRUE(changed([](TuneOptions &o) { o.cuda.mma = "mma.sync"; }));
  EXPECT_TRUE(changed([](TuneOptions &o) { o.cuda.wgmmaInFlight = false; }));
  EXPECT_TRUE(changed([](TuneOptions &o) { o.cuda.tma = false; }));
  EXPECT_TRUE(changed([](TuneOptions &o) { o.cuda.warpSpecialize = true; }));
  EXPECT_TRUE(changed([](TuneOptions &o) { o.cuda.indexBitwidth = 32; }));
  EXPECT_TRUE(changed([](TuneOptions &o) { o.cuda.optLevel = 2; }));
  EXPECT_TRUE(changed([](TuneOptions &o) { o.cuda.features = "+ptx85"; }));
  EXPECT_FALSE(changed([](TuneOptions &o) { o.host.vectorWidth = 4; }));
  EXPECT_FALSE(changed([](TuneOptions &o) {
    o.cuda.deadline = std::chrono::steady_clock::now();
  }));
}

} // namespace
