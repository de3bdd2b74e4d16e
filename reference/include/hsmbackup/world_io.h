// Loading and saving worlds as JSON (schema: reference/WORLD-FORMAT.md).
//
// LoadWorld validates everything and reports the first problem with the file
// name, the JSON path and why, as CKR_DATA_INVALID (or CKR_GENERAL_ERROR when
// the file cannot be read). SaveWorld writes atomically: a temporary file in
// the same directory, fsync, close, rename, fsync of the directory; an
// interrupted save never leaves a torn file: the target is byte for byte what
// it was or what was saved. The file-system calls go through FileOps, so a
// test can fail any one of them (PosixFileOps is the real one and the
// default).
#ifndef HSMBACKUP_WORLD_IO_H_
#define HSMBACKUP_WORLD_IO_H_

#include <nlohmann/json_fwd.hpp>

#include <cstddef>
#include <string>
#include <string_view>

#include "hsmbackup/model.h"
#include "hsmbackup/status.h"

namespace hsmbackup {

inline constexpr std::string_view kWorldFormat = "hsmbackup-world/1";

// ParseWorld reads a world from JSON text; `origin` names the source in
// error messages (a file name, or "<string>"). The text is read with
// ParseStrictJson (strict_json.h) at a depth of at most 64.
StatusOr<World> ParseWorld(std::string_view json_text, std::string_view origin);
// ParseWorldDocument reads a world already parsed from JSON text (as the
// protocol's `load` holds it, from ParseStrictJson): the same world, or the
// same error, as ParseWorld(document.dump(), origin), without the text.
StatusOr<World> ParseWorldDocument(const nlohmann::json& document, std::string_view origin);
StatusOr<World> LoadWorld(const std::string& path);

// WorldToJson renders a world canonically (stable key order, 2-space
// indent, trailing newline): ParseWorld(WorldToJson(w)) == w.
std::string WorldToJson(const World& world);

// kMaxWorldFileBytes is the largest world file LoadWorld reads. A regular
// file is measured before anything is read; a pipe or device is read up to
// this many bytes and then refused (or up to its first NUL byte, which
// ParseWorld refuses).
inline constexpr size_t kMaxWorldFileBytes = size_t{1} << 30;

// WorldLock is an exclusive lock on one world file, held until it is
// destroyed (or its process dies: the kernel drops it). It is an flock(2)
// on the sidecar file `.<name>.lock` beside the world, never on the world
// itself, because SaveWorld replaces the world's inode and a lock on the old
// one would no longer exclude anyone. The sidecar is created mode 0600,
// holds nothing and is never removed (removing it would let two processes
// lock two different files).
class WorldLock {
 public:
  WorldLock() = default;
  WorldLock(WorldLock&& other) noexcept;
  WorldLock& operator=(WorldLock&& other) noexcept;
  WorldLock(const WorldLock&) = delete;
  WorldLock& operator=(const WorldLock&) = delete;
  ~WorldLock();

  bool held() const { return fd_ >= 0; }
  // stale_removed is how many stale temporary files LockWorld removed.
  size_t stale_removed() const { return stale_removed_; }

 private:
  friend StatusOr<WorldLock> LockWorld(const std::string& path, int timeout_ms);
  int fd_ = -1;
  size_t stale_removed_ = 0;
};

// LockWorld takes the WorldLock of the world at `path`, trying again until
// `timeout_ms` milliseconds have passed (0: try once). Every process that
// loads a world to save it back must hold its lock from the load to the
// save, so their changes serialize and none is lost.
//
// Holding the lock, it then removes the stale temporary files of this world
// (`.<name>.tmp-XXXXXX`, regular files only) that a save killed before its
// rename left behind: no save of a lock holder can be in progress.
//
// Errors: CKR_FUNCTION_CANCELED "<path> is locked by another process ..."
// when the time runs out; CKR_GENERAL_ERROR naming the lock file and the
// system's reason when it cannot be created or locked.
StatusOr<WorldLock> LockWorld(const std::string& path, int timeout_ms);

// FileOps is every file-system call SaveWorld makes, one method per step.
// Each returns 0 or an errno value; none may throw.
class FileOps {
 public:
  virtual ~FileOps() = default;
  // CreateTemp is mkstemp(3): replaces the XXXXXX of `path_template` in
  // place and sets *fd to a new file, mode 0600.
  virtual int CreateTemp(std::string& path_template, int* fd) = 0;
  // Write writes up to `size` bytes (a short write is fine) and sets
  // *written to how many.
  virtual int Write(int fd, const char* data, size_t size, size_t* written) = 0;
  virtual int Fsync(int fd) = 0;
  // Close releases `fd` even when it reports an error (as close(2) does).
  virtual int Close(int fd) = 0;
  virtual int Rename(const std::string& from, const std::string& to) = 0;
  // OpenDirectory opens `dir` read-only for FsyncDirectory.
  virtual int OpenDirectory(const std::string& dir, int* fd) = 0;
  virtual int Unlink(const std::string& path) = 0;
};

// PosixFileOps does each step with the system call of the same name.
class PosixFileOps final : public FileOps {
 public:
  int CreateTemp(std::string& path_template, int* fd) override;
  int Write(int fd, const char* data, size_t size, size_t* written) override;
  int Fsync(int fd) override;
  int Close(int fd) override;
  int Rename(const std::string& from, const std::string& to) override;
  int OpenDirectory(const std::string& dir, int* fd) override;
  int Unlink(const std::string& path) override;
};

// SaveWorld writes `world` to `path` atomically with PosixFileOps, or with
// `ops`. A failure is CKR_GENERAL_ERROR and its message names the path and
// the step that failed ("create temporary file", "write", "fsync", "close",
// "rename", "open directory", "fsync directory", "close directory"). Until the rename, a
// failure removes the temporary file and leaves `path` as it was; a failure
// after it ("saved, but ...") leaves `path` saved.
Status SaveWorld(const World& world, const std::string& path);
Status SaveWorld(const World& world, const std::string& path, FileOps& ops);

}  // namespace hsmbackup

#endif  // HSMBACKUP_WORLD_IO_H_
