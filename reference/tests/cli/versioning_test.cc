// Issue 13, item 5: the tool names its version, and the protocol server
// refuses a hello for a protocol version it does not speak.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli_helpers.h"
#include "hsmbackup/protocol.h"

namespace hsmbackup {
namespace {

using ::testing::HasSubstr;
using Json = nlohmann::json;

TEST(Versioning, TheBinaryPrintsTheKitAndFormatVersions) {
  const auto r = cli::testing::RunBinary({"--version"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, "hsmbackup " HSMB_PROJECT_VERSION
                   " (protocol hsmbackup-target/1, world format hsmbackup-world/1)\n");
}

TEST(Versioning, HelloForAnotherProtocolIsRefusedNamingOurs) {
  ProtocolServer server;
  for (const char* asked :
       {R"("hsmbackup-target/2")", R"("hsmbackup-target/10")", R"("x")", R"(2)", R"(null)"}) {
    const Json r = Json::parse(
        server.Handle(std::string(R"({"id":7,"op":"hello","protocol":)") + asked + "}"));
    EXPECT_EQ(r["id"], 7) << asked;
    EXPECT_EQ(r["ok"], false) << asked;
    EXPECT_EQ(r["protocol"], "hsmbackup-target/1") << asked;
    EXPECT_EQ(r["error"]["code"], "CKR_ARGUMENTS_BAD") << asked;
    EXPECT_THAT(r["error"]["message"].get<std::string>(),
                HasSubstr("this target speaks hsmbackup-target/1, not "))
        << asked;
  }
  // The refusal changes nothing: the same server still answers ours.
  const Json ours =
      Json::parse(server.Handle(R"({"id":8,"op":"hello","protocol":"hsmbackup-target/1"})"));
  EXPECT_EQ(ours["ok"], true);
  EXPECT_EQ(ours["protocol"], "hsmbackup-target/1");
  EXPECT_THAT(ours["implementation"].get<std::string>(), HasSubstr(HSMB_PROJECT_VERSION));
}

TEST(Versioning, HelloNamingNoProtocolIsTakenAsOurs) {
  ProtocolServer server;
  const Json r = Json::parse(server.Handle(R"({"id":1,"op":"hello"})"));
  EXPECT_EQ(r["ok"], true);
  EXPECT_EQ(r["protocol"], "hsmbackup-target/1");
}

}  // namespace
}  // namespace hsmbackup
