// The subprocess adapter: JSON lines over the child's stdin and stdout.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "conformance/target.h"

extern char** environ;

namespace hsmbackup::conformance {
namespace {

class SubprocessTarget final : public Target {
 public:
  ~SubprocessTarget() override {
    if (pid_ > 0) {
      Bye();
      if (to_child_ >= 0) close(to_child_);
      if (from_child_ >= 0) close(from_child_);
      int status = 0;
      waitpid(pid_, &status, 0);
    }
  }

  bool Start(const std::string& command, TargetError* error) {
    int in[2], out[2];
    if (pipe(in) != 0 || pipe(out) != 0) {
      *error = {std::string("pipe: ") + std::strerror(errno)};
      return false;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in[0], STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    for (int fd : {in[0], in[1], out[0], out[1]}) posix_spawn_file_actions_addclose(&actions, fd);
    const char* argv[] = {"/bin/sh", "-c", command.c_str(), nullptr};
    int rc = posix_spawn(&pid_, "/bin/sh", &actions, nullptr, const_cast<char**>(argv), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(in[0]);
    close(out[1]);
    to_child_ = in[1];
    from_child_ = out[0];
    if (rc != 0) {
      pid_ = -1;
      *error = {"cannot start target '" + command + "': " + std::strerror(rc)};
      return false;
    }
    signal(SIGPIPE, SIG_IGN);  // a dead target is an error to report, not a crash
    return true;
  }

 protected:
  std::optional<std::string> Exchange(const std::string& request, TargetError* error) override {
    std::string line = request + "\n";
    for (size_t done = 0; done < line.size();) {
      ssize_t n = write(to_child_, line.data() + done, line.size() - done);
      if (n <= 0) {
        *error = {"target stopped reading its stdin"};
        return std::nullopt;
      }
      done += static_cast<size_t>(n);
    }
    std::string response;
    for (;;) {
      size_t nl = buffer_.find('\n');
      if (nl != std::string::npos) {
        response = buffer_.substr(0, nl);
        buffer_.erase(0, nl + 1);
        return response;
      }
      char chunk[65536];
      ssize_t n = read(from_child_, chunk, sizeof(chunk));
      if (n <= 0) {
        *error = {"target closed its stdout before answering"};
        return std::nullopt;
      }
      buffer_.append(chunk, static_cast<size_t>(n));
    }
  }

 private:
  pid_t pid_ = -1;
  int to_child_ = -1;
  int from_child_ = -1;
  std::string buffer_;
};

}  // namespace

std::unique_ptr<Target> MakeSubprocessTarget(const std::string& command, TargetError* error) {
  auto target = std::make_unique<SubprocessTarget>();
  if (!target->Start(command, error)) return nullptr;
  return target;
}

}  // namespace hsmbackup::conformance
