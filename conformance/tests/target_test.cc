// Both adapters reach the reference and see the same thing.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <thread>
#include <sstream>

#include "conformance/runner.h"
#include "conformance/target.h"
#include "scratch_dir.h"
#include "shell_support.h"

namespace hsmbackup::conformance {
namespace {

using shell_testing::ProcessGone;
using shell_testing::RunResult;
using shell_testing::RunShell;
using shell_testing::ShellQuote;

Json SeedWorld() {
  std::ifstream in(std::string(HSMB_SOURCE_ROOT) + "/fixtures/worlds/seed-example.json");
  std::stringstream s;
  s << in.rdbuf();
  return Json::parse(s.str());
}

struct Seen {
  std::vector<Outcome> outcomes;
  Json state;
};

Seen RunSeedExample(Target& target) {
  TargetError error;
  Seen seen;
  std::optional<Hello> hello = target.Handshake(&error);
  EXPECT_TRUE(hello.has_value()) << error.message;
  if (!hello) return seen;
  EXPECT_TRUE(hello->Has("fault.verify_fail"));
  EXPECT_TRUE(target.Load(SeedWorld(), &error)) << error.message;
  for (const char* line :
       {"role login -name co -password userpin1234",
        "partition archive backup -slot 2 -partition sa78backup -domain clientdomain "
        "-password newPa$$w0rd -sopassword backupSOpwd"}) {
    std::optional<Outcome> o = target.Execute(line, {}, &error);
    EXPECT_TRUE(o.has_value()) << error.message;
    if (o) seen.outcomes.push_back(*o);
  }
  std::optional<Json> state = target.Observe(&error);
  EXPECT_TRUE(state.has_value()) << error.message;
  if (state) seen.state = *state;
  return seen;
}

TEST(Target, InProcessRunsTheSeedExample) {
  std::unique_ptr<Target> t = MakeInProcessTarget();
  Seen seen = RunSeedExample(*t);
  ASSERT_EQ(seen.outcomes.size(), 2u);
  EXPECT_TRUE(seen.outcomes[1].ok()) << seen.outcomes[1].message;
  EXPECT_EQ(seen.outcomes[1].transcript.back(), "Command Result : No Error");
  const Json& slots = seen.state["slots"];
  ASSERT_EQ(slots.size(), 2u);
  const Json& source = slots[0]["objects"];
  const Json& backup = slots[1]["partitions"][0]["objects"];
  ASSERT_EQ(backup.size(), source.size());
  for (size_t i = 0; i < source.size(); ++i) {
    EXPECT_EQ(backup[i]["ouid"], source[i]["ouid"]);
    EXPECT_EQ(backup[i]["fingerprint"], source[i]["fingerprint"]);
    EXPECT_EQ(backup[i]["opaque"], false);
  }
}

TEST(Target, SubprocessSeesWhatInProcessSees) {
  TargetError error;
  std::unique_ptr<Target> sub = MakeSubprocessTarget(std::string(HSMB_TOOL_PATH) + " serve", &error);
  ASSERT_NE(sub, nullptr) << error.message;
  std::unique_ptr<Target> in = MakeInProcessTarget();
  Seen a = RunSeedExample(*in);
  Seen b = RunSeedExample(*sub);
  ASSERT_EQ(a.outcomes.size(), b.outcomes.size());
  for (size_t i = 0; i < a.outcomes.size(); ++i) {
    EXPECT_EQ(a.outcomes[i].result, b.outcomes[i].result);
    EXPECT_EQ(a.outcomes[i].transcript, b.outcomes[i].transcript);
  }
  EXPECT_EQ(a.state, b.state);
}

// PROTOCOL.md lets a target write the hex of an observed state in either
// case: the suite reads it lower case, so a target writing upper case (here
// the reference behind tests/relay_target.py) is judged as the reference.
TEST(Target, HexInAnObservedStateIsReadInEitherCase) {
  const std::string relay = shell_testing::RelayCommand("upperhex");
  ScratchDir scratch("hsmb-upperhex");
  const std::string requests = scratch.path() + "/requests.jsonl";
  {
    std::ofstream out(requests);
    out << Json{{"id", 1}, {"op", "hello"}}.dump() << "\n"
        << Json{{"id", 2}, {"op", "load"}, {"world", SeedWorld()}}.dump() << "\n"
        << Json{{"id", 3}, {"op", "observe"}}.dump() << "\n";
  }
  // The relay does write upper case: the seed world's first OUID.
  const RunResult raw = RunShell(relay + " < " + ShellQuote(requests));
  ASSERT_NE(raw.out.find("\"4A0000001D0000006C640400\""), std::string::npos) << raw.out;
  TargetError error;
  std::unique_ptr<Target> upper = MakeSubprocessTarget(relay, &error);
  ASSERT_NE(upper, nullptr) << error.message;
  std::unique_ptr<Target> reference = MakeInProcessTarget();
  const Seen relayed = RunSeedExample(*upper);
  EXPECT_EQ(relayed.state, RunSeedExample(*reference).state);
  // The clauses a vendor's upper-case target failed, and the 61 its
  // failures left without a verdict, now pass.
  const RunResult run =
      RunShell(ShellQuote(HSMB_CONFORMANCE_PATH) + " --target-cmd " + ShellQuote(relay) +
               " --reuse-target --cases 5 --quiet --clauses "
               "SRC-UNCHANGED,AUTH-LOCKOUT,RESTORE-RULES,RESTORE-SMK,ARCHIVE-LIST,CLONE-OPAQUE-V1");
  EXPECT_EQ(run.exit_code, 0) << run.out;
}

TEST(Target, ProtocolErrorsAreReportedNotFatal) {
  std::unique_ptr<Target> t = MakeInProcessTarget();
  TargetError error;
  EXPECT_FALSE(t->Execute("slot list", {}, &error).has_value());  // nothing loaded
  EXPECT_NE(error.message.find("no world loaded"), std::string::npos) << error.message;
  Json bad = SeedWorld();
  bad["format"] = "nope";
  EXPECT_FALSE(t->Load(bad, &error));
  EXPECT_NE(error.message.find("CKR_DATA_INVALID"), std::string::npos) << error.message;
  std::unique_ptr<Target> dead = MakeSubprocessTarget("exit 0", &error);
  ASSERT_NE(dead, nullptr);
  EXPECT_FALSE(dead->Handshake(&error).has_value());
  // Whether the write or the read notices first depends on timing.
  EXPECT_TRUE(error.message.find("closed its stdout") != std::string::npos ||
              error.message.find("stopped reading") != std::string::npos)
      << error.message;
}

TEST(Target, AHungTargetIsStoppedWithWhatItStarted) {
  // The shell starts a child that never answers and records its pid.
  const std::string pid_file =
      ::testing::TempDir() + "hsmb-hung-" + std::to_string(getpid()) + ".pid";
  const auto start = std::chrono::steady_clock::now();
  {
    TargetError error;
    std::unique_ptr<Target> hung = MakeSubprocessTarget(
        "sleep 30 & echo $! > '" + pid_file + "'; wait", &error, std::chrono::milliseconds(300));
    ASSERT_NE(hung, nullptr);
    EXPECT_FALSE(hung->Handshake(&error).has_value());
    EXPECT_NE(error.message.find("did not answer within 300 ms"), std::string::npos)
        << error.message;
    error = {};
    EXPECT_FALSE(hung->Handshake(&error).has_value());  // at once: it is known to be hung
    EXPECT_NE(error.message.find("did not answer"), std::string::npos) << error.message;
  }  // the destructor returns: nothing left to wait for
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20));
  std::ifstream in(pid_file);
  std::string child;
  ASSERT_TRUE(std::getline(in, child)) << "the target did not record its child";
  EXPECT_TRUE(ProcessGone(std::stol(child))) << "sleep " << child << " outlived its target";
  std::remove(pid_file.c_str());
}

