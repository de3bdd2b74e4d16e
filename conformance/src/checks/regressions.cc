// Regressions: the counterexamples kept under fixtures/regressions/, each a
// world and a lunacm script, replayed and judged by the model.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "checks/families.h"
#include "checks/harness.h"

namespace hsmbackup::conformance {
namespace {

namespace fs = std::filesystem;

std::string Slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Pairs lists the regressions in `dir` by name, sorted so runs are
// repeatable.
std::vector<std::string> Pairs(const fs::path& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string f = e.path().filename().string();
    if (f.size() > 7 && f.ends_with(".lunacm")) names.push_back(f.substr(0, f.size() - 7));
  }
  std::sort(names.begin(), names.end());
  return names;
}

// ScriptClauses reads the "# clauses:" header lines of one script.
std::set<std::string> ScriptClauses(const std::string& script) {
  std::set<std::string> ids;
  std::istringstream in(script);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("# clauses:", 0) != 0) continue;
    std::istringstream words(line.substr(10));
    for (std::string w; words >> w;) ids.insert(w);
  }
  return ids;
}

// Clauses are those of every script in `dir`.
std::vector<std::string> Clauses(const fs::path& dir) {
  std::set<std::string> ids;
  for (const std::string& n : Pairs(dir)) {
    const std::set<std::string> its = ScriptClauses(Slurp(dir / (n + ".lunacm")));
    ids.insert(its.begin(), its.end());
  }
  return {ids.begin(), ids.end()};
}

// Missing names the "# capabilities:" a script needs that the target lacks.
std::string Missing(const std::string& script, const Hello& hello) {
  std::istringstream in(script);
  std::string missing;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("# capabilities:", 0) != 0) continue;
    std::istringstream words(line.substr(15));
    for (std::string w; words >> w;) {
      if (!hello.Has(w)) missing += (missing.empty() ? "" : ", ") + w;
    }
  }
  return missing;
}

CheckResult Replay(CheckContext& ctx, const fs::path& dir) {
  const std::vector<std::string> names = Pairs(dir);
  if (names.empty()) return CheckResult::Error("no regressions found in " + dir.string());
  int ran = 0;
  std::string skipped;
  Unjudged unjudged;
  for (const std::string& n : names) {
    std::string why;
    std::optional<Scenario> s =
        ParseScenario(Slurp(dir / (n + ".world.json")), Slurp(dir / (n + ".lunacm")), &why);
    if (!s) return CheckResult::Error(n + ": " + why);
    std::string missing = Missing(Slurp(dir / (n + ".lunacm")), ctx.hello);
    for (const std::string& c : Unsupported(ctx, s->world)) {
      missing += (missing.empty() ? "" : ", ") + c;
    }
    const std::set<std::string> named = ScriptClauses(Slurp(dir / (n + ".lunacm")));
    const std::vector<std::string> clauses(named.begin(), named.end());
    if (!missing.empty()) {
      skipped += n + " needs " + missing + "; ";
      unjudged.Skipped(clauses, "regression " + n + " naming it needs " + missing);
      continue;
    }
    unjudged.Ran(clauses);
    ++ran;
    CheckResult r = Example(ctx, *s);
    if (r.status != CheckStatus::kPass) {
      r.message = "regression " + n + ": " + r.message;
      return r;
    }
  }
  if (ran == 0) return CheckResult::NotApplicable(skipped);
  return unjudged.Into(CheckResult::Pass(ran));
}

}  // namespace

std::vector<Check> RegressionChecks(const fs::path& data_dir) {
  const fs::path dir = data_dir / "fixtures" / "regressions";
  return {{"Regressions", "Replay", Clauses(dir), {}, 1,
           [dir](CheckContext& ctx) { return Replay(ctx, dir); }}};
}

}  // namespace hsmbackup::conformance
