// ProtocolServer::LoadWorld: an already-parsed World installed as a `load`
// request of its document would install it (protocol_fuzzer relies on it to
// parse its fixture once per process).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "hsmbackup/protocol.h"
#include "hsmbackup/world_io.h"
#include "support/test_support.h"

namespace hsmbackup {
namespace {

using Json = nlohmann::json;

const std::vector<std::string> kSession = {
    R"({"id":1,"op":"execute","line":"role login -name co -password userpin1234"})",
    R"({"id":2,"op":"execute","line":"partition archive backup -slot 2 -partition sa78backup )"
    R"(-domain clientdomain -password newPa$$w0rd -sopassword backupSOpwd"})",
    R"({"id":3,"op":"observe"})",
};

TEST(ProtocolLoadWorld, AnswersAsALoadRequestOfTheSameDocument) {
  const std::string text =
      hsmbackup::testing::ReadFile(hsmbackup::testing::SourcePath("fixtures/worlds/seed-example.json"));
  StatusOr<World> parsed = ParseWorld(text, "seed-example.json");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();

  ProtocolServer by_request;
  const Json loaded = Json::parse(by_request.Handle(R"({"id":0,"op":"load","world":)" + text + "}"));
  ASSERT_EQ(loaded["ok"], true) << loaded;
  ProtocolServer by_world;
  ASSERT_TRUE(by_world.LoadWorld(*parsed).ok());
  ASSERT_NE(by_world.world(), nullptr);
  EXPECT_EQ(*by_world.world(), *by_request.world());

  // The same session answers the same on both.
  std::vector<std::string> answers;
  for (const std::string& line : kSession) {
    answers.push_back(by_request.Handle(line));
    EXPECT_EQ(by_world.Handle(line), answers.back()) << line;
  }
  EXPECT_EQ(*by_world.world(), *by_request.world());
  EXPECT_NE(*by_world.world(), *parsed) << "the backup changed the world";

  // Loading again replaces the world and the session: the CO login is gone,
  // so the backup line answers as on a fresh server, not as it did above.
  ASSERT_TRUE(by_world.LoadWorld(*parsed).ok());
  EXPECT_EQ(*by_world.world(), *parsed);
  ProtocolServer fresh;
  ASSERT_EQ(Json::parse(fresh.Handle(R"({"id":0,"op":"load","world":)" + text + "}"))["ok"], true);
  const std::string without_login = by_world.Handle(kSession[1]);
  EXPECT_EQ(without_login, fresh.Handle(kSession[1]));
  EXPECT_NE(without_login, answers[1]);
}

TEST(ProtocolLoadWorld, AFixedWorldTargetRefusesItChangingNothing) {
  const std::string text =
      hsmbackup::testing::ReadFile(hsmbackup::testing::SourcePath("fixtures/worlds/seed-example.json"));
  StatusOr<World> parsed = ParseWorld(text, "seed-example.json");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  ProtocolServer server;
  server.SetFixedWorld(*parsed);
  World other = *parsed;
  other.slots.clear();
  const Status s = server.LoadWorld(other);
  EXPECT_EQ(s.code(), kFixedWorldLoadRefusal);
  EXPECT_NE(s.message().find("fixed-world"), std::string::npos) << s.message();
  EXPECT_EQ(*server.world(), *parsed);
  // The `load` request's refusal is the same one.
  const Json r = Json::parse(server.Handle(R"({"id":4,"op":"load","world":)" + text + "}"));
  EXPECT_EQ(r["error"]["code"], std::string(CkrName(kFixedWorldLoadRefusal)));
  EXPECT_EQ(r["error"]["message"], s.message());
}

}  // namespace
}  // namespace hsmbackup
