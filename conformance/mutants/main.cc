// hsmbackup-mutant NAME: the reference with one deliberate fault, speaking
// the target protocol (conformance/PROTOCOL.md) on stdin/stdout exactly as
// `hsmbackup serve` does. `--list` prints "NAME CLAUSE-ID description" per
// mutant; `--version` the kit's version. `NAME --fixed-world W.json` serves
// the world in W.json as a fixed-world target (conformance/FIXED-WORLD.md):
// load refused, but unlike `hsmbackup serve --fixed-world` nothing is saved
// back, so every process starts from the file (enough to show that the
// fixed-world checks catch the fault). Exit codes: 0 served until bye or end
// of input; 2 bad arguments; 3 the world file could not be read.
#include <iostream>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hsmbackup/crypto.h"
#include "hsmbackup/fork_copy.h"
#include "hsmbackup/world_io.h"
#include "mutant.h"

#ifndef HSMB_PROJECT_VERSION
#define HSMB_PROJECT_VERSION "0.1.0"
#endif

namespace {

constexpr std::string_view kUsage =
    "usage: hsmbackup-mutant NAME    serve the target protocol with mutant NAME\n"
    "       hsmbackup-mutant NAME --fixed-world W.json  ... as a fixed-world target\n"
    "       hsmbackup-mutant --list  list the mutants: NAME CLAUSE-ID description\n"
    "       hsmbackup-mutant --list-readings  list the readings (other readings of open\n"
    "                                         choices, which must pass): NAME CLAUSE-ID description\n"
    "       hsmbackup-mutant --version        print the kit's version\n";

}  // namespace

int main(int argc, char** argv) {
  using hsmbackup::mutants::AllMutants;
  using hsmbackup::mutants::Mutant;
  const bool fixed = argc == 4 && std::string_view(argv[2]) == "--fixed-world";
  if (argc != 2 && !fixed) {
    std::cerr << kUsage;
    return 2;
  }
  const std::string arg = argv[1];
  if (arg == "--help" || arg == "-h") {
    std::cout << kUsage;
    return 0;
  }
  if (arg == "--version") {
    std::cout << "hsmbackup-mutant " << HSMB_PROJECT_VERSION << " (protocol "
              << hsmbackup::kProtocolVersion << ")\n";
    return 0;
  }
  std::vector<Mutant> all = AllMutants();
  const std::vector<Mutant> readings = hsmbackup::mutants::AllReadings();
  if (arg == "--list" || arg == "--list-readings") {
    for (const Mutant& m : arg == "--list" ? all : readings) {
      std::cout << m.name << ' ' << m.clause << ' ' << m.description << '\n';
    }
    return 0;
  }
  all.insert(all.end(), readings.begin(), readings.end());
  for (const Mutant& m : all) {
    if (m.name != arg) continue;
    std::unique_ptr<hsmbackup::ProtocolHook> hook = m.make();
    hsmbackup::ProtocolServer server(hook.get(), "hsmbackup mutant " + m.name);
    // As `hsmbackup serve`: OpenSSL prepared once, each check a copy of this
    // process (PROTOCOL.md, fork), so a mutant's run costs what serve's does.
    hsmbackup::PrepareCrypto();
    if (!fixed) server.AllowFork(hsmbackup::StdioForker(std::cout));
    if (fixed) {
      hsmbackup::StatusOr<hsmbackup::World> world = hsmbackup::LoadWorld(argv[3]);
      if (!world.ok()) {
        std::cerr << "hsmbackup-mutant: " << world.status().ToString() << '\n';
        return 3;
      }
      server.SetFixedWorld(std::move(*world));
    }
    std::string line;
    while (!server.done() && std::getline(std::cin, line)) {
      if (line.empty()) continue;
      const std::string response = server.Handle(line);
      if (!response.empty()) std::cout << response << '\n' << std::flush;  // "": a copy's fork
    }
    return 0;
  }
  std::cerr << "hsmbackup-mutant: unknown mutant '" << arg << "' (see --list)\n";
  return 2;
}
