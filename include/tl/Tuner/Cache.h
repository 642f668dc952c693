//===- Cache.h - The autotuner's disk cache ---------------------*- C++ -*-===//
//
// $TILELANG_CACHE_DIR/autotuner/<key>/ as the guide lays it out
// (best_config.json, latency.json, the binary, ...), plus a manifest of every
// file's size and hash. Entries are staged in a temporary directory and
// renamed into place, so a reader never sees a half-written entry and two
// tuners sharing one cache do not corrupt each other; an entry whose files do
// not match its manifest is reported damaged, removed and rebuilt.
//
//===----------------------------------------------------------------------===//

#ifndef TL_TUNER_CACHE_H
#define TL_TUNER_CACHE_H

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mlir::tl {

/// The directories and switches the guide's environment variables set.
struct CacheSettings {
  std::string cacheDir;    // $TILELANG_CACHE_DIR, default ~/.tilelang/cache
  std::string tmpDir;      // $TILELANG_TMP_DIR, default <cacheDir>/tmp
  bool disableAll = false; // TILELANG_DISABLE_CACHE
  bool disableAutotuner = false; // TILELANG_AUTO_TUNING_DISABLE_CACHE

  /// From the environment; `cacheDirOverride` (a --cache-dir) wins.
  static CacheSettings
  fromEnvironment(const std::string &cacheDirOverride = "");
  bool diskEnabled() const { return !disableAll && !disableAutotuner; }
  std::string autotunerDir() const { return cacheDir + "/autotuner"; }
};

/// The cache key: a SHA-256 over named parts (tool version, template IR,
/// configs, options, toolchain, device), each part length-prefixed.
class CacheKey {
public:
  void add(const std::string &name, const std::string &value);
  std::string hex() const;
  /// The parts, for the entry's key.json (so a miss can be explained).
  const std::map<std::string, std::string> &parts() const { return named; }

private:
  std::map<std::string, std::string> named;
};

enum class LookupStatus { Hit, Miss, Damaged };

struct LookupResult {
  LookupStatus status = LookupStatus::Miss;
  std::string dir;    // the entry, on a hit
  std::string reason; // why it is damaged
  /// On a hit, every file of the entry as verified against its manifest:
  /// one consistent snapshot even if another process replaces the entry
  /// right after.
  std::map<std::string, std::string> files;
};

/// Looks `key` up; a damaged entry is removed so that it is rebuilt. An
/// entry that changes while it is read (another tuner replacing it) is read
/// again before it is called damaged.
LookupResult lookupEntry(const CacheSettings &settings, const std::string &key);

/// Stores the files in `files` (name -> contents) as the entry `key`:
/// staged, then renamed. If another writer stored the key first, keeps
/// theirs. Returns the entry directory, or nullopt with `error`.
std::optional<std::string>
storeEntry(const CacheSettings &settings, const std::string &key,
           const std::map<std::string, std::string> &files, std::string &error);

/// Removes the entry directory `dir`, first renaming it aside so that no
/// reader sees it half deleted.
void removeCacheEntry(const CacheSettings &settings, const std::string &dir);

/// SHA-256 of `data`, hex.
std::string sha256Hex(const std::string &data);

/// Reads a whole file; nullopt when it cannot be read.
std::optional<std::string> readFile(const std::string &path);

} // namespace mlir::tl

#endif // TL_TUNER_CACHE_H
