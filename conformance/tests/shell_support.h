// The suite tests' one way to run a shell command: every test that starts
// the conformance runner, a fake target or a mutant goes through RunShell.
#ifndef HSMBACKUP_CONFORMANCE_TESTS_SHELL_SUPPORT_H_
#define HSMBACKUP_CONFORMANCE_TESTS_SHELL_SUPPORT_H_

#include <sys/wait.h>

#include <cstdio>
#include <string>

namespace hsmbackup::conformance::shell_testing {

// ShellQuote makes `s` one word for /bin/sh.
inline std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

struct RunResult {
  int exit_code = -1;  // -1 when the command could not run or was killed
  std::string out;
};

// RunShell runs `command` with /bin/sh and returns its exit code and
// stdout (append "2>&1" to the command, in a subshell, to get stderr too).
inline RunResult RunShell(const std::string& command) {
  RunResult r;
  FILE* p = popen(command.c_str(), "r");
  if (p == nullptr) return r;
  char buf[4096];
  for (size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) r.out.append(buf, n);
  const int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

// RunMerged runs `command` with its stderr merged into its stdout.
inline RunResult RunMerged(const std::string& command) {
  return RunShell("(" + command + ") 2>&1");
}

}  // namespace hsmbackup::conformance::shell_testing

#endif  // HSMBACKUP_CONFORMANCE_TESTS_SHELL_SUPPORT_H_
