// PosixFileOps: SaveWorld's steps as plain system calls.
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "hsmbackup/world_io.h"

namespace hsmbackup {

int PosixFileOps::CreateTemp(std::string& path_template, int* fd) {
  *fd = ::mkstemp(path_template.data());
  return *fd < 0 ? errno : 0;
}

int PosixFileOps::Write(int fd, const char* data, size_t size, size_t* written) {
  *written = 0;
  for (;;) {
    ssize_t n = ::write(fd, data, size);
    if (n >= 0) {
      *written = static_cast<size_t>(n);
      return 0;
    }
    if (errno != EINTR) return errno;
  }
}

int PosixFileOps::Fsync(int fd) { return ::fsync(fd) == 0 ? 0 : errno; }

// Close is never retried on EINTR: on Linux the descriptor is gone either
// way, and a retry could close one another thread just opened.
int PosixFileOps::Close(int fd) { return ::close(fd) == 0 ? 0 : errno; }

int PosixFileOps::Rename(const std::string& from, const std::string& to) {
  return ::rename(from.c_str(), to.c_str()) == 0 ? 0 : errno;
}

int PosixFileOps::OpenDirectory(const std::string& dir, int* fd) {
  *fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  return *fd < 0 ? errno : 0;
}

int PosixFileOps::Unlink(const std::string& path) {
  return ::unlink(path.c_str()) == 0 ? 0 : errno;
}

}  // namespace hsmbackup