// Responder is a shell target answering every request ok, with its pid as
// the implementation, then running `after` once its stdin closes.
std::string Responder(const std::string& after) {
  return "while IFS= read -r l; do id=$(printf '%s' \"$l\" | sed 's/.*\"id\":\\([0-9]*\\).*/\\1/'); "
         "printf '{\"id\":%s,\"ok\":true,\"protocol\":\"hsmbackup-target/1\",\"implementation\":"
         "\"%s\",\"capabilities\":[]}\\n' \"$id\" $$; done; " +
         after;
}

TEST(Target, ATargetThatDoesNotExitAfterByeIsKilledAndSaysSo) {
  TargetError error;
  std::unique_ptr<Target> t = MakeSubprocessTarget(Responder("sleep 30"), &error);
  ASSERT_NE(t, nullptr) << error.message;
  ASSERT_TRUE(t->Handshake(&error).has_value()) << error.message;
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(t->Close(&error));
  EXPECT_NE(error.message.find("did not exit within 5 s"), std::string::npos) << error.message;
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20));
  std::unique_ptr<Target> good = MakeSubprocessTarget(Responder("exit 0"), &error);
  ASSERT_TRUE(good->Handshake(&error).has_value()) << error.message;
  EXPECT_TRUE(good->Close(&error)) << error.message;
}

