// Reading the tool's inputs with a bound: files, and lines of a stream.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <istream>
#include <string>

#include "run.h"

namespace hsmbackup::cli {

ReadOutcome ReadFileBounded(const std::string& path, size_t max_bytes, std::string* text,
                            std::string* error) {
  text->clear();
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    *error = std::strerror(errno);
    return ReadOutcome::kUnreadable;
  }
  struct stat st {};
  ReadOutcome outcome = ReadOutcome::kOk;
  if (::fstat(fd, &st) != 0) {
    *error = std::strerror(errno);
    outcome = ReadOutcome::kUnreadable;
  } else if (S_ISREG(st.st_mode) && static_cast<uint64_t>(st.st_size) > max_bytes) {
    outcome = ReadOutcome::kTooLarge;
  }
  char buf[65536];
  while (outcome == ReadOutcome::kOk) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      *error = std::strerror(errno);  // a directory opens but fails here (EISDIR)
      outcome = ReadOutcome::kUnreadable;
    } else if (n == 0) {
      break;
    } else if (static_cast<size_t>(n) > max_bytes - text->size()) {
      outcome = ReadOutcome::kTooLarge;  // /dev/zero, a FIFO that never ends
    } else {
      text->append(buf, static_cast<size_t>(n));
    }
  }
  ::close(fd);
  if (outcome != ReadOutcome::kOk) text->clear();
  return outcome;
}

LineOutcome ReadBoundedLine(std::istream& in, size_t max_bytes, std::string* line) {
  line->clear();
  std::istream::sentry ok(in, /*noskipws=*/true);
  if (!ok) return LineOutcome::kEnd;
  std::streambuf* buf = in.rdbuf();
  for (;;) {
    const int c = buf->sbumpc();
    if (c == std::char_traits<char>::eof()) {
      in.setstate(std::ios::eofbit);
      if (line->empty()) {
        in.setstate(std::ios::failbit);
        return LineOutcome::kEnd;
      }
      return LineOutcome::kLine;
    }
    if (c == '\n') return LineOutcome::kLine;
    if (line->size() == max_bytes) {
      in.setstate(std::ios::failbit);
      return LineOutcome::kTooLong;
    }
    line->push_back(static_cast<char>(c));
  }
}

}  // namespace hsmbackup::cli
