// Backup path: what lunacm prints (OUT-*, OPT-DEBUG).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "support/test_support.h"
#include "support/worlds.h"

namespace hsmbackup {
namespace {

using namespace hsmbackup::testing;  // NOLINT(build/namespaces)
using Lines = std::vector<std::string>;

// The seed's example: six objects, handles 70 69 53 54 52 47, landing on
// handles 14 18 19 23 24 28 (scripted through the allocator queue).
World SeedWorld(PartitionKind kind) {
  UserPartition u = MakeUser(kind, 0, "sa78");
  for (uint32_t h : {70u, 69u, 53u, 54u, 52u, 47u}) u.objects.push_back(MakeObject(h));
  World w = MakeWorld(std::move(u), MakeBackupHsm());
  HsmAt(w).handles.queue = {14, 18, 19, 23, 24, 28};
  return w;
}

const Lines kSeedTranscript = {
    "Logging in as the SO on slot 2.",
    "",
    "Creating partition sa78backup on slot 2.",
    "",
    "Logging into the container sa78backup on slot 2 as the user.",
    "",
    "Creating Domain for the partition sa78backup on slot 2.",
    "",
    "Verifying that all objects can be backed up...",
    "",
    "6 objects will be backed up.",
    "",
    "Backing up objects...",
    "Cloned object 70 to partition sa78backup (new handle 14).",
    "Cloned object 69 to partition sa78backup (new handle 18).",
    "Cloned object 53 to partition sa78backup (new handle 19).",
    "Cloned object 54 to partition sa78backup (new handle 23).",
    "Cloned object 52 to partition sa78backup (new handle 24).",
    "Cloned object 47 to partition sa78backup (new handle 28).",
    "",
    "Backup Complete.",
    "",
    "6 objects have been backed up to partition sa78backup",
    "on slot 2.",
    "",
    "Command Result : No Error",
};

constexpr char kSeedLine[] =
    "partition archive backup -slot 2 -partition sa78backup -domain clientdomain -password "
    "newPa$$w0rd -sopassword backupSOpwd";

TEST(BackupOutput, SuccessfulBackupPrintsTheSeedsTranscript) {
  HSMB_CLAUSE("OUT-TRANSCRIPT", "CLONE-ONE-AT-A-TIME");
  for (PartitionKind kind : {PartitionKind::kPre77, PartitionKind::kV0, PartitionKind::kV1}) {
    SCOPED_TRACE(KindName(kind));
    World w = SeedWorld(kind);
    Runner r(&w);
    r.LoginCo();
    ASSERT_TRUE(Succeeded(r, r.Do(kSeedLine)));
    EXPECT_EQ(r.last(), kSeedTranscript);
  }
}

TEST(BackupOutput, OneAndZeroObjectsUseTheRightNumber) {
  HSMB_CLAUSE("OUT-TRANSCRIPT");
  {
    World w = MakeWorld(MakeUser(PartitionKind::kV0, 1), MakeBackupHsm());
    Runner r(&w);
    r.LoginCo();
    ASSERT_TRUE(Succeeded(r, r.Do(BackupLine())));
    const Lines& l = r.last();
    ASSERT_EQ(l.size(), 21u);
    EXPECT_EQ(Lines(l.begin() + 8, l.end()),
              (Lines{"Verifying that all objects can be backed up...", "",
                     "1 object will be backed up.", "", "Backing up objects...",
                     "Cloned object 100 to partition bk (new handle 1).", "", "Backup Complete.",
                     "", "1 object has been backed up to partition bk", "on slot 2.", "",
                     "Command Result : No Error"}));
  }
  {
    World w = MakeWorld(MakeUser(PartitionKind::kV0, 0), MakeBackupHsm());
    Runner r(&w);
    r.LoginCo();
    ASSERT_TRUE(Succeeded(r, r.Do(BackupLine())));
    const Lines& l = r.last();
    ASSERT_EQ(l.size(), 20u);
    EXPECT_EQ(Lines(l.begin() + 8, l.end()),
              (Lines{"Verifying that all objects can be backed up...", "",
                     "0 objects will be backed up.", "", "Backing up objects...", "",
                     "Backup Complete.", "", "0 objects have been backed up to partition bk",
                     "on slot 2.", "", "Command Result : No Error"}));
  }
}

TEST(BackupOutput, PasswordDevicesNeverMentionThePed) {
  HSMB_CLAUSE("OUT-PED");
  World w = MakeWorld(MakeUser(PartitionKind::kV1), MakeBackupHsm());
  Runner r(&w);
  r.LoginCo();
  ASSERT_TRUE(Succeeded(r, r.Do(BackupLine())));
  ASSERT_TRUE(Succeeded(r, r.Do(BackupLine("-append"))));
  for (const std::string& line : r.all()) EXPECT_NE(line, "Please attend to the PED.");
}

World PedWorld(PartitionKind kind, uint32_t backup_slot = 2) {
  UserPartition u = MakeUser(kind);
  u.auth = AuthMode::kPed;
  u.co_password = Secret();
  u.po_password = Secret();
  BackupHsm h = MakeBackupHsm();
  h.auth = AuthMode::kPed;
  h.so_password = Secret();
  h.ped_domain = Secret(kDomain);
  World w = MakeWorld(std::move(u), std::move(h));
  w.slots[1].id = backup_slot;
  return w;
}

TEST(BackupOutput, PedDevicesAskForThePedBeforeEachPedAction) {
  HSMB_CLAUSE("OUT-PED", "AUTH-SAME-MODE", "OUT-TRANSCRIPT");
  for (PartitionKind kind : {PartitionKind::kPre77, PartitionKind::kV0, PartitionKind::kV1}) {
    SCOPED_TRACE(KindName(kind));
    World w = PedWorld(kind);
    Runner r(&w);
    ASSERT_TRUE(Succeeded(r, r.Do("role login -name co")));
    EXPECT_EQ(r.last(), (Lines{"Please attend to the PED.", "",
                               "Logged in as the Crypto Officer on slot 0.", "",
                               "Command Result : No Error"}));
    ASSERT_TRUE(Succeeded(r, r.Do("partition archive backup -slot 2 -partition bk")));
    EXPECT_EQ(r.last(),
              (Lines{"Logging in as the SO on slot 2.", "", "Please attend to the PED.", "",
                     "Creating partition bk on slot 2.", "", "Please attend to the PED.", "",
                     "Logging into the container bk on slot 2 as the user.", "",
                     "Please attend to the PED.", "",
                     "Creating Domain for the partition bk on slot 2.", "",
                     "Please attend to the PED.", "",
                     "Verifying that all objects can be backed up...", "",
                     "3 objects will be backed up.", "", "Backing up objects...",
                     "Cloned object 100 to partition bk (new handle 1).",
                     "Cloned object 101 to partition bk (new handle 2).",
                     "Cloned object 102 to partition bk (new handle 3).", "", "Backup Complete.",
                     "", "3 objects have been backed up to partition bk", "on slot 2.", "",
                     "Command Result : No Error"}));
    const BackupPartition& p = HsmAt(w).partitions.at(0);
    EXPECT_TRUE(p.password.empty());
    EXPECT_TRUE(p.domain == Secret(kDomain));  // from the red PED key
    // Appending: the SO and the container logins, nothing is created.
    ASSERT_TRUE(Succeeded(r, r.Do("partition archive backup -slot 2 -partition bk -append")));
    EXPECT_EQ(Lines(r.last().begin(), r.last().begin() + 9),
              (Lines{"Logging in as the SO on slot 2.", "", "Please attend to the PED.", "",
                     "Logging into the container bk on slot 2 as the user.", "",
                     "Please attend to the PED.", "",
                     "Verifying that all objects can be backed up..."}));
  }
}

TEST(BackupOutput, SeedsSksExampleOnAPedBackupHsm) {
  HSMB_CLAUSE("OUT-PED", "OUT-TRANSCRIPT", "OPT-SMKONLY-CONFIRM", "OPT-SMKONLY-NAME");
  World w = PedWorld(PartitionKind::kV1, 5);
  UserAt(w).label = "358628973182";
  Runner r(&w);
  ASSERT_TRUE(Succeeded(r, r.Do("role login -name co")));
  ASSERT_TRUE(Succeeded(r, r.Do("partition archive backup -slot 5 -smkonly", {"proceed"})));
  // The seed's container line says 2017 where the others say 2019: a typo
  // there; the emulator uses one name throughout.
  EXPECT_EQ(r.last(),
            (Lines{"You are backing up a SKS partition.",
                   "Only the SKS master key (SMK) will be backed up.",
                   "No other objects will be cloned.", "", "Are you sure you wish to continue?",
                   "", "Type 'proceed' to continue, or 'quit' to quit now ->proceed", "",
                   "Logging in as the SO on slot 5.", "", "Please attend to the PED.", "",
                   "Creating partition 358628973182_2019:03:09-16:52:47 on slot 5.", "",
                   "Please attend to the PED.", "",
                   "Logging into the container 358628973182_2019:03:09-16:52:47 on slot 5 as the "
                   "user.",
                   "", "Please attend to the PED.", "",
                   "Creating Domain for the partition 358628973182_2019:03:09-16:52:47 on slot 5.",
                   "", "Please attend to the PED.", "", "The SMK was cloned successfully.", "",
                   "Command Result : No Error"}));
}

// HasResultShape matches "Command Result : 0x[0-9A-F]{8} (CKR_[A-Z_]+)".
bool HasResultShape(const std::string& line) {
  const std::string head = "Command Result : 0x";
  if (line.rfind(head, 0) != 0 || line.size() < head.size() + 8 + 7) return false;
  for (size_t i = head.size(); i < head.size() + 8; ++i) {
    if (std::string_view("0123456789ABCDEF").find(line[i]) == std::string_view::npos) {
      return false;
    }
  }
  const std::string rest = line.substr(head.size() + 8);
  if (rest.rfind(" (CKR_", 0) != 0 || rest.back() != ')') return false;
  const std::string name = rest.substr(6, rest.size() - 7);
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || c == '_';
  });
}

