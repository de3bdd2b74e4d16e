// The `fork` request (conformance/PROTOCOL.md, "fork") for a process that
// serves the protocol on its standard input and output through stdio.
#ifndef HSMBACKUP_FORK_COPY_H_
#define HSMBACKUP_FORK_COPY_H_

#include <ostream>

#include "hsmbackup/protocol.h"

namespace hsmbackup {

// StdioForker returns the Forker (ProtocolServer::AllowFork) of a process
// reading its requests from stdin through stdio (std::cin synchronized with
// it, as by default) and answering on `out`: each `fork` makes a copy with
// fork(2) that serves the lines after it; the original drops what stdio had
// read past the fork line, reads nothing until the copy has exited, and
// answers with its exit code or signal. The copy stays in the process group.
// Call it once the process is as every copy should start (OpenSSL prepared,
// say): copies share what was set up before the first fork.
Forker StdioForker(std::ostream& out);

}  // namespace hsmbackup

#endif  // HSMBACKUP_FORK_COPY_H_
