#include "hsmbackup/fork_copy.h"

#include <sys/mman.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include <stdio_ext.h>
#include <unistd.h>

namespace hsmbackup {
namespace {

// CopyMaker is StdioForker's Forker: fork(2) gives the copy
// this process as it is before any load (OpenSSL prepared, nothing served
// but hello), at the cost of copying page tables instead of starting a
// program. The copy inherits stdin, stdout and the process group, so the
// runner's kill on a timeout stops both. The original reads nothing until
// the copy has exited, and drops what stdio had read past the fork line:
// those requests are the copy's.
class CopyMaker {
 public:
  explicit CopyMaker(std::ostream& out) : out_(out) {}

  ForkResult operator()() {
    if (!regions_read_) ReadRegions();
    out_.flush();
    std::fflush(stdout);
    const pid_t pid = fork();
    if (pid < 0) {
      return {false,
              Status(Ckr::kGeneralError, std::string("fork failed: ") + std::strerror(errno)),
              {}};
    }
    if (pid == 0) {
      Prefault();
      return {true, OkStatus(), {}};
    }
    __fpurge(stdin);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    nlohmann::json ended = nlohmann::json::object();
    if (WIFEXITED(status)) ended["exit_code"] = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) ended["signal"] = WTERMSIG(status);
    return {false, OkStatus(), std::move(ended)};
  }

 private:
  struct Region {
    uintptr_t begin;
    size_t bytes;
    int advice;
  };

  // ReadRegions notes this process's writable and executable mappings
  // (stack and kernel pages aside) once: the process does nothing between
  // forks, so they stay as they are.
  void ReadRegions() {
    regions_read_ = true;
    constexpr size_t kLargest = size_t{64} << 20;  // a region this big is left to fault
    std::FILE* maps = std::fopen("/proc/self/maps", "r");
    if (maps == nullptr) return;
    char line[512];
    while (std::fgets(line, sizeof line, maps) != nullptr) {
      unsigned long begin = 0, end = 0;
      char perms[5] = {};
      if (std::sscanf(line, "%lx-%lx %4s", &begin, &end, perms) != 3 || end <= begin) continue;
      if (std::strstr(line, "[stack]") != nullptr || std::strstr(line, "[v") != nullptr) continue;
      const bool write = perms[1] == 'w' && perms[3] == 'p', exec = perms[2] == 'x';
      if ((!write && !exec) || end - begin > kLargest) continue;
      regions_.push_back({begin, end - begin, write ? MADV_POPULATE_WRITE : MADV_POPULATE_READ});
    }
    std::fclose(maps);
  }

  // Prefault maps, in the copy, the pages it would otherwise fault in one at
  // a time: its writable pages (copy-on-write after fork) and its code
  // (fork does not copy the page tables of file mappings). Where a fault is
  // dear (12 us on a VM, against 0.7 us a page populated in one call) that
  // is a fifth of a check's process (bench/BENCHMARKS.md, "fork"). A kernel
  // without MADV_POPULATE_* (before 5.14) refuses it, and the copy faults.
  void Prefault() const {
    for (const Region& r : regions_) {
      (void)madvise(reinterpret_cast<void*>(r.begin), r.bytes, r.advice);
    }
  }

  std::ostream& out_;
  bool regions_read_ = false;
  std::vector<Region> regions_;
};

}  // namespace

Forker StdioForker(std::ostream& out) { return CopyMaker(out); }

}  // namespace hsmbackup
