//===- CacheTest.cpp - The autotuner's disk cache -------------------------===//

#include "tl/Tuner/Cache.h"

#include "llvm/Support/FileSystem.h"
#include "gtest/gtest.h"

#include <cstdio>
#include <fstream>
#include <sys/wait.h>
#include <unistd.h>

using namespace mlir::tl;

namespace {

class CacheTest : public ::testing::Test {
protected:
  void SetUp() override {
    llvm::SmallString<128> dir;
    ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("tl-cache-test", dir));
    root = std::string(dir);
    settings.cacheDir = root + "/cache";
    settings.tmpDir = root + "/tmp";
  }
  void TearDown() override { llvm::sys::fs::remove_directories(root); }

  std::string root;
  CacheSettings settings;
};

TEST_F(CacheTest, MissThenHit) {
  EXPECT_EQ(lookupEntry(settings, "k1").status, LookupStatus::Miss);
  std::string error;
  auto dir = storeEntry(settings, "k1",
                        {{"best_config.json", "{\"block_M\":128}"},
                         {"kernel.so", std::string(1000, 'x')}},
                        error);
  ASSERT_TRUE(dir) << error;
  LookupResult hit = lookupEntry(settings, "k1");
  EXPECT_EQ(hit.status, LookupStatus::Hit);
  EXPECT_EQ(readFile(hit.dir + "/best_config.json").value_or(""),
            "{\"block_M\":128}");
  EXPECT_EQ(hit.files["best_config.json"], "{\"block_M\":128}");
  EXPECT_EQ(lookupEntry(settings, "k2").status, LookupStatus::Miss);
}

TEST_F(CacheTest, EveryKeyPartChangesTheKey) {
  auto keyWith = [](const std::string &part, const std::string &value) {
    CacheKey key;
    for (const char *name : {"tool", "template", "configs", "compile",
                             "profile", "toolchain", "device"})
      key.add(name, name == part ? value : "base");
    return key.hex();
  };
  std::string base = keyWith("", "");
  for (const char *part : {"tool", "template", "configs", "compile", "profile",
                           "toolchain", "device"})
    EXPECT_NE(keyWith(part, "changed"), base) << part;
  // Length-prefixed: moving bytes between parts changes the key too.
  CacheKey a, b;
  a.add("x", "ab");
  a.add("y", "c");
  b.add("x", "a");
  b.add("y", "bc");
  EXPECT_NE(a.hex(), b.hex());
}

TEST_F(CacheTest, DamagedEntryIsDetectedRemovedAndRebuilt) {
  std::string error;
  auto dir = storeEntry(settings, "k", {{"kernel.so", "good binary"}}, error);
  ASSERT_TRUE(dir) << error;
  {
    std::ofstream corrupt(*dir + "/kernel.so", std::ios::trunc);
    corrupt << "half-writ";
  }
  LookupResult damaged = lookupEntry(settings, "k");
  EXPECT_EQ(damaged.status, LookupStatus::Damaged);
  EXPECT_NE(damaged.reason.find("kernel.so"), std::string::npos);
  EXPECT_FALSE(llvm::sys::fs::exists(*dir)) << "a damaged entry is removed";
  ASSERT_TRUE(storeEntry(settings, "k", {{"kernel.so", "good binary"}}, error));
  EXPECT_EQ(lookupEntry(settings, "k").status, LookupStatus::Hit);
}

TEST_F(CacheTest, MissingManifestIsDamage) {
  std::string error;
  auto dir = storeEntry(settings, "k", {{"a", "1"}}, error);
  ASSERT_TRUE(dir);
  llvm::sys::fs::remove(*dir + "/manifest.json");
  EXPECT_EQ(lookupEntry(settings, "k").status, LookupStatus::Damaged);
}

// Two processes store the same key over and over while a third reads it:
// a reader sees a complete entry from one writer or the other, never a mix
// or a half-written file.
TEST_F(CacheTest, ConcurrentWritersNeverExposeAHalfWrittenEntry) {
  std::string big(1 << 20, 'a'), other(1 << 20, 'b');
  auto writer = [&](const std::string &contents) {
    pid_t pid = fork();
    if (pid == 0) {
      std::string error;
      for (int i = 0; i < 40; ++i) {
        if (!storeEntry(settings, "shared",
                        {{"kernel.so", contents},
                         {"latency.json", contents.substr(0, 10)}},
                        error))
          _exit(1);
        // Make room for the other writer to publish again (but leave the
        // last store in place).
        // Evict the way the cache does: rename aside, then delete.
        if (i % 4 == 3 && i != 39) {
          std::string entry = settings.autotunerDir() + "/shared";
          std::string aside = entry + ".evicted." + std::to_string(getpid());
          if (std::rename(entry.c_str(), aside.c_str()) == 0)
            llvm::sys::fs::remove_directories(aside);
        }
      }
      _exit(0);
    }
    return pid;
  };
  pid_t a = writer(big), b = writer(other);
  int hits = 0;
  int statusA = 0, statusB = 0;
  bool doneA = false, doneB = false;
  for (int i = 0; !(doneA && doneB) || i < 2; ++i) {
    doneA = doneA || waitpid(a, &statusA, WNOHANG) == a;
    doneB = doneB || waitpid(b, &statusB, WNOHANG) == b;
    LookupResult r = lookupEntry(settings, "shared");
    ASSERT_NE(r.status, LookupStatus::Damaged) << r.reason;
    if (r.status != LookupStatus::Hit)
      continue;
    ++hits;
    const std::string &so = r.files["kernel.so"];
    ASSERT_TRUE(so == big || so == other);
    ASSERT_EQ(so.substr(0, 10), r.files["latency.json"])
        << "files from different writers";
  }
  EXPECT_TRUE(WIFEXITED(statusA) && WEXITSTATUS(statusA) == 0);
  EXPECT_TRUE(WIFEXITED(statusB) && WEXITSTATUS(statusB) == 0);
  EXPECT_EQ(lookupEntry(settings, "shared").status == LookupStatus::Damaged,
            false);
  EXPECT_GT(hits, 0)
      << "the reader never saw an entry: the test checked nothing";
}

TEST_F(CacheTest, EnvironmentSwitches) {
  setenv("TILELANG_CACHE_DIR", "/somewhere", 1);
  unsetenv("TILELANG_TMP_DIR");
  setenv("TILELANG_AUTO_TUNING_DISABLE_CACHE", "1", 1);
  CacheSettings s = CacheSettings::fromEnvironment();
  EXPECT_EQ(s.cacheDir, "/somewhere");
  EXPECT_EQ(s.tmpDir, "/somewhere/tmp");
  EXPECT_EQ(s.autotunerDir(), "/somewhere/autotuner");
  EXPECT_FALSE(s.diskEnabled());
  unsetenv("TILELANG_AUTO_TUNING_DISABLE_CACHE");
  setenv("TILELANG_DISABLE_CACHE", "true", 1);
  EXPECT_FALSE(CacheSettings::fromEnvironment().diskEnabled());
  unsetenv("TILELANG_DISABLE_CACHE");
  EXPECT_TRUE(CacheSettings::fromEnvironment().diskEnabled());
  EXPECT_EQ(CacheSettings::fromEnvironment("/override").cacheDir, "/override");
  unsetenv("TILELANG_CACHE_DIR");
  // Disabled caches never report hits.
  CacheSettings off = settings;
  off.disableAll = true;
  std::string error;
  ASSERT_TRUE(storeEntry(settings, "k", {{"a", "1"}}, error));
  EXPECT_EQ(lookupEntry(off, "k").status, LookupStatus::Miss);
}

} // namespace
