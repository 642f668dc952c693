//===- Cache.cpp - The autotuner's disk cache -----------------------------===//

#include "tl/Tuner/Cache.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/SHA256.h"
#include "llvm/Support/raw_ostream.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <unistd.h>

using namespace mlir::tl;

static std::optional<std::string> env(const char *name) {
  return llvm::sys::Process::GetEnv(name);
}

static bool envTrue(const char *name) {
  std::optional<std::string> v = env(name);
  if (!v)
    return false;
  std::string s = llvm::StringRef(*v).trim().lower();
  return s == "1" || s == "true" || s == "yes" || s == "on";
}

/// `path` made absolute against the working directory: staging and renames
/// resolve relative paths elsewhere (LLVM puts unique names under $TMPDIR).
static std::string absolute(std::string path) {
  llvm::SmallString<256> p(path);
  if (llvm::sys::fs::make_absolute(p))
    return path;
  llvm::sys::path::remove_dots(p, /*remove_dot_dot=*/true);
  return std::string(p);
}

CacheSettings CacheSettings::fromEnvironment(const std::string &override) {
  CacheSettings s;
  // An empty variable is the same as an unset one.
  auto nonEmpty = [](const char *name) -> std::optional<std::string> {
    std::optional<std::string> v = env(name);
    if (v && llvm::StringRef(*v).trim().empty())
      return std::nullopt;
    return v;
  };
  if (!override.empty()) {
    s.cacheDir = override;
  } else if (std::optional<std::string> dir = nonEmpty("TILELANG_CACHE_DIR")) {
    s.cacheDir = *dir;
  } else {
    std::string home = nonEmpty("HOME").value_or(".");
    s.cacheDir = home + "/.tilelang/cache";
  }
  s.cacheDir = absolute(s.cacheDir);
  s.tmpDir =
      absolute(nonEmpty("TILELANG_TMP_DIR").value_or(s.cacheDir + "/tmp"));
  s.disableAll = envTrue("TILELANG_DISABLE_CACHE");
  s.disableAutotuner = envTrue("TILELANG_AUTO_TUNING_DISABLE_CACHE");
  return s;
}

void CacheKey::add(const std::string &name, const std::string &value) {
  named[name] = value;
}

std::string CacheKey::hex() const {
  llvm::SHA256 hasher;
  for (const auto &[name, value] : named) {
    std::string header = name + "\n" + std::to_string(value.size()) + "\n";
    hasher.update(header);
    hasher.update(value);
  }
  return llvm::toHex(hasher.final(), /*LowerCase=*/true);
}

std::string mlir::tl::sha256Hex(const std::string &data) {
  return llvm::toHex(llvm::SHA256::hash(llvm::arrayRefFromStringRef(data)),
                     /*LowerCase=*/true);
}

