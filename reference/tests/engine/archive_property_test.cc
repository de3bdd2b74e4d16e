// A RapidCheck sequence property over the archive family: random backup,
// append, replace, restore, delete, list and contents commands (and bad
// arguments) on a small world, with the invariants checked after each step.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <set>
#include <utility>
#include <string>
#include <vector>

#include "support/test_support.h"
#include "support/worlds.h"

namespace hsmbackup {
namespace {

using namespace hsmbackup::testing;  // NOLINT(build/namespaces)

constexpr size_t kSourceObjects = 4;
const std::vector<std::string> kNames = {"a", "b", "c"};
const std::vector<std::string> kPasswords = {"passwordA1", "passwordB2"};

// Lines that must fail with CKR_ARGUMENTS_BAD and change nothing.
std::vector<std::string> BadLines() {
  const std::string creds =
      std::string(" -password passwordA1 -sopassword ") + kSoPassword + " -domain " + kDomain;
  return {
      "partition archive backup -slot 2 -partition a -objects 3,,4" + creds,
      "partition archive backup -slot 2 -partition " + std::string(33, 'n') + creds,
      "partition archive backup -slot 2 -partition a -defaultdomain" + creds,
      "partition archive backup -slot 2 -partition a -bogus" + creds,
      "partition archive backup -slot 2 -partition a -smkonly" + creds,
      // (a new partition without a domain now asks for it: the sizing
      // precheck may refuse it first, so it is no longer one of these)
      "partition archive backup -slot 2 -partition a -objects 1.5" + creds,
      "partition archive restore -slot 2 -password passwordA1",
      "partition archive delete -slot 2 -sopassword " + std::string(kSoPassword),
      "partition archive list -slot 2",  // its SO password is asked: no answer
      "partition archive contents -slot 2 -password passwordA1",  // no -partition
  };
}

uint64_t SumAllocated(const BackupHsm& hsm) {
  uint64_t sum = 0;
  for (const BackupPartition& p : hsm.partitions) sum += p.allocated;
  return sum;
}

BackupHsm WithoutLockouts(BackupHsm hsm) {
  hsm.so_lockout = Lockout{};
  for (BackupPartition& p : hsm.partitions) p.user_lockout = Lockout{};
  return hsm;
}

bool HandlesUnique(const BackupHsm& hsm) {
  std::set<uint32_t> seen;
  for (const BackupPartition& p : hsm.partitions) {
    for (const BackupObject& o : p.objects) {
      if (!seen.insert(o.object.handle).second) return false;
    }
  }
  return true;
}

std::string ObjectsOption(const UserPartition& src) {
  // Every object (no option, or `all`), or a random subset in random order,
  // sometimes naming a handle the source does not have.
  const int form = *rc::gen::inRange(0, 4);
  if (form == 0 || src.objects.empty()) return "";
  if (form == 1) return " -objects all";
  std::vector<uint32_t> handles;
  for (const Object& o : src.objects) {
    if (*rc::gen::arbitrary<bool>()) handles.push_back(o.handle);
  }
  if (handles.empty()) handles.push_back(src.objects.front().handle);
  for (size_t i = handles.size(); i > 1; --i) {
    std::swap(handles[i - 1], handles[*rc::gen::inRange<size_t>(0, i)]);
  }
  if (*rc::gen::inRange(0, 8) == 0) handles.push_back(999);  // not on the source
  std::string list;
  for (uint32_t h : handles) list += (list.empty() ? "" : ",") + std::to_string(h);
  return " -objects " + list;
}

RC_GTEST_PROP(ArchiveProperty, RandomCommandSequencesKeepTheInvariants, ()) {
  HSMB_CLAUSE("SRC-UNCHANGED", "SIZE-PRECHECK", "OPT-APPEND", "OPT-REPLACE", "OPT-EXISTS",
              "RESTORE-TARGET-EXISTS", "ARCHIVE-DELETE", "ARCHIVE-LIST", "OUT-ERROR");
  const PartitionKind kind =
      *rc::gen::element(PartitionKind::kPre77, PartitionKind::kV0, PartitionKind::kV1);
  BackupHsm hsm = MakeBackupHsm();
  // Room for about two full backups, so sizing refusals happen.
  hsm.capacity = 2 * (kPartitionOverheadBytes + kSourceObjects * 256) + 600;
  World w = MakeWorld(MakeUser(kind, kSourceObjects), hsm);
  AddUserSlot(w, 1, MakeUser(kind, 0, "target"));
  Runner src(&w);
  src.LoginCo();
  Runner dst(&w);
  RC_ASSERT(dst.Do("slot set -slot 1").status.ok());
  dst.LoginCo();
  const std::vector<std::string> bad = BadLines();
  uint32_t next_new_handle = 200;
  bool storage_full = false, appended = false, replaced = false, restored = false,
       deleted = false;

  const int steps = *rc::gen::inRange(1, 31);
  for (int step = 0; step < steps; ++step) {
    const int op = *rc::gen::inRange(0, 8);
    if (op == 7) {  // the source changes between backups (not a command)
      UserPartition& s = *w.FindSlot(0)->user;
      if (*rc::gen::arbitrary<bool>() && !s.objects.empty()) {
        const size_t i = *rc::gen::inRange<size_t>(0, s.objects.size());
        s.objects[i].attributes.Set("CKA_STEP", std::to_string(step));
      } else {
        s.objects.push_back(MakeObject(next_new_handle++));
      }
      continue;
    }
    const World before = w;
    const std::string name = *rc::gen::elementOf(kNames);
    const std::string password = *rc::gen::elementOf(kPasswords);
    Runner* runner = &src;
    std::string line;
    std::vector<std::string> answers;
    switch (op) {
      case 0:
      case 1: {  // backup, -append, -replace or both
        // -replace asks before it deletes (OPT-REPLACE-CONFIRM): -force answers.
        static const char* const kModes[] = {"", " -append", " -replace -force",
                                             " -append -replace -force"};
        line = "partition archive backup -slot 2 -partition " + name + " -domain " + kDomain +
               " -password " + password + " -sopassword " + kSoPassword +
               kModes[*rc::gen::inRange(0, 4)] + ObjectsOption(*w.FindSlot(0)->user);
        break;
      }
      case 2:  // restore into slot 1
        runner = &dst;
        line = "partition archive restore -slot 2 -partition " + name + " -password " + password +
               (*rc::gen::arbitrary<bool>() ? " -replace" : "");
        break;
      case 3:
        line = "partition archive delete -slot 2 -partition " + name + " -sopassword " +
               kSoPassword;
        if (*rc::gen::arbitrary<bool>()) {
          line += " -force";
        } else {
          answers.push_back(*rc::gen::elementOf(std::vector<std::string>{"proceed", "quit"}));
        }
        break;
      case 4:
        line = std::string("partition archive list -slot 2 -sopassword ") + kSoPassword;
        break;
      case 5:
        line = "partition archive contents -slot 2 -partition " + name + " -password " + password;
        break;
      default:
        line = *rc::gen::elementOf(bad);
        break;
    }
    const Result res = runner->Do(line, answers);
    storage_full |= res.code() == Ckr::kHsmStorageFull;
    appended |= res.status.ok() && line.find(" -append") != std::string::npos;
    replaced |= res.status.ok() && line.find(" -replace") != std::string::npos && op < 2;
    restored |= res.status.ok() && op == 2;
    deleted |= res.status.ok() && op == 3;
    RC_LOG() << "step " << step << ": " << line << " -> " << FormatCkr(res.code()) << "\n";

    const BackupHsm& now = *w.FindSlot(2)->backup;
    // OUT-ERROR / OUT-TRANSCRIPT: the last line is the result.
    RC_ASSERT(!runner->last().empty());
    RC_ASSERT(runner->last().back() == ResultLine(res.code()));
    // SRC-UNCHANGED: only restore writes to a user partition, and only to
    // the current one (slot 1).
    RC_ASSERT(*w.FindSlot(0)->user == *before.FindSlot(0)->user);
    // Restore reads the backup: only the login counters may move.
    if (op == 2) RC_ASSERT(WithoutLockouts(now) == WithoutLockouts(*before.FindSlot(2)->backup));
    if (op != 2) RC_ASSERT(*w.FindSlot(1)->user == *before.FindSlot(1)->user);
    // Sizing never over-commits the backup HSM.
    RC_ASSERT(SumAllocated(now) <= now.capacity);
    for (const BackupPartition& p : now.partitions) RC_ASSERT(p.used(now.model) <= p.allocated);
    // No backup object handle is used twice on the device.
    RC_ASSERT(HandlesUnique(now));
    // Names stay unique.
    std::set<std::string> names;
    for (const BackupPartition& p : now.partitions) RC_ASSERT(names.insert(p.name).second);
    // A bad-arguments failure changed nothing.
    if (res.code() == Ckr::kArgumentsBad) RC_ASSERT(w == before);
    if (op == 6) RC_ASSERT(res.code() == Ckr::kArgumentsBad);
    // Listing and viewing never change partitions.
    // (a wrong password still counts towards the lockout).
    if (op == 4 || op == 5) {
      RC_ASSERT(WithoutLockouts(now) == WithoutLockouts(*before.FindSlot(2)->backup));
    }
    // A successful delete removes exactly that partition.
    if (op == 3 && res.status.ok()) {
      RC_ASSERT(now.partitions.size() + 1 == before.FindSlot(2)->backup->partitions.size());
    }
  }
  RC_CLASSIFY(storage_full, "storage full");
  RC_CLASSIFY(appended, "appended");
  RC_CLASSIFY(replaced, "replaced");
  RC_CLASSIFY(restored, "restored");
  RC_CLASSIFY(deleted, "deleted");
}

}  // namespace
}  // namespace hsmbackup
