// LockWorld: one saver at a time per world, and the cleanup only a lock
// holder may do.
#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>
#include <thread>
#include <utility>

#include "hsmbackup/world_io.h"

namespace hsmbackup {
namespace {

struct PathParts {
  std::string dir;     // "." when the path has no slash
  std::string prefix;  // the path up to and including its last slash
  std::string base;    // the file name
};

PathParts Split(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return {".", "", path};
  return {slash == 0 ? "/" : path.substr(0, slash), path.substr(0, slash + 1),
          path.substr(slash + 1)};
}

std::string Seconds(int ms) {
  std::string frac = std::to_string(ms % 1000);
  frac.insert(0, 3 - frac.size(), '0');
  return std::to_string(ms / 1000) + "." + frac;
}

// IsTempName matches what SaveWorld's mkstemp makes of ".<base>.tmp-XXXXXX".
bool IsTempName(std::string_view name, const std::string& base) {
  const std::string prefix = "." + base + ".tmp-";
  if (name.size() != prefix.size() + 6 || name.substr(0, prefix.size()) != prefix) return false;
  return std::all_of(name.begin() + static_cast<std::ptrdiff_t>(prefix.size()), name.end(),
                     [](char c) {
                       return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                              (c >= '0' && c <= '9');
                     });
}

// RemoveStaleTemps removes what a killed save left: it holds every secret
// of the world and would otherwise outlive the process forever.
size_t RemoveStaleTemps(const PathParts& parts) {
  DIR* dir = ::opendir(parts.dir.c_str());
  if (dir == nullptr) return 0;
  size_t removed = 0;
  const int dfd = ::dirfd(dir);
  while (const dirent* entry = ::readdir(dir)) {
    if (!IsTempName(entry->d_name, parts.base)) continue;
    struct stat st {};
    if (::fstatat(dfd, entry->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode)) {
      continue;
    }
    if (::unlinkat(dfd, entry->d_name, 0) == 0) ++removed;
  }
  ::closedir(dir);
  return removed;
}

}  // namespace

WorldLock::WorldLock(WorldLock&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), stale_removed_(other.stale_removed_) {}

WorldLock& WorldLock::operator=(WorldLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    stale_removed_ = other.stale_removed_;
  }
  return *this;
}

WorldLock::~WorldLock() {
  if (fd_ >= 0) ::close(fd_);  // closing the last descriptor drops the flock
}

StatusOr<WorldLock> LockWorld(const std::string& path, int timeout_ms) {
  const PathParts parts = Split(path);
  const std::string lock_path = parts.prefix + "." + parts.base + ".lock";
  // O_NOFOLLOW: a planted symbolic link must not make us create or lock a
  // file elsewhere.
  const int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    return Status(Ckr::kGeneralError,
                  "cannot lock " + path + ": open " + lock_path + ": " + std::strerror(errno));
  }
  WorldLock lock;
  lock.fd_ = fd;
  // Polling rather than a blocking flock keeps the timeout exact without
  // signals; a waiter sleeps at most 50 ms between tries.
  timeout_ms = std::max(timeout_ms, 0);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  auto pause = std::chrono::milliseconds(1);
  while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno == EINTR) continue;
    if (errno != EWOULDBLOCK) {
      return Status(Ckr::kGeneralError,
                    "cannot lock " + path + ": flock " + lock_path + ": " + std::strerror(errno));
    }
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) {
      return Status(Ckr::kFunctionCanceled,
                    path + " is locked by another process saving it; gave up after " +
                        Seconds(timeout_ms) + " s (--lock-timeout)");
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
    std::this_thread::sleep_for(std::min(pause, left + std::chrono::milliseconds(1)));
    pause = std::min(pause * 2, std::chrono::milliseconds(50));
  }
  lock.stale_removed_ = RemoveStaleTemps(parts);
  return lock;
}

}  // namespace hsmbackup