std::optional<std::string> mlir::tl::readFile(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return std::nullopt;
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

/// Reads every file of `dir` and checks it against manifest.json; returns
/// an empty string when sound (and the contents in `files`), else why not.
static std::string readEntry(const std::string &dir,
                             std::map<std::string, std::string> *files) {
  std::optional<std::string> manifest = readFile(dir + "/manifest.json");
  if (!manifest)
    return "manifest.json is missing";
  llvm::Expected<llvm::json::Value> parsed = llvm::json::parse(*manifest);
  if (!parsed) {
    llvm::consumeError(parsed.takeError());
    return "manifest.json is not valid JSON";
  }
  const llvm::json::Object *listed =
      parsed->getAsObject() ? parsed->getAsObject()->getObject("files")
                            : nullptr;
  if (!listed || listed->empty())
    return "manifest.json lists no files";
  for (const auto &[name, digest] : *listed) {
    std::optional<std::string> contents = readFile(dir + "/" + name.str());
    if (!contents)
      return name.str() + " is missing";
    std::optional<llvm::StringRef> want = digest.getAsString();
    if (!want || sha256Hex(*contents) != *want)
      return name.str() + " does not match its hash";
    if (files)
      (*files)[name.str()] = std::move(*contents);
  }
  return "";
}

static std::string verifyEntry(const std::string &dir) {
  return readEntry(dir, nullptr);
}

/// Removes `dir` by first renaming it aside, so no reader sees it half
/// deleted.
void mlir::tl::removeCacheEntry(const CacheSettings &settings,
                                const std::string &dir) {
  std::string aside = dir + ".damaged." + std::to_string(::getpid());
  if (std::rename(dir.c_str(), aside.c_str()) == 0)
    llvm::sys::fs::remove_directories(aside);
}

LookupResult mlir::tl::lookupEntry(const CacheSettings &settings,
                                   const std::string &key) {
  LookupResult result;
  if (!settings.diskEnabled())
    return result;
  std::string dir = settings.autotunerDir() + "/" + key;
  if (!llvm::sys::fs::is_directory(dir))
    return result;
  std::string problem;
  for (int attempt = 0; attempt < 3; ++attempt) {
    result.files.clear();
    problem = readEntry(dir, &result.files);
    if (problem.empty()) {
      result.status = LookupStatus::Hit;
      result.dir = dir;
      return result;
    }
    if (!llvm::sys::fs::is_directory(dir))
      return LookupResult(); // removed meanwhile: a miss
  }
  result.files.clear();
  result.status = LookupStatus::Damaged;
  result.reason = problem;
  removeCacheEntry(settings, dir);
  return result;
}

std::optional<std::string>
mlir::tl::storeEntry(const CacheSettings &settings, const std::string &key,
                     const std::map<std::string, std::string> &files,
                     std::string &error) {
  std::string finalDir = settings.autotunerDir() + "/" + key;
  if (std::error_code ec =
          llvm::sys::fs::create_directories(settings.autotunerDir())) {
    error = "cannot create " + settings.autotunerDir() + ": " + ec.message();
    return std::nullopt;
  }
  // Stage in the tmp dir when it is on the same file system (rename works),
  // else beside the entries.
  std::string stageRoot = settings.tmpDir;
  if (llvm::sys::fs::create_directories(stageRoot))
    stageRoot = settings.autotunerDir();
  llvm::SmallString<256> stage;
  if (std::error_code ec = llvm::sys::fs::createUniqueDirectory(
          stageRoot + "/" + key.substr(0, 16), stage)) {
    error = "cannot stage a cache entry in " + stageRoot + ": " + ec.message();
    return std::nullopt;
  }
  llvm::json::Object digests;
  for (const auto &[name, contents] : files) {
    std::error_code ec;
    llvm::raw_fd_ostream os((stage + "/" + name).str(), ec);
    if (ec) {
      error =
          "cannot write " + (stage + "/" + name).str() + ": " + ec.message();
      llvm::sys::fs::remove_directories(stage);
      return std::nullopt;
    }
    os << contents;
    os.close();
    if (os.has_error()) {
      error = "writing " + name + " failed";
      os.clear_error();
      llvm::sys::fs::remove_directories(stage);
      return std::nullopt;
    }
    digests[name] = sha256Hex(contents);
  }
  {
    std::error_code ec;
    llvm::raw_fd_ostream os((stage + "/manifest.json").str(), ec);
    os << llvm::formatv("{0:2}",
                        llvm::json::Value(llvm::json::Object{
                            {"key", key}, {"files", std::move(digests)}}));
  }
  // Publish. A directory that exists already (another tuner won the race)
  // makes rename fail: keep theirs if it is sound, else move it aside and
  // try again (it may change under us while other tuners publish or
  // remove it, hence a few attempts).
  int err = 0;
  for (int attempt = 0; attempt < 8; ++attempt) {
    if (std::rename(stage.c_str(), finalDir.c_str()) == 0)
      return finalDir;
    err = errno;
    if (err == EXDEV && stageRoot != settings.autotunerDir()) {
      llvm::sys::fs::remove_directories(stage);
      CacheSettings local = settings;
      local.tmpDir = settings.autotunerDir();
      return storeEntry(local, key, files, error);
    }
    if (llvm::sys::fs::exists(finalDir) && verifyEntry(finalDir).empty()) {
      llvm::sys::fs::remove_directories(stage);
      return finalDir;
    }
    if (llvm::sys::fs::exists(finalDir))
      removeCacheEntry(settings, finalDir);
  }
  llvm::sys::fs::remove_directories(stage);
  error = "cannot publish cache entry " + finalDir + ": " + std::strerror(err);
  return std::nullopt;
}
