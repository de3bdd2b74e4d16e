// hsmbackup serve: the reference as a conformance target, speaking the
// newline-delimited JSON protocol of conformance/PROTOCOL.md on stdin and
// stdout. Nothing but responses goes to stdout; logs go to stderr.
#include <iostream>
#include <string>

#include "app.h"
#include "hsmbackup/protocol.h"
#include "run.h"

namespace hsmbackup::cli {

Subcommand AddServeCommand(CLI::App& app, const Io& io) {
  CLI::App* sub = app.add_subcommand(
      "serve", "Speak the conformance target protocol (JSON lines) on stdin/stdout");
  sub->footer(
      "Example:\n"
      "  printf '%s\\n' '{\"id\":1,\"op\":\"hello\",\"protocol\":\"hsmbackup-target/1\"}' |"
      " hsmbackup serve\n\n"
      "The protocol is specified in conformance/PROTOCOL.md.\n\n" +
      ExitCodesHelp());
  return Subcommand{sub, [&io]() {
                      ProtocolServer server;
                      std::string line;
                      while (!server.done()) {
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
                        io.out << server.Handle(line) << '\n' << std::flush;
                      }
                      return kExitOk;
                    }};
}

}  // namespace hsmbackup::cli
