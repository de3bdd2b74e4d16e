// hsmbackup serve: the reference as a conformance target, speaking the
// newline-delimited JSON protocol of conformance/PROTOCOL.md on stdin and
// stdout. Nothing but responses goes to stdout; logs go to stderr.
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "app.h"
#include "hsmbackup/crypto.h"
#include "hsmbackup/fork_copy.h"
#include "hsmbackup/protocol.h"
#include "hsmbackup/world_io.h"
#include "run.h"
#include <poll.h>
#include <sched.h>
#include <unistd.h>

namespace hsmbackup::cli {
namespace {

// FixedWorld is `serve --fixed-world W.json`: the world lives in the file,
// not in the process. Each request is handled under the world's lock
// (LockWorld, as `run --save` takes it) with the state read afresh from the
// file and saved back (atomically) if the request changed it, so two serve
// processes on one file (the runner starts the next check's process one
// check ahead) never lose each other's changes. The lock is held for one
// request only: a process waiting for its next request never blocks another.
class FixedWorld {
 public:
  FixedWorld(std::string path, int lock_timeout_ms)
      : path_(std::move(path)), lock_timeout_ms_(lock_timeout_ms) {}

  // Start loads the file once, so a bad file is refused before any request.
  int Start(ProtocolServer& server, std::ostream& err) {
    StatusOr<World> loaded = LoadWorld(path_);
    if (!loaded.ok()) {
      err << "hsmbackup: serve --fixed-world: " << loaded.status().ToString() << '\n';
      return kExitWorld;
    }
    server.SetFixedWorld(std::move(*loaded));
    return kExitOk;
  }

  // Handle answers one request line under the lock; nullopt when the world
  // could not be locked, read or saved (reported on `err`).
  std::optional<std::string> Handle(ProtocolServer& server, const std::string& line,
                                    std::ostream& err, int* exit_code) {
    WorldLock lock;
    World baseline;
    *exit_code = OpenWorld(path_, /*save=*/true, lock_timeout_ms_, err, &lock, &baseline);
    if (*exit_code != kExitOk) return std::nullopt;
    server.SetFixedWorld(baseline);
    std::string response = server.Handle(line);
    if (!SaveIfChanged(*server.world(), baseline, path_, err)) {
      *exit_code = kExitWorld;
      return std::nullopt;
    }
    return response;
  }

 private:
  std::string path_;
  int lock_timeout_ms_;
};

// StdinHoldsBytes is true when stdin's stdio buffer already holds input
// (glibc's own fields; elsewhere assumed, so nothing waits).
bool StdinHoldsBytes() {
#ifdef __GLIBC__
  return stdin->_IO_read_ptr < stdin->_IO_read_end;
#else
  return true;
#endif
}

// AwaitRequest checks standard input for the next request without
// sleeping for up to kSpinBeforeSleeping before the read that sleeps: a
// client in lockstep sends its next request within microseconds of reading
// the answer, and waking a sleeping process costs more than that where
// waking an idle CPU is slow (a VM). Other streams (tests) and input already
// buffered (a client that sends several lines at once) are not waited on.
void AwaitRequest(std::istream& in) {
  constexpr std::chrono::microseconds kSpinBeforeSleeping{100};
  if (in.rdbuf() != std::cin.rdbuf() || StdinHoldsBytes()) return;
  const auto spin_until = std::chrono::steady_clock::now() + kSpinBeforeSleeping;
  do {
    pollfd p{STDIN_FILENO, POLLIN, 0};
    const int rc = poll(&p, 1, 0);
    if (rc > 0 || (rc < 0 && errno != EINTR)) return;
    sched_yield();  // the client may be waiting for this CPU to send it
  } while (std::chrono::steady_clock::now() < spin_until);
}

}  // namespace

Subcommand AddServeCommand(CLI::App& app, const Io& io) {
  CLI::App* sub = app.add_subcommand(
      "serve", "Speak the conformance target protocol (JSON lines) on stdin/stdout");
  auto fixed_path = std::make_shared<std::string>();
  auto lock_timeout_ms = std::make_shared<int>(kDefaultLockTimeoutMs);
  auto no_fork = std::make_shared<bool>(false);
  sub->add_option("--fixed-world", *fixed_path,
                  "Serve the world in this file as a fixed-world target: load is refused "
                  "(CKR_OPERATION_NOT_ALLOWED), and every change is saved back to the file "
                  "under its lock, so the next serve process finds it")
      ->type_name("WORLD.json");
  AddLockTimeoutOption(sub, lock_timeout_ms.get());
  sub->add_flag("--no-fork", *no_fork,
                "Do not offer 'fork' (hello then does not list it): the conformance runner "
                "starts a program per check instead of copying one process (PROTOCOL.md, fork)");
  sub->footer(
      "Example:\n"
      "  printf '%s\\n' '{\"id\":1,\"op\":\"hello\",\"protocol\":\"hsmbackup-target/1\"}' |"
      " hsmbackup serve\n"
      "  hsmbackup serve --fixed-world lab.world.json    # a device that keeps its state\n\n"
      "The protocol is specified in conformance/PROTOCOL.md; fixed-world targets in\n"
      "conformance/FIXED-WORLD.md. With --fixed-world, exit code 3 means the world file\n"
      "could not be read, parsed or saved, 5 that its lock stayed taken.\n\n" +
      ExitCodesHelp());
  return Subcommand{sub, [&io, fixed_path, lock_timeout_ms, no_fork]() {
                      // Before the first request is read: a runner that
                      // starts this process ahead of its check overlaps it.
                      PrepareCrypto();
                      ProtocolServer server;
                      std::optional<FixedWorld> fixed;
                      if (fixed_path->empty()) {
                        if (!*no_fork) server.AllowFork(StdioForker(io.out));
                      } else {
                        fixed.emplace(*fixed_path, *lock_timeout_ms);
                        if (const int code = fixed->Start(server, io.err); code != kExitOk) {
                          return code;
                        }
                      }
                      std::string line;
                      while (!server.done()) {
                        AwaitRequest(io.in);
                        const LineOutcome got =
                            ReadBoundedLine(io.in, kMaxRequestLineBytes, &line);
                        if (got == LineOutcome::kEnd) break;
                        if (got == LineOutcome::kTooLong) {
                          // Nothing after it can be framed: answer, then stop.
                          io.out << "{\"id\":null,\"ok\":false,\"error\":{\"code\":"
                                    "\"CKR_ARGUMENTS_BAD\",\"message\":\"request line is "
                                    "longer than "
                                 << kMaxRequestLineBytes << " bytes\"}}\n"
                                 << std::flush;
                          io.err << "hsmbackup: serve: request line longer than "
                                 << kMaxRequestLineBytes << " bytes; stopping\n";
                          return kExitUsage;
                        }
                        if (line.empty()) continue;
                        if (!fixed) {
                          const std::string response = server.Handle(line);
                          if (!response.empty()) io.out << response << '\n' << std::flush;
                          continue;
                        }
                        // A world that cannot be locked, read or saved ends
                        // the process: answering on would hide lost state.
                        int code = kExitOk;
                        std::optional<std::string> response =
                            fixed->Handle(server, line, io.err, &code);
                        if (!response) return code;
                        io.out << *response << '\n' << std::flush;
                      }
                      return kExitOk;
                    }};
}

}  // namespace hsmbackup::cli
