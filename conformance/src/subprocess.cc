// The subprocess adapter: JSON lines over the child's stdin and stdout.
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string_view>
#include <vector>

#include "conformance/target.h"
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <unistd.h>

extern char** environ;

namespace hsmbackup::conformance {
namespace {

// The process groups of the targets running, and what to say when the
// runner is interrupted: a signal handler can reach nothing but statics,
// and only async-signal-safe calls and lock-free atomics are allowed there.
constexpr int kMaxRunning = 16;  // a run has at most three at once
std::atomic<pid_t> running_groups[kMaxRunning];
char interrupted_int[256];
char interrupted_term[256];

void NoteRunning(pid_t group) {
  for (std::atomic<pid_t>& slot : running_groups) {
    pid_t free = 0;
    if (slot.compare_exchange_strong(free, group)) return;
  }
}

void NoteStopped(pid_t group) {
  for (std::atomic<pid_t>& slot : running_groups) {
    pid_t was = group;
    if (slot.compare_exchange_strong(was, 0)) return;
  }
}

extern "C" void StopTargetsAndExit(int signal_number) {
  for (std::atomic<pid_t>& slot : running_groups) {
    const pid_t group = slot.load();
    if (group > 0) kill(-group, SIGKILL);
  }
  for (std::atomic<pid_t>& slot : running_groups) {
    const pid_t group = slot.load();
    if (group > 0) waitpid(group, nullptr, 0);
  }
  const char* said = signal_number == SIGINT ? interrupted_int : interrupted_term;
  ssize_t ignored = write(STDERR_FILENO, said, std::strlen(said));
  (void)ignored;
  _exit(128 + signal_number);
}

class SubprocessTarget final : public Target {
 public:
  explicit SubprocessTarget(std::chrono::milliseconds answer_timeout)
      : answer_timeout_(answer_timeout) {}

  ~SubprocessTarget() override {
    TargetError ignored;
    Close(&ignored);
  }

  bool Close(TargetError* error) override {
    if (pid_ <= 0) return true;
    // One out of service (hung, dead, out of step) is owed no bye and no
    // wait: it is stopped with whatever it started.
    const bool in_service = Alive();
    if (in_service) Bye();
    if (to_child_ >= 0) close(to_child_);
    to_child_ = -1;
    RunAfterBye();
    int status = 0;
    const bool exited =
        in_service && WaitForExit(std::chrono::steady_clock::now() + kExitAfterBye, &status);
    if (!exited) {
      kill(-pid_, SIGKILL);
      waitpid(pid_, &status, 0);
    }
    NoteStopped(pid_);
    if (from_child_ >= 0) close(from_child_);
    from_child_ = -1;
    pid_ = -1;
    if (!exited && in_service) {
      *error = {"the target did not exit within " + std::to_string(kExitAfterBye.count()) +
                " s of 'bye' and was killed (PROTOCOL.md, Lifecycle)"};
      return false;
    }
    return true;
  }

  bool Start(const std::string& command, TargetError* error) {
    int in[2], out[2];
    // Close-on-exec: no target started later inherits this one's pipes
    // (it would hold this one's stdin open after the runner closed it).
    if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0) {
      *error = {std::string("pipe: ") + std::strerror(errno)};
      return false;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in[0], STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    for (int fd : {in[0], in[1], out[0], out[1]}) posix_spawn_file_actions_addclose(&actions, fd);
    // Its own process group, so a hung target can be stopped with whatever
    // the shell started.
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attr, 0);
    std::optional<std::vector<std::string>> words = PlainCommandWords(command);
    int rc = ENOEXEC;
    if (words) {
      std::vector<char*> argv;
      for (std::string& w : *words) argv.push_back(w.data());
      argv.push_back(nullptr);
      rc = posix_spawnp(&pid_, argv[0], &actions, &attr, argv.data(), environ);
    }
    // The shell runs what the kernel will not execute (a script without
    // "#!") as a shell script; so does the runner, by asking it.
    if (rc == ENOEXEC) {
      const char* argv[] = {"/bin/sh", "-c", command.c_str(), nullptr};
      rc = posix_spawn(&pid_, "/bin/sh", &actions, &attr, const_cast<char**>(argv), environ);
    }
    posix_spawnattr_destroy(&attr);
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
    NoteRunning(pid_);
    signal(SIGPIPE, SIG_IGN);  // a dead target is an error to report, not a crash
    return true;
  }

 protected:
  bool Running() const override { return pid_ > 0 && !hung_ && !dead_; }

  std::optional<std::string> Exchange(const std::string& request, TargetError* error) override {
    if (!Send(request, error)) return std::nullopt;
    return Receive(error);
  }

