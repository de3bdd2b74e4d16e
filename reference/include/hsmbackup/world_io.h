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

#include <cstddef>
#include <string>
#include <string_view>

#include "hsmbackup/model.h"
#include "hsmbackup/status.h"

namespace hsmbackup {

inline constexpr std::string_view kWorldFormat = "hsmbackup-world/1";

// ParseWorld reads a world from JSON text; `origin` names the source in
// error messages (a file name, or "<string>").
StatusOr<World> ParseWorld(std::string_view json_text, std::string_view origin);
StatusOr<World> LoadWorld(const std::string& path);

// WorldToJson renders a world canonically (stable key order, 2-space
// indent, trailing newline): ParseWorld(WorldToJson(w)) == w.
std::string WorldToJson(const World& world);

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
