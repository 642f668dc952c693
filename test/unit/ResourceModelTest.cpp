//===- ResourceModelTest.cpp - Resource numbers on hand-computed cases ----===//

#include "tl/Dialect/TL/Transforms/ResourceModel.h"
#include "tl/Dialect/TL/IR/TLOps.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "gtest/gtest.h"

using namespace mlir;
using namespace mlir::tl;

namespace {

/// A specialized GEMM kernel: `bm x bk` and `bk x bn` shared tiles of `ab`
/// filled in a pipelined loop of `stages`, a `bm x bn` `acc` fragment.
std::string gemmKernel(int bm, int bn, int bk, int stages, int threads,
                       const char *ab = "f16", const char *acc = "f32") {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << "tl.func @k(%A: memref<1024x1024x" << ab << ">, %B: memref<1024x1024x"
     << ab << ">) {\n"
     << "  %c0 = arith.constant 0 : index\n"
     << "  %c1 = arith.constant 1 : index\n"
     << "  %n = arith.constant 8 : index\n"
     << "  %s = arith.constant " << stages << " : index\n"
     << "  %t = arith.constant " << threads << " : index\n"
     << "  tl.kernel (%bx) in (%c1) threads %t {\n"
     << "    %a = tl.alloc_shared() : memref<" << bm << "x" << bk << "x" << ab
     << ", #tl.memory<shared>>\n"
     << "    %b = tl.alloc_shared() : memref<" << bk << "x" << bn << "x" << ab
     << ", #tl.memory<shared>>\n"
     << "    %c = tl.alloc_fragment() : memref<" << bm << "x" << bn << "x"
     << acc << ", #tl.memory<fragment>>\n"
     << "    tl.pipelined %k = %c0 to %n num_stages %s {\n"
     << "      tl.copy %A[%c0, %c0] to %a : memref<1024x1024x" << ab
     << ">, memref<" << bm << "x" << bk << "x" << ab
     << ", #tl.memory<shared>>\n"
     << "      tl.copy %B[%c0, %c0] to %b : memref<1024x1024x" << ab
     << ">, memref<" << bk << "x" << bn << "x" << ab
     << ", #tl.memory<shared>>\n"
     << "      tl.gemm %a, %b, %c : memref<" << bm << "x" << bk << "x" << ab
     << ", #tl.memory<shared>>, memref<" << bk << "x" << bn << "x" << ab
     << ", #tl.memory<shared>>, memref<" << bm << "x" << bn << "x" << acc
     << ", #tl.memory<fragment>>\n"
     << "    }\n"
     << "  }\n"
     << "  tl.return\n"
     << "}\n";
  return s;
}

class ResourceModelTest : public ::testing::Test {
protected:
  ResourceModelTest() {
    ctx.loadDialect<TLDialect, arith::ArithDialect, memref::MemRefDialect>();
  }

  FuncOp parse(const std::string &source) {
    module = parseSourceString<ModuleOp>(source, &ctx);
    EXPECT_TRUE(module) << source;
    return module ? cast<FuncOp>(module->getBody()->front()) : FuncOp();
  }

  std::vector<std::string> rules(FuncOp kernel, StringRef chip) {
    std::vector<std::string> out;
    const ChipInfo &info = *lookupChip(chip);
    for (const Violation &v :
         checkLimits(kernel, computeResources(kernel, &info), info))
      out.push_back(v.rule);
    return out;
  }

