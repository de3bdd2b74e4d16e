// The reports: JUnit XML that parses, JSON that validates against
// conformance/report.schema.json, Markdown and the terminal table, over a
// hand-made run and over a real run of conformance_runner_fake. The XML and
// the schema are checked by python3 (conformance/tests/validate_reports.py).
#include "conformance/report.h"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "conformance/runner.h"
#include "scratch_dir.h"

namespace hsmbackup::conformance {
namespace {

constexpr int kValidatorMissing = 77;

std::string Root() { return HSMB_SOURCE_ROOT; }

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Validate runs validate_reports.py; its stderr goes to `why`.
int Validate(const std::string& args, std::string* why) {
  ScratchDir scratch("hsmb-report");
  const std::string err = scratch.path() + "/stderr";
  const int status = std::system(
      ("python3 " + Root() + "/conformance/tests/validate_reports.py " + args + " 2>" + err)
          .c_str());
  *why = ReadFile(err);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

bool HavePython() { return std::system("command -v python3 >/dev/null 2>&1") == 0; }

#define REQUIRE_PYTHON() \
  if (!HavePython()) GTEST_SKIP() << "python3 is not installed (scripts/deps.sh installs it)"

void ExpectValidJunit(const std::string& path) {
  std::string why;
  EXPECT_EQ(Validate("junit " + path, &why), 0) << why;
}

void ExpectValidJson(const std::string& path) {
  std::string why;
  const int code =
      Validate("json " + path + " " + Root() + "/conformance/report.schema.json", &why);
  if (code == kValidatorMissing) GTEST_SKIP() << "python3-jsonschema is not installed: " << why;
  EXPECT_EQ(code, 0) << why;
}

// A run with one clause of every verdict and text no XML, JSON or Markdown
// writer may pass through raw.
RunReport SampleRun() {
  const std::vector<CatalogueClause> catalogue = {
      {"C-PASS", "Cloning", "", ""},
      {"C-FAIL",
       "Cloning",
       "A blob that fails verification is <discarded> & reported.",
       "seed",
       {{"seed", "If the verification fails, then the blob is <discarded> & \"reported\"."}}},
      {"S-ERROR", "Source and restore", "", ""},
      {"S-NA", "Source and restore", "", ""},
      {"S-NOTRUN", "Source and restore", "", ""},
      {"O-XFAIL", "Output", "", ""},
      {"O-XPASS", "Output", "", ""}};
  Counterexample cx;
  cx.scenario.world = {{"format", "hsmbackup-world/1"}, {"label", "a<b>&\"c\" | ```"}};
  cx.scenario.lines = {"role login -name co -password x", "partition archive backup -slot 2"};
  cx.scenario.answers = {"proceed"};
  cx.failing_step = 1;
  cx.expected = "CKR_OK";
  cx.observed = std::string("CKR_PIN_INCORRECT <]]> \x02 \xc3\x28 caf\xc3\xa9");
  cx.target_transcript = {"Command Result : 0x000000a0 (CKR_PIN_INCORRECT)"};
  cx.seed = 99;
  auto outcome = [](std::string name, std::vector<std::string> clauses, CheckStatus s,
                    std::string message) {
    CheckOutcome o;
    o.family = "Fake";
    o.name = std::move(name);
    o.clauses = std::move(clauses);
    o.status = s;
    o.message = std::move(message);
    o.seed = 99;
    o.cases = 1;
    o.cases_run = s == CheckStatus::kPass ? 1 : 0;
    o.seconds = 0.25;
    return o;
  };
  std::vector<CheckOutcome> checks = {
      outcome("Passes", {"C-PASS", "O-XPASS"}, CheckStatus::kPass, ""),
      outcome("Fails", {"C-FAIL", "O-XFAIL"}, CheckStatus::kFail, "wrong <code> & \"more\""),
      outcome("Errors", {"S-ERROR"}, CheckStatus::kError, "target crashed"),
      outcome("Lacks", {"S-NA"}, CheckStatus::kNotApplicable, "the target lacks capability 'ped'"),
  };
  checks[1].counterexample = cx;
  VendorConfig config{"notes", {{"O-XFAIL", "bug 17", "", ""}, {"O-XPASS", "bug 18", "", ""}}};
  RunReport r;
  r.tool_version = "0.1.0";
  r.catalogue_sha256 = std::string(64, 'a');
  r.implementation = "vendor <HSM> & co";
  r.target = "adapter --serve 'x'";
  r.seed = 1;
  r.cases = 3;
  r.shard = Shard{1, 4};
  r.started = "2024-01-02T03:04:05Z";
  r.seconds = 1.5;
  r.clauses = ComputeVerdicts(catalogue, checks, config);
  r.exit_code = ExitCodeFor(r.clauses, checks.size());
  r.checks = checks;
  return r;
}

TEST(Report, SampleRunHasEveryVerdict) {
  RunReport r = SampleRun();
  for (const auto& [verdict, count] : r.Totals()) {
    EXPECT_EQ(count, 1) << VerdictName(verdict);
  }
  EXPECT_EQ(r.exit_code, kExitNotConformant);
}

TEST(Report, XmlEscapeKeepsXmlWellFormed) {
  EXPECT_EQ(XmlEscape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&apos;");
  EXPECT_EQ(XmlEscape("x\ny"), "x&#10;y");
  EXPECT_EQ(XmlEscape(std::string("\x01")), "\xEF\xBF\xBD");
  EXPECT_EQ(XmlEscape("caf\xc3\xa9"), "caf\xc3\xa9") << "valid UTF-8 passes through";
  EXPECT_EQ(XmlEscape("\xc3\x28"), "\xEF\xBF\xBD(") << "a broken sequence is replaced";
  EXPECT_EQ(XmlEscape("\xef\xbf\xbf"), "\xEF\xBF\xBD") << "U+FFFF is not an XML character";
}

TEST(Report, JunitHasOneTestcasePerClauseAndParses) {
  REQUIRE_PYTHON();
  RunReport r = SampleRun();
  const std::string xml = JunitXml(r);
  ScratchDir scratch("hsmb-report");
  const std::string path = scratch.path() + "/junit.xml";
  WriteFile(path, xml);
  ExpectValidJunit(path);
  EXPECT_NE(xml.find("<testsuite name=\"Source and restore\" tests=\"3\" failures=\"0\" "
                     "errors=\"1\" skipped=\"2\""),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<testcase classname=\"Cloning\" name=\"C-FAIL\""), std::string::npos);
  EXPECT_NE(xml.find("<failure type=\"unexpected-pass\""), std::string::npos);
  EXPECT_NE(xml.find("<skipped message=\"expected-failure: "), std::string::npos);
  EXPECT_NE(xml.find("<skipped message=\"not-run: "), std::string::npos);
  EXPECT_NE(xml.find("<skipped message=\"n/a: "), std::string::npos);
  EXPECT_NE(xml.find("--- world.json ---"), std::string::npos) << "the counterexample";
  EXPECT_EQ(xml.find("<code>"), std::string::npos) << "unescaped text";
  EXPECT_NE(xml.find("C-FAIL requires (seed): A blob that fails verification is &lt;discarded&gt; "
                     "&amp; reported.\n  the seed says: &quot;If the verification fails, then the "
                     "blob is &lt;discarded&gt; &amp; &quot;reported&quot;.&quot;\n"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<property name=\"shard\" value=\"1/4\"/>"), std::string::npos)
      << "0-based, as in the JSON";
}

// A check naming three clauses of one family is in each clause's time, but
// once in its suite's; the whole is the run's wall time.
TEST(Report, JunitTimesCountEachCheckOnce) {
  RunReport r;
  CheckOutcome o;
  o.family = "Fake";
  o.name = "Three";
  o.clauses = {"A", "B", "C"};
  o.seconds = 2;
  r.checks = {o};
  r.clauses = ComputeVerdicts(
      {{"A", "F", "", ""}, {"B", "F", "", ""}, {"C", "F", "", ""}, {"D", "G", "", ""}}, r.checks,
      {});
  r.seconds = 2.5;
  const std::string xml = JunitXml(r);
  EXPECT_NE(xml.find("<testsuites name=\"hsmbackup-conformance\" tests=\"4\" failures=\"0\" "
                     "errors=\"0\" skipped=\"1\" time=\"2.500\">"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<testsuite name=\"F\" tests=\"3\" failures=\"0\" errors=\"0\" "
                     "skipped=\"0\" time=\"2.000\""),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<testcase classname=\"F\" name=\"B\" time=\"2.000\"/>"), std::string::npos)
      << xml;
}

TEST(Report, JsonValidatesAgainstTheSchema) {
  REQUIRE_PYTHON();
  RunReport r = SampleRun();
  const nlohmann::ordered_json doc = ReportJson(r);
  EXPECT_EQ(doc["format"], "hsmbackup-conformance-report/1");
  EXPECT_EQ(doc["catalogue"]["sha256"], std::string(64, 'a'));
  EXPECT_EQ(doc["shard"]["index"], 1);
  EXPECT_EQ(doc["totals"]["unexpected-pass"], 1);
  EXPECT_EQ(doc["check_totals"]["fail"], 1);
  EXPECT_EQ(doc["clauses"][1]["id"], "C-FAIL");
  EXPECT_EQ(doc["clauses"][1]["quotes"].dump(),
            R"([{"from":"seed","sentence":"If the verification fails, then the blob is )"
            R"(<discarded> & \"reported\"."}])");
  EXPECT_FALSE(doc["clauses"][0].contains("quotes")) << "a clause without a quote has none";
  const Json& failing = doc["checks"][1];
  ASSERT_TRUE(failing.contains("counterexample"));
  EXPECT_EQ(failing["counterexample"]["failing_step"], 1);
  EXPECT_NE(failing["counterexample"]["replay"].get<std::string>().find("--answer 'proceed'"),
            std::string::npos);
  ScratchDir scratch("hsmb-report");
  const std::string path = scratch.path() + "/report.json";
  WriteFile(path, doc.dump(2, ' ', false, Json::error_handler_t::replace));
  ExpectValidJson(path);
}

