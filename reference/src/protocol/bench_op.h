// The protocol's optional "bench" operation: the reference times its own
// clone path, the loop inside the target (conformance/PROTOCOL.md).
#ifndef HSMBACKUP_PROTOCOL_BENCH_OP_H_
#define HSMBACKUP_PROTOCOL_BENCH_OP_H_

#include <nlohmann/json.hpp>

namespace hsmbackup::protocol {

// RunBench answers {"kind","size","count","repetitions"} with the fields of
// a bench response (without id/ok), or {"error": {...}} for bad arguments.
nlohmann::json RunBench(const nlohmann::json& request);

}  // namespace hsmbackup::protocol

#endif  // HSMBACKUP_PROTOCOL_BENCH_OP_H_
