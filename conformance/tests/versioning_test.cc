// Issue 13, item 5, on the suite's side: the runner refuses a target that
// speaks another protocol version, saying which it speaks and which the kit
// does; the tools name their version; the reports carry the kit's version
// and the catalogue's SHA-256, so two runs can be compared.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "conformance/runner.h"
#include "conformance/target.h"
#include "scratch_dir.h"
#include "shell_support.h"

namespace hsmbackup::conformance {
namespace {

// What a target speaking only hsmbackup-target/2 answers, "%s" its id.
constexpr char kV2Hello[] =
    R"({"id":%s,"ok":true,"protocol":"hsmbackup-target/2","implementation":"x",)"
    R"("capabilities":[]})";
constexpr char kV2Refusal[] =
    R"({"id":%s,"ok":false,"protocol":"hsmbackup-target/2","error":)"
    R"({"code":"CKR_ARGUMENTS_BAD","message":"speaks hsmbackup-target/2"}})";

// A target answering every request with `answer` (its "id" filled in), and
// exiting after bye as PROTOCOL.md asks.
std::string Speaker(const std::string& answer) {
  return "while IFS= read -r l; do id=$(printf '%s' \"$l\" | sed -n "
         "'s/.*\"id\":\\([0-9]*\\).*/\\1/p'); printf '" +
         answer + "\\n' \"${id:-null}\"; case \"$l\" in *'\"bye\"'*) exit 0;; esac; done";
}

std::string HandshakeError(const std::string& answer) {
  TargetError error;
  std::unique_ptr<Target> t = MakeSubprocessTarget(Speaker(answer), &error);
  if (t == nullptr) return "cannot start: " + error.message;
  if (t->Handshake(&error)) return "handshake accepted";
  return error.message;
}

TEST(Versioning, ATargetSpeakingAnotherVersionIsRefusedSayingBoth) {
  const std::string said = HandshakeError(kV2Hello);
  EXPECT_NE(said.find("target speaks protocol hsmbackup-target/2, a version this kit does not "
                      "know: it speaks only hsmbackup-target/1"),
            std::string::npos)
      << said;
}

TEST(Versioning, AHelloAnswerNamingNoProtocolIsRefused) {
  const std::string said =
      HandshakeError(R"({"id":%s,"ok":true,"implementation":"x","capabilities":[]})");
  EXPECT_NE(said.find("names no \"protocol\""), std::string::npos) << said;
  const std::string other = HandshakeError(R"({"id":%s,"ok":true,"protocol":"grpc/1"})");
  EXPECT_NE(other.find("target speaks protocol 'grpc/1', not hsmbackup-target/1"),
            std::string::npos)
      << other;
}

TEST(Versioning, ATargetRefusingOurHelloIsToldOurVersion) {
  const std::string said = HandshakeError(kV2Refusal);
  EXPECT_NE(said.find("target refused 'hello'"), std::string::npos) << said;
  EXPECT_NE(said.find("(this kit speaks only hsmbackup-target/1)"), std::string::npos) << said;
}

using Ran = shell_testing::RunResult;

Ran Shell(const std::string& command) { return shell_testing::RunMerged(command); }

using shell_testing::ShellQuote;

std::string Fake() {
  const std::string tool = HSMB_CONFORMANCE_PATH;
  return tool.substr(0, tool.rfind('/') + 1) + "conformance_runner_fake";
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(Versioning, TheRunnerStopsBeforeAnyCheckAgainstAnotherVersion) {
  const std::string speaker = Speaker(kV2Hello);
  const Ran ran =
      Shell(std::string(HSMB_CONFORMANCE_PATH) + " --quiet --target-cmd " + ShellQuote(speaker));
  EXPECT_EQ(ran.exit_code, kExitTargetDown) << ran.out;
  EXPECT_NE(ran.out.find("hsmbackup-target/2, a version this kit does not know"),
            std::string::npos)
      << ran.out;
}

TEST(Versioning, TheRunnerPrintsItsVersion) {
  const Ran ran = Shell(std::string(HSMB_CONFORMANCE_PATH) + " --version");
  EXPECT_EQ(ran.exit_code, 0);
  EXPECT_EQ(ran.out, "hsmbackup-conformance " HSMB_PROJECT_VERSION
                        " (protocol hsmbackup-target/1, catalogue format hsmbackup-clauses/1)\n");
}

TEST(Versioning, ReportsCarryTheKitVersionAndTheCatalogueHash) {
  ScratchDir scratch("hsmb-versioning");
  const std::string& dir = scratch.path();
  const std::string catalogue = std::string(HSMB_BUILD_DATA_DIR) + "/clauses.json";
  const std::string sha = Sha256Hex(Slurp(catalogue));
  ASSERT_EQ(sha.size(), 64u);
  const Ran ran = Shell(Fake() + " --quiet --gtest_filter=Fake.Passes --report " + dir +
                        "/r.json --junit " + dir + "/r.xml --markdown " + dir + "/r.md");
  EXPECT_EQ(ran.exit_code, kExitConformant) << ran.out;
  const Json report = Json::parse(Slurp(dir + "/r.json"));
  EXPECT_EQ(report["tool"]["version"], HSMB_PROJECT_VERSION);
  EXPECT_EQ(report["catalogue"]["sha256"], sha);
  EXPECT_EQ(report["catalogue"]["format"], "hsmbackup-clauses/1");
  EXPECT_NE(Slurp(dir + "/r.xml").find("<property name=\"catalogue_sha256\" value=\"" + sha),
            std::string::npos);
  EXPECT_NE(Slurp(dir + "/r.md").find("| Catalogue | sha256 `" + sha + "` |"), std::string::npos);
  EXPECT_NE(ran.out.find("catalogue:      sha256 " + sha), std::string::npos) << ran.out;

  // Another catalogue, another hash: two runs say whether they judged the same clauses.
  std::ofstream(dir + "/clauses.json") << Slurp(catalogue) << "\n";
  const Ran other = Shell(Fake() + " --quiet --gtest_filter=Fake.Passes --catalogue " + dir +
                          "/clauses.json --report " + dir + "/other.json");
  EXPECT_EQ(other.exit_code, kExitConformant) << other.out;
  EXPECT_EQ(Json::parse(Slurp(dir + "/other.json"))["catalogue"]["sha256"],
            Sha256Hex(Slurp(dir + "/clauses.json")));
  EXPECT_NE(Sha256Hex(Slurp(dir + "/clauses.json")), sha);
}

TEST(Versioning, Sha256HexIsTheKnownDigest) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace hsmbackup::conformance