  std::vector<std::string> Pipelined(const std::vector<std::string>& lines,
                                     const std::function<void()>& meanwhile,
                                     TargetError* error) override {
    // One write: the target finds every request there at once, as a
    // target that claims the capability must be ready to.
    std::string together;
    for (const std::string& line : lines) together += (together.empty() ? "" : "\n") + line;
    std::vector<std::string> answers;
    if (!Send(together, error)) return answers;
    if (meanwhile) meanwhile();
    for (size_t i = 0; i < lines.size(); ++i) {
      std::optional<std::string> answer = Receive(error);
      if (!answer) break;
      answers.push_back(std::move(*answer));
    }
    return answers;
  }

  bool Write(const std::string& bytes, TargetError* error) override {
    return WriteAll(bytes, error) && WaitDrained(error);
  }

  std::optional<std::string> Read(TargetError* error) override { return Receive(error); }
  bool WriteWithoutWaiting(const std::string& bytes, TargetError* error) override {
    return WriteAll(bytes, error);
  }
  std::optional<std::string> ReadWithin(std::chrono::milliseconds limit,
                                        TargetError* error) override {
    return Receive(error, limit);
  }

 private:
  // Send writes one request line; false, `error` set, if the target is
  // hung or has stopped reading.
  bool Send(const std::string& request, TargetError* error) {
    return WriteAll(request + "\n", error);
  }

  bool WriteAll(const std::string& bytes, TargetError* error) {
    if (hung_) {
      *error = {HungMessage()};
      return false;
    }
    for (size_t done = 0; done < bytes.size();) {
      ssize_t n = write(to_child_, bytes.data() + done, bytes.size() - done);
      if (n <= 0) {
        dead_ = true;
        *error = {"target stopped reading its stdin"};
        return false;
      }
      done += static_cast<size_t>(n);
    }
    return true;
  }

  // WaitDrained returns once the pipe to the target is empty: it has read
  // everything written. No event says so, so it polls, fast first. A target
  // that reads nothing more within the answer timeout is stopped as a hung
  // one is; one that has closed its stdin is reported so.
  bool WaitDrained(TargetError* error) {
    const auto deadline = std::chrono::steady_clock::now() + answer_timeout_;
    for (useconds_t pause = 50;; pause = std::min<useconds_t>(pause * 2, 10000)) {
      int unread = 0;
      if (ioctl(to_child_, FIONREAD, &unread) != 0 || unread == 0) return true;
      pollfd p{to_child_, 0, 0};
      if (poll(&p, 1, 0) > 0 && (p.revents & POLLERR) != 0) {
        dead_ = true;
        *error = {"target stopped reading its stdin"};
        return false;
      }
      if (std::chrono::steady_clock::now() >= deadline) {
        hung_ = true;
        hung_doing_ = "read what it was sent";
        kill(-pid_, SIGKILL);
        *error = {HungMessage()};
        return false;
      }
      usleep(pause);
    }
  }

  // Receive returns the next response line, or nullopt with `error` set: the
  // target closed its stdout, or did not answer within the timeout (it is
  // then killed with its group).
  std::optional<std::string> Receive(TargetError* error,
                                     std::optional<std::chrono::milliseconds> limit = {}) {
    if (hung_) {
      *error = {HungMessage()};
      return std::nullopt;
    }
    const auto deadline = std::chrono::steady_clock::now() + limit.value_or(answer_timeout_);
    for (;;) {
      size_t nl = buffer_.find('\n');
      if (nl != std::string::npos) {
        std::string response = buffer_.substr(0, nl);
        buffer_.erase(0, nl + 1);
        return response;
      }
      if (!WaitReadable(deadline)) {
        hung_ = true;
        kill(-pid_, SIGKILL);  // its whole group: the shell and what it started
        *error = {HungMessage()};
        return std::nullopt;
      }
      char chunk[65536];
      ssize_t n = read(from_child_, chunk, sizeof(chunk));
      if (n <= 0) {
        dead_ = true;
        *error = {"target closed its stdout before answering"};
        return std::nullopt;
      }
      buffer_.append(chunk, static_cast<size_t>(n));
    }
  }

