// Backup path: no transcript ever shows a secret (OUT-NO-SECRETS).
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <functional>
#include <string>
#include <vector>

#include "support/test_support.h"
#include "support/worlds.h"

namespace hsmbackup {
namespace {

using namespace hsmbackup::testing;  // NOLINT(build/namespaces)

// Distinctive secrets, so that a hit can only be a leak.
constexpr char kCo[] = "Co-Secret-41x";
constexpr char kCu[] = "Cu-Secret-52y";
constexpr char kPo[] = "Po-Secret-63z";
constexpr char kSo[] = "So-Secret-74w";
constexpr char kBk[] = "Bk-Secret-85v";
constexpr char kDom[] = "Dom-Secret-96u";
constexpr char kDflt[] = "Dflt-Secret-07t";
constexpr char kWrongDom[] = "Wrong-Dom-18s";
constexpr char kBadSo[] = "Bad-So-29r";
constexpr char kBadBk[] = "Bad-Bk-30q";
constexpr char kBadCo[] = "Bad-Co-31o";

const std::vector<std::string>& AllSecrets() {
  static const std::vector<std::string> kAll = {kCo,   kCu,       kPo,    kSo,    kBk, kDom,
                                                kDflt, kWrongDom, kBadSo, kBadBk, kBadCo};
  return kAll;
}

World SecretWorld(PartitionKind kind, bool ped = false) {
  UserPartition u = MakeUser(kind, 4);
  u.co_password = Secret(kCo);
  u.cu_password = Secret(kCu);
  u.po_password = Secret(kPo);
  u.domain = Secret(kDom);
  if (u.smk) {
    Bytes smk(32);
    for (size_t i = 0; i < smk.size(); ++i) smk[i] = static_cast<uint8_t>(0x5A ^ (i * 7));
    u.smk = Secret(ByteSpan(smk));
  }
  BackupHsm h = MakeBackupHsm();
  h.so_password = Secret(kSo);
  if (ped) {
    u.auth = AuthMode::kPed;
    h.auth = AuthMode::kPed;
    h.so_password = Secret();
    h.ped_domain = Secret(kDom);
  }
  World w = MakeWorld(std::move(u), std::move(h));
  w.default_domain = Secret(kDflt);
  return w;
}

std::string Line(const std::string& partition, const std::string& domain,
                 const std::string& password, const std::string& so, const std::string& extra) {
  BackupArgs a;
  a.partition = partition;
  a.domain = domain;
  a.password = password;
  a.sopassword = so;
  a.extra = extra;
  return BackupLineFrom(a);
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// Needles are every secret a world holds, lower-cased: the passwords and
// domains above, the SMK in hex, each object value in hex (whole and its
// first 12 bytes) and raw.
std::vector<std::string> Needles(const World& original) {
  std::vector<std::string> needles;
  for (const std::string& s : AllSecrets()) needles.push_back(Lower(s));
  const UserPartition& u = UserAt(original);
  if (u.smk) needles.push_back(HexEncode(u.smk->secret_bytes()));
  for (const Object& o : u.objects) {
    const ByteSpan value = o.value.secret_bytes();
    needles.push_back(HexEncode(value));
    needles.push_back(HexEncode(value.first(12)));
    needles.push_back(Lower(std::string(value.begin(), value.begin() + 12)));
  }
  return needles;
}

std::string FindLeak(const std::string& line, const std::vector<std::string>& needles) {
  const std::string text = Lower(line);
  for (const std::string& n : needles) {
    if (text.find(n) != std::string::npos) return n;
  }
  return "";
}

struct Story {
  std::string name;
  std::function<World()> make;
  std::vector<std::string> lines;
  std::vector<std::string> answers;
  std::vector<Fault> faults;
};

std::vector<Story> Stories() {
  const std::string co = std::string("role login -name co -password ") + kCo;
  const std::string ok = Line("bk", kDom, kBk, kSo, "");
  std::vector<Story> out;
  for (PartitionKind kind : {PartitionKind::kPre77, PartitionKind::kV0, PartitionKind::kV1}) {
    auto make = [kind] { return SecretWorld(kind); };
    const std::string k = KindName(kind);
    out.push_back({k + " everything", make,
                   {std::string("role login -name co -password ") + kBadCo, co, ok,
                    Line("bk", kDom, kBk, kSo, "-append -debug"),
                    Line("bk", kDom, kBadBk, kSo, "-append"),
                    Line("bk", kDom, kBk, kSo, "-append -replace"),
                    Line("bk", "", "Bk-Secret-85v2", kSo, "-replace"),
                    Line("bk2", kWrongDom, kBk, kSo, ""), Line("bk3", kDom, kBk, kBadSo, ""),
                    Line("bk4", kDom, kBk, kSo, "-defaultdomain"),
                    Line("bk5", "", kBk, kSo, "-defaultdomain"), Line("bk6", "", kBk, kSo, ""),
                    Line("bk7", kDom, kBk, kSo, "-objects 999 -debug"),
                    Line("bk8", kDom, kBk, kSo, "-bogus"),
                    "partition archive backup -slot 2 -password " + std::string(kBk) + " extra",
                    "partition archive backup -slot 2 -sopassword " + std::string(kSo) +
                        " -domain",
                    "partition archive backup -slot 2 -domain '" + std::string(kDom) + " x'",
                    ArchiveContentsLine("bk", kBk), ArchiveContentsLine("bk", kBadBk),
                    std::string("partition archive list -slot 2 -sopassword ") + kSo,
                    "partition archive restore -slot 2 -partition bk -password " +
                        std::string(kBk),
                    std::string("partition archive delete -slot 2 -partition bk2 -sopassword ") +
                        kSo + " -force"},
                   {},
                   {}});
    out.push_back({k + " verify fail", make, {co, ok, Line("bk2", kDom, kBk, kSo, "-debug")}, {},
                   {VerifyFailFault(101)}});
    out.push_back({k + " full", make, {co, ok}, {}, {PartitionFullFault(3)}});
    out.push_back({k + " shrink fail", make, {co, ok, ok}, {}, {ShrinkFailFault()}});
    out.push_back({k + " small", [kind] {
                     World w = SecretWorld(kind);
                     HsmAt(w).capacity = 5000;
                     return w;
                   },
                   {co, ok, Line("bk", kDom, kBk, kSo, "-debug")}, {}, {}});
    out.push_back({k + " policy", [kind] {
                     World w = SecretWorld(kind);
                     UserAt(w).policies.allow_secret_key_cloning = false;
                     return w;
                   },
                   {co, ok}, {}, {}});
    out.push_back({k + " zeroize", make,
                   {co, Line("bk", kDom, kBk, kBadSo, ""), Line("bk", kDom, kBk, kBadSo, ""),
                    Line("bk", kDom, kBk, kBadSo, ""), ok},
                   {}, {}});
    out.push_back({k + " ped", [kind] { return SecretWorld(kind, true); },
                   {"role login -name co", "partition archive backup -slot 2 -partition bk",
                    "partition archive backup -slot 2 -partition bk -domain " + std::string(kDom),
                    "partition archive backup -slot 2 -partition bk -password " + std::string(kBk)},
                   {}, {}});
  }
  out.push_back({"cu and lockout", [] { return SecretWorld(PartitionKind::kV0); },
                 {std::string("role login -name cu -password ") + kCu, ok, "role logout",
                  std::string("role login -name po -password ") + kPo, "role logout",
                  std::string("role login -name co -password ") + kBadCo,
                  std::string("role login -name co -password ") + kBadCo},
                 {}, {}});
  const std::string smk = Line("", kDom, kBk, kSo, "-smkonly");
  out.push_back({"smk only", [] { return SecretWorld(PartitionKind::kV1); },
                 {co, smk, smk, Line("", kWrongDom, kBk, kSo, "-smkonly -force")},
                 {"quit", "proceed"}, {}});
  return out;
}

TEST(BackupSecrets, NoTranscriptShowsASecret) {
  HSMB_CLAUSE("OUT-NO-SECRETS");
  size_t commands = 0;
  for (const Story& s : Stories()) {
    SCOPED_TRACE(s.name);
    World w = s.make();
    const World original = w;
    w.faults = s.faults;
    Runner r(&w);
    std::vector<std::string> answers = s.answers;
    for (const std::string& line : s.lines) {
      std::vector<std::string> now;
      if (!answers.empty() && line.find("-smkonly") != std::string::npos &&
          line.find("-force") == std::string::npos) {
        now.push_back(answers.front());
        answers.erase(answers.begin());
      }
      Result res = r.Do(line, now);
      ++commands;
      for (const std::string& secret : AllSecrets()) {
        EXPECT_EQ(res.status.message().find(secret), std::string::npos);
      }
      w.clock.now += 1;  // -smkonly names carry the time
    }
    const std::vector<std::string> needles = Needles(original);
    ASSERT_FALSE(r.all().empty());
    for (const std::string& line : r.all()) {
      EXPECT_EQ(FindLeak(line, needles), "") << "leak in: " << line;
    }
  }
  EXPECT_GT(commands, 100u);
}

TEST(BackupSecrets, TheScanFindsWhatItLooksFor) {
  HSMB_CLAUSE("OUT-NO-SECRETS");
  // The scan is only worth something if it would flag a leak: the command
  // lines themselves carry secrets, and so would a hex dump of a key.
  const World w = SecretWorld(PartitionKind::kV1);
  const std::vector<std::string> needles = Needles(w);
  size_t flagged = 0;
  for (const Story& s : Stories()) {
    for (const std::string& line : s.lines) {
      if (line.find("Secret") != std::string::npos || line.find("Bad-") != std::string::npos ||
          line.find("Wrong-") != std::string::npos) {
        EXPECT_NE(FindLeak(line, needles), "") << line;
        ++flagged;
      }
    }
  }
  EXPECT_GT(flagged, 50u);
  const Object& o = UserAt(w).objects.at(2);
  std::string dump = HexEncode(o.value.secret_bytes());
  std::transform(dump.begin(), dump.end(), dump.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  EXPECT_NE(FindLeak("Value: " + dump.substr(0, 24), needles), "");
  EXPECT_NE(FindLeak("SMK " + HexEncode(UserAt(w).smk->secret_bytes()), needles), "");
  EXPECT_EQ(FindLeak("Command Result : No Error", needles), "");
}

}  // namespace
}  // namespace hsmbackup
