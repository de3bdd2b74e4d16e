// consumer: links hsmbackup::reference from an installed kit, as a vendor's
// test rig would. It runs the seed page's backup example through the engine
// (Session) and through the protocol server (ProtocolServer) against the
// installed seed world, and exits 0 only if both succeed the same way.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "hsmbackup/engine.h"
#include "hsmbackup/protocol.h"
#include "hsmbackup/world_io.h"

namespace {

constexpr char kLogin[] = "role login -name co -password userpin1234";
constexpr char kBackup[] =
    "partition archive backup -slot 2 -partition sa78backup -domain clientdomain "
    "-password newPa$$w0rd -sopassword backupSOpwd";

int Fail(const std::string& why) {
  std::cerr << "consumer: " << why << "\n";
  return 1;
}

}  // namespace

int main() {
  const std::string path = std::string(HSMB_DATA_DIR) + "/fixtures/worlds/seed-example.json";
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) return Fail("cannot read " + path);

  // The engine, directly.
  hsmbackup::StatusOr<hsmbackup::World> world = hsmbackup::ParseWorld(text.str(), path);
  if (!world.ok()) return Fail("ParseWorld: " + world.status().message());
  hsmbackup::Session session(&*world);
  hsmbackup::CollectingSink sink;
  hsmbackup::ScriptedPrompter prompter({});
  for (const char* line : {kLogin, kBackup}) {
    const hsmbackup::Result r = session.Execute(line, sink, prompter);
    if (!r.status.ok())
      return Fail(std::string("engine: '") + line + "' failed: " + r.status.message());
  }

  // The protocol server, in process.
  using Json = nlohmann::json;
  hsmbackup::ProtocolServer server;
  const auto ask = [&server](Json request) { return Json::parse(server.Handle(request.dump())); };
  const Json hello = ask({{"id", 1}, {"op", "hello"}, {"protocol", "hsmbackup-target/1"}});
  if (hello.value("protocol", "") != hsmbackup::kProtocolVersion)
    return Fail("hello: " + hello.dump());
  if (!ask({{"id", 2}, {"op", "load"}, {"world", Json::parse(text.str())}}).value("ok", false)) {
    return Fail("load refused");
  }
  Json last;
  for (const char* line : {kLogin, kBackup}) {
    last = ask({{"id", 3}, {"op", "execute"}, {"line", line}});
    if (last.value("result", "") != "CKR_OK") return Fail("protocol: " + last.dump());
  }
  const std::vector<std::string> transcript = last["transcript"];
  if (sink.lines.size() < transcript.size() ||
      !std::equal(transcript.begin(), transcript.end(), sink.lines.end() - transcript.size())) {
    return Fail("the engine and the protocol server printed different transcripts");
  }
  std::cout << "consumer: hsmbackup " << HSMB_FOUND_VERSION << " ("
            << hello.value("implementation", "") << "): the seed backup ran, " << transcript.size()
            << " transcript lines\n";
  return 0;
}