// ExpectErrorShape checks OUT-ERROR on the last transcript: a message
// paragraph, a blank line, and the result line with the code.
void ExpectErrorShape(const Runner& r, const Result& res) {
  const Lines& l = r.last();
  ASSERT_GE(l.size(), 3u);
  ASSERT_FALSE(res.status.ok());
  EXPECT_EQ(l.back(), "Command Result : " + FormatCkr(res.code()));
  EXPECT_EQ(l.back(), ResultLine(res.code()));
  EXPECT_TRUE(HasResultShape(l.back())) << l.back();
  EXPECT_EQ(l[l.size() - 2], "");
  EXPECT_FALSE(res.status.message().empty());
  EXPECT_EQ(l[l.size() - 3], res.status.message());
  if (l.size() > 3) {
    EXPECT_EQ(l[l.size() - 4], "");  // the message is its own paragraph
  }
}

TEST(BackupOutput, EveryFailureEndsWithAMessageAndTheCode) {
  HSMB_CLAUSE("OUT-ERROR");
  EXPECT_TRUE(HasResultShape("Command Result : 0x8000002A (CKR_HSM_STORAGE_FULL)"));
  EXPECT_FALSE(HasResultShape("Command Result : 0x8000002a (CKR_HSM_STORAGE_FULL)"));
  EXPECT_FALSE(HasResultShape("Command Result : No Error"));
  struct Case {
    std::string line;
    Ckr code;
    std::vector<Fault> faults;
  };
  BackupArgs wrong_so;
  wrong_so.sopassword = "wrong";
  BackupArgs wrong_domain;
  wrong_domain.domain = "wrongdomain";
  const std::vector<Case> cases = {
      {BackupLine("-bogus"), Ckr::kArgumentsBad, {}},
      {BackupLine("-objects 4711"), Ckr::kObjectHandleInvalid, {}},
      {BackupLineFrom(wrong_so), Ckr::kPinIncorrect, {}},
      {BackupLineFrom(wrong_domain), Ckr::kCertificateInvalid, {}},
      {BackupLine(), Ckr::kFailedToCloneAnObject, {VerifyFailFault(101)}},
      {BackupLine(), Ckr::kContainerObjectStorageFull, {PartitionFullFault(2)}},
      {BackupLine(), Ckr::kDeviceError, {ShrinkFailFault()}},
      {"partition archive backup -slot 7 -partition bk", Ckr::kSlotIdInvalid, {}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.line);
    World w = MakeWorld(MakeUser(PartitionKind::kV0), MakeBackupHsm());
    w.faults = c.faults;
    Runner r(&w);
    r.LoginCo();
    Result res = r.Do(c.line);
    EXPECT_EQ(res.code(), c.code) << r.LastText();
    ExpectErrorShape(r, res);
  }
  // Not logged in at all, and a backup HSM that is too small.
  World w = MakeWorld(MakeUser(PartitionKind::kV0), MakeBackupHsm());
  Runner r(&w);
  Result res = r.Do(BackupLine());
  EXPECT_EQ(res.code(), Ckr::kUserNotLoggedIn);
  ExpectErrorShape(r, res);
  EXPECT_EQ(r.last().size(), 3u);  // nothing but the message and the result
  r.LoginCo();
  HsmAt(w).capacity = 10;
  res = r.Do(BackupLine());
  EXPECT_EQ(r.last().back(), "Command Result : 0x8000002A (CKR_HSM_STORAGE_FULL)");
  ExpectErrorShape(r, res);
}