  MLIRContext ctx;
  OwningOpRef<ModuleOp> module;
};

TEST_F(ResourceModelTest, SharedMemoryCountsEveryStage) {
  // (128*32 + 32*128) f16 = 16 KiB per stage, 3 stages = 48 KiB.
  FuncOp k = parse(gemmKernel(128, 128, 32, 3, 128));
  KernelResources res = computeResources(k);
  EXPECT_EQ(res.sharedBytes, 3 * (128 * 32 + 32 * 128) * 2);
  EXPECT_EQ(res.threads, 128);
  EXPECT_EQ(res.grid, (SmallVector<int64_t, 3>{1}));
}

TEST_F(ResourceModelTest, RegistersFromFragmentShare) {
  // 128x128 f32 accumulator = 64 KiB over 128 threads = 128 registers each,
  // plus the fixed 32.
  FuncOp k = parse(gemmKernel(128, 128, 32, 2, 128));
  KernelResources res = computeResources(k);
  EXPECT_EQ(res.fragmentBytes, 128 * 128 * 4);
  EXPECT_EQ(res.registersPerThread, 128 + kBaseRegistersPerThread);
  EXPECT_TRUE(rules(k, "sm_90a").empty());
}

TEST_F(ResourceModelTest, SharedMemoryLimitsDifferPerChip) {
  // (128*64 + 64*128) f16 * 4 stages = 128 KiB: fits sm_80 (163 KiB) and
  // sm_90a (227 KiB), not sm_86 (99 KiB).
  FuncOp big = parse(gemmKernel(128, 128, 64, 4, 256));
  EXPECT_EQ(computeResources(big).sharedBytes, 128 * 1024);
  EXPECT_TRUE(rules(big, "sm_80").empty());
  EXPECT_TRUE(rules(big, "sm_90a").empty());
  EXPECT_EQ(rules(big, "sm_86"), std::vector<std::string>{"shared_memory"});
  // The AMD lowering keeps two LDS buffers a tile however many stages
  // (loads through registers, stored into the buffer not being read): 64
  // KiB, which fits gfx942's 64 KiB; one stage is one buffer;
  // (128*256 + 256*128) f16 = 128 KiB in one stage does not fit.
  EXPECT_EQ(computeResources(big, lookupChip("gfx942")).sharedBytes, 64 * 1024);
  EXPECT_TRUE(rules(big, "gfx942").empty());
  // The next k-tile (32 KiB) is held in registers across the gemm there:
  // 32 more a thread than the accumulator's 64 and the base 32.
  EXPECT_EQ(computeResources(big, lookupChip("gfx942")).registersPerThread,
            128);
  EXPECT_EQ(computeResources(big, lookupChip("sm_90a")).registersPerThread,
            96);
  FuncOp single = parse(gemmKernel(128, 128, 64, 1, 256));
  EXPECT_EQ(computeResources(single, lookupChip("gfx942")).sharedBytes,
            32 * 1024);
  FuncOp wide = parse(gemmKernel(128, 128, 256, 1, 256));
  EXPECT_EQ(rules(wide, "gfx942"), std::vector<std::string>{"shared_memory"});
}

TEST_F(ResourceModelTest, ThreadsAndWarps) {
  // 96 threads: a multiple of 32 (sm_90a) but not of 64 (gfx90a). The
  // 48x64 tile is 3x8 m16n8 tiles: 3 warps take a row each.
  FuncOp k = parse(gemmKernel(48, 64, 32, 1, 96));
  EXPECT_TRUE(rules(k, "sm_90a").empty());
  EXPECT_EQ(rules(k, "gfx90a"), std::vector<std::string>{"warp_multiple"});
  FuncOp tooMany = parse(gemmKernel(64, 64, 32, 1, 2048));
  auto r = rules(tooMany, "sm_80");
  EXPECT_NE(std::find(r.begin(), r.end(), "threads"), r.end());
}

TEST_F(ResourceModelTest, RegisterLimit) {
  // 256x256 f32 = 256 KiB over 256 threads = 256 + 32 registers > 255;
  // AMD allows 512.
  FuncOp k = parse(gemmKernel(256, 256, 16, 1, 256));
  EXPECT_EQ(computeResources(k).registersPerThread, 256 + 32);
  EXPECT_EQ(rules(k, "sm_90a"), std::vector<std::string>{"registers"});
  EXPECT_TRUE(rules(k, "gfx942").empty());
  EXPECT_TRUE(rules(k, "host").empty());
}

TEST_F(ResourceModelTest, TensorCoreShapes) {
  // f16 mma.sync is m16n8k16: K = 8 is not a multiple of 16.
  FuncOp k = parse(gemmKernel(64, 64, 8, 1, 128));
  EXPECT_EQ(rules(k, "sm_80"), std::vector<std::string>{"mma_shape"});
  EXPECT_TRUE(rules(k, "host").empty());
  // N = 8 suits NVIDIA's n8 but not AMD's 16x16 MFMA.
  FuncOp narrow = parse(gemmKernel(64, 8, 16, 1, 128));
  // 64x8 is 4x1 m16n8 tiles: 4 warps take one row each.
  EXPECT_TRUE(rules(narrow, "sm_90a").empty());
  EXPECT_EQ(rules(narrow, "gfx90a"), std::vector<std::string>{"mma_shape"});
}

TEST_F(ResourceModelTest, WarpTiling) {
  // 16x8 f16 tile = one m16n8 instruction tile; 4 warps cannot share it.
  FuncOp k = parse(gemmKernel(16, 8, 16, 1, 128));
  EXPECT_EQ(rules(k, "sm_90a"), std::vector<std::string>{"warp_tiling"});
  // 64x64 = 4x8 instruction tiles: 8 warps as 1x8, 2x4 or 4x2.
  FuncOp ok = parse(gemmKernel(64, 64, 16, 1, 256));
  EXPECT_TRUE(rules(ok, "sm_90a").empty());
}

TEST_F(ResourceModelTest, Fp8NeedsAda) {
  FuncOp k = parse(gemmKernel(64, 64, 32, 1, 128, "f8E4M3FN", "f32"));
  EXPECT_EQ(rules(k, "sm_80"), std::vector<std::string>{"dtype"});
  EXPECT_TRUE(rules(k, "sm_89").empty());
}

TEST(ChipTable, KnownChips) {
  for (StringRef name : {"sm_80", "sm_86", "sm_89", "sm_90", "sm_90a", "gfx90a",
                         "gfx942", "host"})
    EXPECT_TRUE(lookupChip(name)) << name.str();
  EXPECT_FALSE(lookupChip("sm_75"));
  EXPECT_EQ(lookupChip("sm_90a")->maxSharedBytesPerBlock, 227 * 1024);
  EXPECT_EQ(lookupChip("gfx942")->warpSize, 64);
}

} // namespace
