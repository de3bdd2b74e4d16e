// The suite tests' one way to run a shell command: every test that starts
// the conformance runner, a fake target or a mutant goes through RunShell.
#ifndef HSMBACKUP_CONFORMANCE_TESTS_SHELL_SUPPORT_H_
#define HSMBACKUP_CONFORMANCE_TESTS_SHELL_SUPPORT_H_

#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>

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

// ProcessGone is true once process `pid` has exited, waiting up to two
// seconds; a zombie counts (a container without an init may not reap it).
inline bool ProcessGone(long pid) {
  for (int i = 0; i < 100; ++i) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (!std::getline(stat, line)) return true;
    const size_t paren = line.rfind(')');
    if (paren != std::string::npos && line.compare(paren + 2, 1, "Z") == 0) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

#if defined(HSMB_SOURCE_ROOT) && defined(HSMB_TOOL_PATH)
// RelayCommand is the command of a target that runs tests/relay_target.py
// in `mode` (its docstring lists them) before the reference.
inline std::string RelayCommand(const std::string& mode) {
  return "python3 " +
         ShellQuote(std::string(HSMB_SOURCE_ROOT) + "/conformance/tests/relay_target.py") + " " +
         mode + " " + ShellQuote(HSMB_TOOL_PATH);
}
#endif

}  // namespace hsmbackup::conformance::shell_testing

#endif  // HSMBACKUP_CONFORMANCE_TESTS_SHELL_SUPPORT_H_