TEST(Target, PlainWordsAreSplitAndEverythingElseIsLeftToTheShell) {
  using Words = std::vector<std::string>;
  EXPECT_EQ(PlainCommandWords("build/reference/hsmbackup serve"),
            (Words{"build/reference/hsmbackup", "serve"}));
  EXPECT_EQ(PlainCommandWords(" \tadapter  --device=/dev/hsm0,slot:2 +x @y 50%\t"),
            (Words{"adapter", "--device=/dev/hsm0,slot:2", "+x", "@y", "50%"}));
  for (const char* shell :
       {"",        "  ",          "a > b",   "a < b",   "a | b",          "a; b",
        "a && b",  "a & b",       "a 'b c'", "a \"b\"", "a\\ b",          "$HOME/a",
        "a `b`",   "~/a",         "a*",      "a?",      "a[1]",           "a # c",
        "a\nb",    "X=1 adapter", "cd dir",  "exec a",  "sleep 1 & wait", "if",
        ". ./env", "{ a; }",      "(a)",     "!a"}) {
    EXPECT_EQ(PlainCommandWords(shell), std::nullopt) << "'" << shell << "'";
  }
}

// A target started from plain words is the runner's own child (no shell
// between them); a script the kernel cannot execute still runs, by the shell.
TEST(Target, APlainCommandStartsItsProgramDirectly) {
  const std::string dir = ::testing::TempDir();
  const std::string answer =
      "read -r l; printf '{\"id\":1,\"ok\":true,\"protocol\":\"hsmbackup-target/1\","
      "\"implementation\":\"%s\",\"capabilities\":[]}\\n' $PPID; read -r l\n";
  for (const bool shebang : {true, false}) {
    const std::string script =
        dir + "hsmb-plain-" + std::to_string(getpid()) + (shebang ? "-sh" : "-bare");
    {
      std::ofstream out(script);
      out << (shebang ? "#!/bin/sh\n" : "") << answer;
    }
    ASSERT_EQ(chmod(script.c_str(), 0700), 0);
    TargetError error;
    std::unique_ptr<Target> t = MakeSubprocessTarget(script + " --flag=1", &error);
    ASSERT_NE(t, nullptr) << error.message;
    std::optional<Hello> hello = t->Handshake(&error);
    ASSERT_TRUE(hello.has_value()) << error.message;
    if (shebang) {
      EXPECT_EQ(hello->implementation, std::to_string(getpid()));
    }
    EXPECT_TRUE(t->Close(&error)) << error.message;
    std::remove(script.c_str());
  }
  TargetError error;
  EXPECT_EQ(MakeSubprocessTarget("/nonexistent/hsmb-adapter serve", &error), nullptr);
  EXPECT_NE(error.message.find("cannot start target '/nonexistent/hsmb-adapter serve'"),
            std::string::npos)
      << error.message;
}

// Events reads the lines `target` scripts append to `log`.
std::vector<std::string> Events(const std::string& log) {
  std::ifstream in(log);
  std::vector<std::string> events;
  for (std::string l; std::getline(in, l);) events.push_back(l);
  return events;
}

