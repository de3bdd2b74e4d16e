// Running a program as a child process: the one process runner of the
// reference's tests (the tool binary in tests/cli, the golden transcripts).
#ifndef HSMBACKUP_TESTS_SUPPORT_PROCESS_H_
#define HSMBACKUP_TESTS_SUPPORT_PROCESS_H_

#include <string>
#include <vector>

namespace hsmbackup::testing {

struct ProcessResult {
  // exit_code is the exit status, or -1 when the process could not be
  // started or did not exit normally (a signal).
  int exit_code = -1;
  std::string output;  // stdout and stderr, interleaved as written
  bool started = false;
};

// RunProcess runs argv[0] with arguments argv[1..] (no shell expansion of
// any of them), stdin from /dev/null, and waits for it. It never asserts,
// so it is safe inside RapidCheck properties; check `started`.
ProcessResult RunProcess(const std::vector<std::string>& argv);

// ShellQuote quotes `s` as one POSIX shell word.
std::string ShellQuote(const std::string& s);

}  // namespace hsmbackup::testing

#endif  // HSMBACKUP_TESTS_SUPPORT_PROCESS_H_
