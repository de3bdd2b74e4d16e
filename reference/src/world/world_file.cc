// LoadWorld and SaveWorld: the world file on disk. SaveWorld makes every
// file-system call through FileOps (file_ops.cc has the real ones).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "hsmbackup/world_io.h"

namespace hsmbackup {
namespace {

Status FileError(const std::string& what, const std::string& path, int err) {
  return Status(Ckr::kGeneralError, what + " " + path + ": " + std::strerror(err));
}

// Fd closes its descriptor on every path out of a function.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

// OpsFd closes a descriptor through `ops` on every path out of SaveWorld.
class OpsFd {
 public:
  OpsFd(FileOps& ops, int fd) : ops_(ops), fd_(fd) {}
  OpsFd(const OpsFd&) = delete;
  OpsFd& operator=(const OpsFd&) = delete;
  ~OpsFd() {
    if (fd_ >= 0) ops_.Close(fd_);
  }
  int get() const { return fd_; }
  int Close() {
    const int fd = fd_;
    fd_ = -1;
    return ops_.Close(fd);
  }

 private:
  FileOps& ops_;
  int fd_;
};

// A step failed: the path, the step and the system's reason, never the
// world's contents (which hold secrets).
Status StepError(const std::string& path, const char* step, int err, bool saved) {
  const std::string head = saved ? "saved " + path + ", but " : "cannot save " + path + ": ";
  return Status(Ckr::kGeneralError, head + step + " failed: " + std::strerror(err));
}

// WriteAll loops over short writes; a write that makes no progress would
// loop forever, so it counts as an I/O error.
int WriteAll(FileOps& ops, int fd, std::string_view data) {
  while (!data.empty()) {
    size_t n = 0;
    if (int err = ops.Write(fd, data.data(), data.size(), &n); err != 0) return err;
    if (n == 0 || n > data.size()) return EIO;
    data.remove_prefix(n);
  }
  return 0;
}

}  // namespace

StatusOr<World> LoadWorld(const std::string& path) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return FileError("cannot read", path, errno);
  const Status too_large(Ckr::kDataInvalid, path + ": larger than " +
                                                std::to_string(kMaxWorldFileBytes) + " bytes");
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return FileError("cannot read", path, errno);
  // Measured first, so a huge file is refused without buffering any of it.
  if (S_ISREG(st.st_mode) && static_cast<uint64_t>(st.st_size) > kMaxWorldFileBytes) {
    return too_large;
  }
  std::string text;
  if (S_ISREG(st.st_mode)) text.reserve(static_cast<size_t>(st.st_size));
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd.get(), buf, sizeof(buf));
    if (n < 0) {
      if (errno == EINTR) continue;
      return FileError("cannot read", path, errno);
    }
    if (n == 0) break;
    // A world is kilobytes to megabytes; this stops a device or FIFO that
    // never ends (checked before appending, so the buffer never grows past
    // the limit).
    if (static_cast<size_t>(n) > kMaxWorldFileBytes - text.size()) return too_large;
    text.append(buf, static_cast<size_t>(n));
    // A NUL is never valid JSON: stop there (and name it as ParseWorld
    // does) rather than buffer the rest of /dev/zero.
    if (std::memchr(buf, '\0', static_cast<size_t>(n)) != nullptr) break;
  }
  return ParseWorld(text, path);
}

Status SaveWorld(const World& world, const std::string& path, FileOps& ops) {
  if (path.empty() || path.back() == '/') {
    return Status(Ckr::kGeneralError, "cannot save to \"" + path + "\": not a file name");
  }
  std::string text = WorldToJson(world);
  // A world that would not load back must not replace one that does.
  StatusOr<World> back = ParseWorld(text, path);
  if (!back.ok()) {
    return Status(Ckr::kGeneralError, "refusing to save " + path +
                                          ": the world would not load back: " +
                                          back.status().message());
  }
  if (!(*back == world)) {
    return Status(Ckr::kGeneralError,
                  "refusing to save " + path + ": the world does not survive a save and load");
  }

  size_t slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
  std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  std::string tmp = (slash == std::string::npos ? "" : path.substr(0, slash + 1)) + "." + base +
                    ".tmp-XXXXXX";
  // mkstemp creates the file 0600, which suits a file that holds secrets.
  int raw_fd = -1;
  if (int err = ops.CreateTemp(tmp, &raw_fd); err != 0 || raw_fd < 0) {
    return StepError(path, "create temporary file", err != 0 ? err : EBADF, false);
  }
  OpsFd file(ops, raw_fd);
  const char* step = "write";
  int err = WriteAll(ops, file.get(), text);
  if (err == 0) {
    step = "fsync";
    err = ops.Fsync(file.get());
  }
  // The temporary file is closed before the rename whatever happened, and a
  // close error counts: it can be the first report of a failed write.
  const int close_err = file.Close();
  if (err == 0 && close_err != 0) {
    step = "close";
    err = close_err;
  }
  if (err == 0) {
    step = "rename";
    err = ops.Rename(tmp, path);
  }
  if (err != 0) {
    ops.Unlink(tmp);
    return StepError(path, step, err, false);
  }
  // Renamed: the file is saved; syncing the directory makes the rename
  // itself durable, so its failure is still reported.
  int dir_fd = -1;
  if (err = ops.OpenDirectory(dir, &dir_fd); err != 0 || dir_fd < 0) {
    return StepError(path, "open directory", err != 0 ? err : EBADF, true);
  }
  OpsFd directory(ops, dir_fd);
  if (err = ops.Fsync(directory.get()); err != 0) {
    return StepError(path, "fsync directory", err, true);
  }
  if (err = directory.Close(); err != 0) return StepError(path, "close directory", err, true);
  return OkStatus();
}

Status SaveWorld(const World& world, const std::string& path) {
  PosixFileOps ops;
  return SaveWorld(world, path, ops);
}

}  // namespace hsmbackup
