// LoadWorld and SaveWorld: the world file on disk.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "hsmbackup/world_io.h"

namespace hsmbackup {
namespace {

constexpr size_t kMaxWorldFileBytes = size_t{1} << 30;

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
  // Close reports the error close(2) may carry for a file just written.
  int Close() {
    int rc = ::close(fd_);
    fd_ = -1;
    return rc == 0 ? 0 : errno;
  }

 private:
  int fd_;
};

int WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return 0;
}

int FsyncDirectory(const std::string& dir) {
  Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) return errno;
  if (::fsync(fd.get()) != 0) return errno;
  return fd.Close();
}

}  // namespace

StatusOr<World> LoadWorld(const std::string& path) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return FileError("cannot read", path, errno);
  std::string text;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd.get(), buf, sizeof(buf));
    if (n < 0) {
      if (errno == EINTR) continue;
      return FileError("cannot read", path, errno);
    }
    if (n == 0) break;
    text.append(buf, static_cast<size_t>(n));
    // A world is kilobytes to megabytes; this stops a device or FIFO that
    // never ends from eating all memory.
    if (text.size() > kMaxWorldFileBytes) {
      return Status(Ckr::kDataInvalid, path + ": larger than " +
                                           std::to_string(kMaxWorldFileBytes) + " bytes");
    }
  }
  return ParseWorld(text, path);
}

Status SaveWorld(const World& world, const std::string& path) {
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
  Fd fd(::mkstemp(tmp.data()));
  if (fd.get() < 0) return FileError("cannot save (temporary file in " + dir + ")", path, errno);
  int err = WriteAll(fd.get(), text);
  if (err == 0 && ::fsync(fd.get()) != 0) err = errno;
  int close_err = fd.Close();
  if (err == 0) err = close_err;
  if (err == 0 && ::rename(tmp.c_str(), path.c_str()) != 0) err = errno;
  if (err != 0) {
    ::unlink(tmp.c_str());
    return FileError("cannot save", path, err);
  }
  err = FsyncDirectory(dir);
  if (err != 0) return FileError("saved, but cannot sync the directory of", path, err);
  return OkStatus();
}

}  // namespace hsmbackup