// A process per check: the next one starts once the previous one has
// answered bye, while that one exits (here it takes 0.3 s to), and the
// one started after the last bye gets bye alone when the factory goes.
// Each target logs a bye before it answers it, so the order is certain.
TEST(Target, AProcessPerCheckStartsTheNextOnceThePreviousSaidBye) {
  ScratchDir scratch("hsmb-bye-order");
  const std::string log = scratch.path() + "/events";
  const std::string is_bye = "case \"$l\" in *'\"bye\"'*) ";
  const std::string target =
      "echo start $$ >> " + log + "; " +
      "while IFS= read -r l; do id=$(printf '%s' \"$l\" | sed 's/.*\"id\":\\([0-9]*\\).*/\\1/'); " +
      is_bye + "echo bye $$ >> " + log + ";; esac; " +
      "printf '{\"id\":%s,\"ok\":true,\"protocol\":\"hsmbackup-target/1\",\"implementation\":"
      "\"x\",\"capabilities\":[]}\\n' \"$id\"; " +
      is_bye + "break;; esac; done; sleep 0.3; echo exit $$ >> " + log;
  {
    TargetFactory factory =
        MakeTargetFactory(target, kDefaultAnswerTimeout, false, NextProcess::kAfterBye);
    for (int check = 0; check < 2; ++check) {
      TargetError error;
      std::unique_ptr<Target> t = factory(&error);
      ASSERT_NE(t, nullptr) << error.message;
      ASSERT_TRUE(t->Handshake(&error).has_value()) << error.message;
      EXPECT_TRUE(t->Close(&error)) << error.message;
    }
  }
  const std::vector<std::string> events = Events(log);
  std::vector<std::string> pids;
  for (const std::string& e : events) {
    if (e.rfind("start ", 0) == 0) pids.push_back(e.substr(6));
  }
  ASSERT_EQ(pids.size(), 3u) << "two checks and the one started after the last bye";
  auto at = [&](const std::string& what) {
    return std::find(events.begin(), events.end(), what) - events.begin();
  };
  for (size_t i = 0; i < pids.size(); ++i) {
    EXPECT_LT(at("bye " + pids[i]), at("exit " + pids[i])) << pids[i] << " got no bye";
    EXPECT_LT(at("exit " + pids[i]), static_cast<long>(events.size())) << pids[i] << " runs";
    if (i == 0) continue;
    EXPECT_GT(at("start " + pids[i]), at("bye " + pids[i - 1]));
    EXPECT_LT(at("start " + pids[i]), at("exit " + pids[i - 1]));
  }
}

TEST(Target, ABorrowedTargetSpeaksToTheSharedProcessAndSendsNoBye) {
  TargetError error;
  std::unique_ptr<Target> shared = MakeSubprocessTarget(Responder("exit 0"), &error);
  ASSERT_NE(shared, nullptr);
  std::unique_ptr<Target> a = MakeBorrowedTarget(shared.get());
  std::unique_ptr<Target> b = MakeBorrowedTarget(shared.get());
  std::optional<Hello> ha = a->Handshake(&error);
  EXPECT_TRUE(a->Close(&error));
  std::optional<Hello> hb = b->Handshake(&error);  // the process is still there
  ASSERT_TRUE(ha && hb) << error.message;
  EXPECT_EQ(ha->implementation, hb->implementation);  // the same pid
  EXPECT_TRUE(shared->Alive());
  EXPECT_TRUE(shared->Close(&error)) << error.message;
  EXPECT_FALSE(shared->Alive());
}

TEST(Target, JsonNestedTooDeepIsRefusedBeforeItIsBuilt) {
  const std::string deep = std::string(1000000, '[') + std::string(1000000, ']');
  EXPECT_TRUE(ParseJson(deep).is_discarded());
  const std::string ok = std::string(kMaxJsonDepth - 1, '[') + std::string(kMaxJsonDepth - 1, ']');
  EXPECT_FALSE(ParseJson(ok).is_discarded());
  EXPECT_TRUE(ParseJson("{\"id\":1} trailing").is_discarded());
  // A target answering with such a line ends the check in error, not in a crash.
  TargetError error;
  std::unique_ptr<Target> t = MakeSubprocessTarget(
      "read l; printf '{\"id\":1,\"x\":'; head -c 200000 /dev/zero | tr '\\0' '['; echo", &error);
  ASSERT_NE(t, nullptr);
  EXPECT_FALSE(t->Handshake(&error).has_value());
  EXPECT_NE(error.message.find("with a line that is not JSON: '{\"id\":1,\"x\":[[["),
            std::string::npos)
      << error.message;
}

TEST(Target, ObservedStateHoldsNoSecrets) {
  std::unique_ptr<Target> t = MakeInProcessTarget();
  Seen seen = RunSeedExample(*t);
  const std::string text = seen.state.dump();
  for (const char* secret : {"userpin1234", "clientdomain", "backupSOpwd", "newPa$$w0rd"}) {
    EXPECT_EQ(text.find(secret), std::string::npos) << secret;
  }
}

}  // namespace
}  // namespace hsmbackup::conformance