TEST(BackupOutput, DebugOnlyAddsDetailLinesOnFailures) {
  HSMB_CLAUSE("OPT-DEBUG", "OPT-SHORTCUTS");
  struct Case {
    PartitionKind kind;
    std::string extra;
    std::vector<Fault> faults;
    uint64_t capacity;  // 0: the default 1 MiB
    bool detail;        // -debug has something to add
  };
  const std::vector<Case> cases = {
      {PartitionKind::kPre77, "", {}, 0, false},
      {PartitionKind::kV0, "", {}, 0, false},
      {PartitionKind::kV1, "", {}, 0, false},
      {PartitionKind::kPre77, "", {VerifyFailFault(101)}, 0, true},
      {PartitionKind::kV1, "", {VerifyFailFault(101)}, 0, true},
      {PartitionKind::kV0, "", {PartitionFullFault(2)}, 0, false},
      {PartitionKind::kV0, "", {ShrinkFailFault()}, 0, false},
      {PartitionKind::kV0, "-objects 999", {}, 0, false},
      {PartitionKind::kV0, "", {}, 5000, true},  // the sizing precheck
  };
  for (const Case& c : cases) {
    for (const char* flag : {"-debug", "-deb"}) {
      SCOPED_TRACE(std::string(KindName(c.kind)) + " " + flag + " " + c.extra);
      World plain = MakeWorld(MakeUser(c.kind), MakeBackupHsm());
      plain.faults = c.faults;
      if (c.capacity != 0) HsmAt(plain).capacity = c.capacity;
      World debug = plain;
      Runner rp(&plain);
      Runner rd(&debug);
      rp.LoginCo();
      rd.LoginCo();
      Result a = rp.Do(BackupLine(c.extra));
      Result b = rd.Do(BackupLine(c.extra + (c.extra.empty() ? "" : " ") + flag));
      EXPECT_EQ(a.status, b.status);
      EXPECT_EQ(plain, debug);  // -debug never changes what is done
      // It only adds "Debug:" lines (in a paragraph of their own, or inside
      // the failure's paragraph), and only where a failure has detail.
      std::vector<std::string> without_debug;
      const Lines& l = rd.last();
      for (size_t i = 0; i < l.size(); ++i) {
        if (l[i].rfind("Debug: ", 0) != 0) {
          without_debug.push_back(l[i]);
        } else if (!without_debug.empty() && without_debug.back().empty()) {
          without_debug.pop_back();  // its paragraph's blank line
        } else if (without_debug.empty() && i + 1 < l.size() && l[i + 1].empty()) {
          ++i;  // the first paragraph: the blank line follows it
        }
      }
      EXPECT_EQ(rp.last(), without_debug);
      EXPECT_EQ(rd.last().size() > without_debug.size(), c.detail) << rd.LastText();
      for (const std::string& line : rp.last()) EXPECT_NE(line.rfind("Debug: ", 0), 0u);
    }
  }
}

}  // namespace
}  // namespace hsmbackup
