// hsmbackup-conformance bench: a target's clone path timed inside the
// target (the protocol's "bench" operation), so vendors compare their
// objects/s with the reference's on the same machine.
#include <algorithm>
#include <cstdio>
#include <ostream>

#include "conformance/runner.h"

namespace hsmbackup::conformance {

int RunBench(const BenchOptions& options, const RunnerIo& io) {
  const std::string name = options.target_command.empty() ? "the in-process reference"
                                                          : "'" + options.target_command + "'";
  TargetError error;
  // One target for the whole bench, started directly: a check factory would
  // also start a spare process that could run beside the timed loop.
  std::unique_ptr<Target> target =
      options.target_command.empty()
          ? MakeInProcessTarget()
          : MakeSubprocessTarget(options.target_command, &error, options.target_timeout);
  if (target == nullptr) {
    io.err << "hsmbackup-conformance bench: " << error.message << "\n";
    return kExitTargetDown;
  }
  std::optional<Hello> hello = target->Handshake(&error);
  if (!hello) {
    io.err << "hsmbackup-conformance bench: cannot start " << name << ": " << error.message << "\n";
    return kExitTargetDown;
  }
  if (!hello->Has("bench")) {
    io.err << "hsmbackup-conformance bench: " << hello->implementation
           << " does not list the \"bench\" capability (conformance/PROTOCOL.md)\n";
    target->Bye();
    return kExitTargetDown;
  }
  io.out << "implementation: " << hello->implementation << "\n"
         << "one backup of COUNT objects per repetition, timed inside the target; best of "
         << options.repetitions << "\n\n";
  char row[160];
  std::snprintf(row, sizeof row, "%-6s %7s %8s %14s %10s %14s\n", "kind", "bytes", "count",
                "best obj/s", "MB/s", "median obj/s");
  io.out << row;
  for (const std::string& kind : options.kinds) {
    for (uint64_t size : options.sizes) {
      std::optional<Json> r = target->Bench({{"kind", kind}, {"size", size}, {"count", options.count},
                                             {"repetitions", options.repetitions}},
                                            &error);
      if (!r) {
        io.err << "hsmbackup-conformance bench: " << kind << "/" << size << ": " << error.message << "\n";
        target->Bye();
        return kExitTargetDown;
      }
      std::vector<double> seconds;
      for (const Json& s : r->value("seconds", Json::array())) {
        if (s.is_number()) seconds.push_back(s.get<double>());
      }
      std::sort(seconds.begin(), seconds.end());
      const double best = r->value("best_objects_per_second", 0.0);
      const double median =
          seconds.empty() ? 0 : static_cast<double>(options.count) / seconds[seconds.size() / 2];
      std::snprintf(row, sizeof row, "%-6s %7llu %8llu %14.0f %10.1f %14.0f\n", kind.c_str(),
                    static_cast<unsigned long long>(size),
                    static_cast<unsigned long long>(options.count), best,
                    best * static_cast<double>(size) / 1e6, median);
      io.out << row;
    }
  }
  target->Bye();
  return kExitConformant;
}

}  // namespace hsmbackup::conformance