TEST(Report, SchemaRejectsWhatItShould) {
  REQUIRE_PYTHON();
  nlohmann::ordered_json doc = ReportJson(SampleRun());
  doc["clauses"][0]["verdict"] = "maybe";
  ScratchDir scratch("hsmb-report");
  const std::string path = scratch.path() + "/bad.json";
  WriteFile(path, doc.dump(2, ' ', false, Json::error_handler_t::replace));
  std::string why;
  const int code =
      Validate("json " + path + " " + Root() + "/conformance/report.schema.json", &why);
  if (code == kValidatorMissing) GTEST_SKIP() << "python3-jsonschema is not installed";
  EXPECT_EQ(code, 1) << why;
  EXPECT_NE(why.find("maybe"), std::string::npos) << why;
}

TEST(Report, MarkdownHasHeaderTableAndOneSectionPerFailingClause) {
  const std::string md = MarkdownReport(SampleRun());
  EXPECT_NE(md.find("# Conformance report: vendor <HSM> & co"), std::string::npos) << md;
  EXPECT_NE(md.find("| Seed | 1 |"), std::string::npos);
  EXPECT_NE(md.find("| Shard | 1/4 |"), std::string::npos) << "0-based, as in the JSON";
  EXPECT_NE(md.find("| C-FAIL | Cloning | fail |"), std::string::npos) << md;
  EXPECT_NE(
      md.find("## C-FAIL: fail\n\n> C-FAIL requires (seed): A blob that fails verification is "
              "<discarded> & reported.\n>\n> the seed says: \"If the verification fails, "
              "then the blob is <discarded> & \"reported\".\"\n\n"),
      std::string::npos)
      << md;
  EXPECT_NE(md.find("## O-XPASS: unexpected-pass"), std::string::npos);
  EXPECT_EQ(md.find("## O-XFAIL"), std::string::npos) << "expected failures need no section";
  // The world holds a ``` run, so its block is fenced with four.
  EXPECT_NE(md.find("````json\n{"), std::string::npos) << md;
  const RunReport run = SampleRun();
  const Counterexample& cx = *run.checks[1].counterexample;
  EXPECT_NE(md.find(ReplayCommand(cx.scenario, "world.json", "script.lunacm")), std::string::npos)
      << md;
}