  // WaitForExit reaps the process, or is false if it is still running at
  // `deadline`. A pidfd (Linux 5.3) wakes the runner the moment the process
  // exits; without one it polls, fast first: most targets exit within a
  // millisecond of `bye`, and a run of a process per check should not pay a
  // fixed sleep per check.
  bool WaitForExit(std::chrono::steady_clock::time_point deadline, int* status) {
    // The raw call: glibc 2.36's <sys/pidfd.h> declares pidfd_open without
    // C linkage, so C++ cannot link against it.
    const int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid_, 0));
    for (useconds_t pause = 200;; pause = std::min<useconds_t>(pause * 2, 20000)) {
      if (waitpid(pid_, status, WNOHANG) == pid_) break;
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) {
        if (pidfd >= 0) close(pidfd);
        return false;
      }
      if (pidfd < 0) {
        usleep(pause);
        continue;
      }
      pollfd p{pidfd, POLLIN, 0};
      poll(&p, 1, static_cast<int>(left.count()) + 1);
    }
    if (pidfd >= 0) close(pidfd);
    return true;
  }

  // WaitReadable is false if nothing arrives before `deadline`. Most
  // answers come within tens of microseconds, and sleeping in poll() for
  // one costs more than that where waking an idle CPU is slow (a VM: a
  // round trip to `hsmbackup serve` took 54 us with the runner asleep,
  // 20 us with it awake), so it first checks without sleeping for up to
  // kSpinBeforeSleeping, then sleeps. Between checks it yields its CPU: on
  // a machine whose other CPUs are busy the target may need this one to
  // answer (a default run beside a CPU-bound job: 5.2 s without, 2.3 s with).
  bool WaitReadable(std::chrono::steady_clock::time_point deadline) {
    const auto spin_until = std::chrono::steady_clock::now() + kSpinBeforeSleeping;
    do {
      pollfd p{from_child_, POLLIN, 0};
      const int rc = poll(&p, 1, 0);
      if (rc > 0 || (rc < 0 && errno != EINTR)) return true;
      sched_yield();  // the target may be waiting for this CPU to answer
    } while (std::chrono::steady_clock::now() < spin_until);
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      pollfd p{from_child_, POLLIN, 0};
      const int rc = poll(&p, 1, static_cast<int>(std::min<long long>(left.count(), 1 << 30)));
      if (rc > 0) return true;  // data, or end of file / error for read() to report
      if (rc < 0 && errno != EINTR) return true;
    }
  }

  std::string HungMessage() const {
    const long long ms = answer_timeout_.count();
    return "target did not " + hung_doing_ + " within " +
           (ms % 1000 == 0 ? std::to_string(ms / 1000) + " s" : std::to_string(ms) + " ms") +
           " and was stopped (--target-timeout sets the limit)";
  }

  static constexpr std::chrono::microseconds kSpinBeforeSleeping{100};

  std::chrono::milliseconds answer_timeout_;
  bool hung_ = false;
  std::string hung_doing_ = "answer";  // what a hung target did not do in time
  bool dead_ = false;
  pid_t pid_ = -1;
  int to_child_ = -1;
  int from_child_ = -1;
  std::string buffer_;
};

}  // namespace

std::optional<std::vector<std::string>> PlainCommandWords(const std::string& command) {
  // What dash and bash treat as a builtin or reserved word in command
  // position: run by the shell itself, not found on PATH.
  static constexpr std::string_view kShellWords[] = {
      ".",        ":",      "alias",   "bg",    "break", "case",   "cd",   "chdir",   "command",
      "continue", "do",     "done",    "echo",  "elif",  "else",   "esac", "eval",    "exec",
      "exit",     "export", "false",   "fc",    "fg",    "fi",     "for",  "getopts", "hash",
      "if",       "in",     "jobs",    "kill",  "local", "printf", "pwd",  "read",    "readonly",
      "return",   "set",    "shift",   "test",  "then",  "times",  "trap", "true",    "type",
      "ulimit",   "umask",  "unalias", "unset", "until", "wait",   "while"};
  std::vector<std::string> words;
  std::string word;
  for (char c : command) {
    if (c == ' ' || c == '\t') {
      if (!word.empty()) words.push_back(std::move(word));
      word.clear();
      continue;
    }
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       std::strchr("_./,:+@%=-", c) != nullptr;
    if (!plain || c == '\0') return std::nullopt;
    word += c;
  }
  if (!word.empty()) words.push_back(std::move(word));
  if (words.empty() || words[0].find('=') != std::string::npos) return std::nullopt;
  for (std::string_view shell_word : kShellWords) {
    if (words[0] == shell_word) return std::nullopt;
  }
  return words;
}

void StopTargetsOnInterrupt(std::string_view program) {
  for (auto [text, name] : {std::pair{interrupted_int, "SIGINT"}, {interrupted_term, "SIGTERM"}}) {
    std::snprintf(text, sizeof interrupted_int,
                  "%.*s: interrupted by %s: target processes stopped, no report written\n",
                  static_cast<int>(std::min<size_t>(program.size(), 100)), program.data(), name);
  }
  struct sigaction action {};
  action.sa_handler = StopTargetsAndExit;
  sigemptyset(&action.sa_mask);
  // Blocked while the handler runs: the other one must not cut it short.
  sigaddset(&action.sa_mask, SIGINT);
  sigaddset(&action.sa_mask, SIGTERM);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

std::unique_ptr<Target> MakeSubprocessTarget(const std::string& command, TargetError* error,
                                             std::chrono::milliseconds answer_timeout) {
  auto target = std::make_unique<SubprocessTarget>(answer_timeout);
  if (!target->Start(command, error)) return nullptr;
  return target;
}

}  // namespace hsmbackup::conformance
