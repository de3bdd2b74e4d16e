// Backup path: invariants over random worlds (RapidCheck).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "support/test_support.h"
#include "support/worlds.h"

namespace hsmbackup {
namespace {

using namespace hsmbackup::testing;  // NOLINT(build/namespaces)

enum class Mode { kNew, kAppend, kReplace, kAppendReplace };

std::string ObjectsOption(const std::vector<uint32_t>& handles) {
  std::string list;
  for (uint32_t h : handles) list += (list.empty() ? "" : ",") + std::to_string(h);
  return "-objects " + list;
}

RC_GTEST_PROP(BackupProperty, BackupKeepsItsInvariants, ()) {
  HSMB_CLAUSE("SRC-UNCHANGED", "FULL-REVERT", "SIZE-PRECHECK", "RESIZE-SHRINK", "CLONE-STORE",
              "CLONE-ONE-AT-A-TIME");
  const auto kind = *rc::gen::element(PartitionKind::kPre77, PartitionKind::kV0,
                                      PartitionKind::kV1);
  const auto model = *rc::gen::element(BackupModel::kBackupHsm7, BackupModel::kBackupHsmG5);
  const size_t count = *rc::gen::inRange<size_t>(0, 21);
  UserPartition user = MakeUser(kind, 0);
  uint64_t total = 0;
  for (size_t i = 0; i < count; ++i) {
    const auto cls = *rc::gen::element(ObjectClass::kData, ObjectClass::kCertificate,
                                       ObjectClass::kPublicKey, ObjectClass::kPrivateKey,
                                       ObjectClass::kSecretKey);
    const size_t size = *rc::gen::inRange<size_t>(1, 65);
    user.objects.push_back(MakeObject(static_cast<uint32_t>(100 + i), cls, size));
    total += size;
  }
  BackupHsm hsm = MakeBackupHsm(model);
  // Room for one to three partitions and some of the objects: the
  // precheck mostly passes, and sometimes by a few bytes only.
  hsm.capacity = *rc::gen::inRange<uint64_t>(1, 4) * kPartitionOverheadBytes +
                 *rc::gen::inRange<uint64_t>(0, total + total / 2 + 64);
  World w = MakeWorld(std::move(user), std::move(hsm));
  Runner r(&w);
  r.LoginCo();

  // Maybe an earlier backup of a prefix of the objects, without faults.
  const bool existing = *rc::gen::arbitrary<bool>();
  if (existing) {
    const size_t m = *rc::gen::inRange<size_t>(0, count + 1);
    std::vector<uint32_t> first;
    for (size_t i = 0; i < m; ++i) first.push_back(static_cast<uint32_t>(100 + i));
    r.Do(BackupLine(first.empty() ? "" : ObjectsOption(first)));
  }
  const bool has_bk = !HsmAt(w).partitions.empty();

  // The backup under test.
  Mode mode = Mode::kNew;
  if (has_bk) {
    mode = *rc::gen::element(Mode::kNew, Mode::kAppend, Mode::kReplace, Mode::kAppendReplace);
  }
  BackupArgs args;
  args.partition = mode == Mode::kNew ? "bk2" : "bk";
  if (*rc::gen::weightedElement<bool>({{1, true}, {9, false}})) args.domain = "otherdomain";
  std::vector<std::string> extra;
  if (mode == Mode::kAppend || mode == Mode::kAppendReplace) extra.push_back("-append");
  if (mode == Mode::kReplace || mode == Mode::kAppendReplace) {
    extra.push_back("-replace -force");  // no proceed/quit question (OPT-REPLACE-CONFIRM)
  }
  std::vector<uint32_t> selected;
  for (size_t i = 0; i < count; ++i) selected.push_back(static_cast<uint32_t>(100 + i));
  if (count > 0 && *rc::gen::arbitrary<bool>()) {
    std::vector<uint32_t> pick = *rc::gen::unique<std::vector<uint32_t>>(
        rc::gen::inRange<uint32_t>(100, static_cast<uint32_t>(100 + count)));
    if (!pick.empty()) {
      selected = pick;
      extra.push_back(ObjectsOption(pick));
    }
  }
  for (const std::string& e : extra) args.extra += (args.extra.empty() ? "" : " ") + e;

  if (*rc::gen::arbitrary<bool>()) {
    w.faults.push_back(
        PartitionFullFault(*rc::gen::inRange<uint32_t>(1, static_cast<uint32_t>(count + 2))));
  }
  if (count > 0 && *rc::gen::arbitrary<bool>()) {
    w.faults.push_back(VerifyFailFault(
        *rc::gen::inRange<uint32_t>(100, static_cast<uint32_t>(100 + count))));
  }
  if (*rc::gen::weightedElement<bool>({{1, true}, {3, false}})) {
    w.faults.push_back(ShrinkFailFault());
  }

  const UserPartition source = UserAt(w);
  const BackupHsm snapshot = HsmAt(w);
  const Result res = r.Do(BackupLineFrom(args));
  const BackupHsm& after = HsmAt(w);

  RC_TAG(std::string(CkrName(res.code())));
  RC_ASSERT(UserAt(w) == source);
  RC_ASSERT(SumAllocated(after) <= after.capacity);
  std::set<uint32_t> handles;
  for (const BackupPartition& p : after.partitions) {
    RC_ASSERT(p.allocated >= p.used(after.model));
    std::set<Ouid> ouids;
    for (const BackupObject& o : p.objects) {
      RC_ASSERT(handles.insert(o.object.handle).second);  // unique on the device
      RC_ASSERT(ouids.insert(o.object.ouid).second);      // unique in the partition
      RC_ASSERT(o.opaque() == (p.origin == PartitionKind::kV1));
    }
  }
  RC_ASSERT(r.last().back() == ResultLine(res.code()));

  if (res.status.ok()) {
    const BackupPartition* part = nullptr;
    for (const BackupPartition& p : after.partitions) {
      if (p.name == args.partition) part = &p;
    }
    RC_ASSERT(part != nullptr);
    std::map<Ouid, int> seen;
    for (const BackupObject& o : part->objects) ++seen[o.object.ouid];
    for (uint32_t h : selected) {
      RC_ASSERT(seen[source.objects.at(h - 100).ouid] == 1);
    }
    if (model == BackupModel::kBackupHsm7) RC_ASSERT(part->allocated == part->used(model));
  }
  if (res.code() == Ckr::kContainerObjectStorageFull || res.code() == Ckr::kHsmStorageFull) {
    RC_ASSERT(after == snapshot);
  }
  if (res.code() == Ckr::kHsmStorageFull) {
    RC_ASSERT(r.LastText().find("Logging in as the SO") == std::string::npos);
  }
}

}  // namespace
}  // namespace hsmbackup