TEST(Report, ClauseTableShowsEveryClauseTotalsAndFailures) {
  const std::string table = ClauseTable(SampleRun());
  for (const char* id : {"C-PASS", "C-FAIL", "S-ERROR", "S-NA", "S-NOTRUN", "O-XFAIL", "O-XPASS"}) {
    EXPECT_NE(table.find(std::string("\n") + id + " "), std::string::npos) << id;
  }
  EXPECT_NE(table.find("Exit 1: not conformant"), std::string::npos) << table;
  EXPECT_NE(table.find("=== FAIL Fake.Fails (fails C-FAIL, O-XFAIL; run seed 1, check seed 99)"),
            std::string::npos)
      << table;
  // A check that finds another clause's fault says which it fails first.
  RunReport other = SampleRun();
  other.checks[1].failed_clauses = {"C-FAIL"};
  other.checks[1].clauses = {"O-XFAIL"};
  EXPECT_NE(ClauseTable(other).find("=== FAIL Fake.Fails (fails C-FAIL; the check names O-XFAIL; "
                                    "run seed 1, check seed 99)"),
            std::string::npos)
      << ClauseTable(other);
  EXPECT_NE(table.find("   shard: 1/4\n"), std::string::npos) << "0-based, as in the JSON";
  // A failure names the sentence it breaks, not only the clause id.
  EXPECT_NE(table.find("C-FAIL requires (seed): A blob that fails verification is <discarded> & "
                       "reported.\n  the seed says: \"If the verification fails, then the blob is "
                       "<discarded> & \"reported\".\"\n"),
            std::string::npos)
      << table;
  EXPECT_NE(table.find("rerun: hsmbackup-conformance --seed 1 --cases 3 --target-cmd "
                       "'adapter --serve '\\''x'\\''' --gtest_filter=Fake.Fails"),
            std::string::npos)
      << table;
}

