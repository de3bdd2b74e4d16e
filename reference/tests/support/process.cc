#include "support/process.h"

#include <sys/wait.h>

#include <cstdio>

namespace hsmbackup::testing {

std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

// popen with every word quoted: the simplest way to get stdout and stderr
// on one pipe in the order they were written.
ProcessResult RunProcess(const std::vector<std::string>& argv) {
  ProcessResult r;
  if (argv.empty()) return r;
  std::string command;
  for (const std::string& a : argv) {
    if (!command.empty()) command += ' ';
    command += ShellQuote(a);
  }
  command += " </dev/null 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return r;
  r.started = true;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) r.output.append(buf, n);
  const int status = ::pclose(pipe);
  r.exit_code = status != -1 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

}  // namespace hsmbackup::testing