// How the processes were started is in every report, and a rerun starts
// them the same way where that matters.
TEST(Report, EveryReportSaysHowTheTargetsProcessesWereStarted) {
  RunReport r = SampleRun();
  r.processes = Processes{Processes::Kind::kPerCheck, NextProcess::kWhenAsked, true, 0.0042};
  const nlohmann::ordered_json doc = ReportJson(r);
  EXPECT_EQ(doc["processes"]["mode"], "at-check");
  EXPECT_EQ(doc["processes"]["pinned"], true);
  EXPECT_EQ(doc["processes"]["preflight_hello_ms"], 4.2);
  EXPECT_NE(ClauseTable(r).find("processes:      one per check, each started when its check "
                                "begins (--next-process at-check)\n"),
            std::string::npos)
      << ClauseTable(r);
  EXPECT_NE(ClauseTable(r).find(" --next-process at-check --gtest_filter=Fake.Fails"),
            std::string::npos);
  EXPECT_NE(MarkdownReport(r).find("| Processes | one per check"), std::string::npos);
  EXPECT_NE(JunitXml(r).find("<property name=\"processes\" value=\"at-check\"/>"),
            std::string::npos);
  if (HavePython()) {
    ScratchDir scratch("hsmb-report");
    const std::string path = scratch.path() + "/report.json";
    WriteFile(path, doc.dump(2, ' ', false, Json::error_handler_t::replace));
    ExpectValidJson(path);
  }
  r.processes = Processes{Processes::Kind::kReused, NextProcess::kWhenAsked, false, 0.2};
  EXPECT_NE(ClauseTable(r).find(" --reuse-target --gtest_filter=Fake.Fails"), std::string::npos)
      << "a reused process is judged on what it kept across load: the rerun reuses one too";
  EXPECT_EQ(ReportJson(SampleRun()).count("processes"), 0u) << "optional: a hand-made report";
}

// The files a real (fake-check) run writes, validated the same way, and
// free of the environment the runner ran in.
TEST(Report, FilesFromARunValidateAndHoldNoEnvironment) {
  REQUIRE_PYTHON();
  const std::string tool = HSMB_CONFORMANCE_PATH;
  const std::string fake = tool.substr(0, tool.rfind('/') + 1) + "conformance_runner_fake";
  if (!std::ifstream(fake).good()) GTEST_SKIP() << "conformance_runner_fake not built at " << fake;
  ScratchDir scratch("hsmb-report");
  const std::string dir = scratch.path();
  const std::string canary = "hsmb-env-canary-5d1f";
  const int status =
      std::system(("HSMB_CANARY=" + canary + " " + fake + " --quiet --junit " + dir +
                   "/j.xml --report " + dir + "/r.json --markdown " + dir + "/r.md >/dev/null 2>&1")
                      .c_str());
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), kExitNotConformant);
  ExpectValidJunit(dir + "/j.xml");
  ExpectValidJson(dir + "/r.json");
  for (const char* file : {"/j.xml", "/r.json", "/r.md"}) {
    const std::string text = ReadFile(dir + file);
    ASSERT_FALSE(text.empty()) << file;
    EXPECT_EQ(text.find(canary), std::string::npos) << file;
    EXPECT_EQ(text.find(dir), std::string::npos) << file << " names the working directory";
  }
  const Json report = Json::parse(ReadFile(dir + "/r.json"));
  EXPECT_EQ(report["exit_code"], kExitNotConformant);
  EXPECT_EQ(report["target"], "in-process reference");
  EXPECT_EQ(report["processes"]["mode"], "in-process") << report.dump();
  EXPECT_TRUE(report["processes"]["preflight_hello_ms"].is_null());
  EXPECT_FALSE(report["implementation"].get<std::string>().empty());
}

}  // namespace
}  // namespace hsmbackup::conformance
