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

// A generated backup: a world (maybe holding an earlier backup, made by
// the first of `before`), the line under test and what it selects, and
// faults on it.
struct BackupCase {
  World world;
  std::vector<std::string> before;  // lines run first, without faults
  BackupArgs args;
  std::vector<uint32_t> selected;
  size_t count = 0;
  BackupModel model = BackupModel::kBackupHsm7;
};

BackupCase GenBackupCase() {
  BackupCase c;
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
  c.world = MakeWorld(std::move(user), std::move(hsm));
  c.count = count;
  c.model = model;

  // Maybe an earlier backup of a prefix of the objects, without faults.
  World probe = c.world;
  Runner r(&probe);
  r.LoginCo();
  if (*rc::gen::arbitrary<bool>()) {
    const size_t m = *rc::gen::inRange<size_t>(0, count + 1);
    std::vector<uint32_t> first;
    for (size_t i = 0; i < m; ++i) first.push_back(static_cast<uint32_t>(100 + i));
    c.before.push_back(BackupLine(first.empty() ? "" : ObjectsOption(first)));
    r.Do(c.before.back());
  }
  const bool has_bk = !HsmAt(probe).partitions.empty();

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
  c.args = args;
  c.selected = selected;
  return c;
}

// AddFaults puts the generated faults on the backup under test.
void AddFaults(World& w, size_t count) {
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
}

RC_GTEST_PROP(BackupProperty, BackupKeepsItsInvariants, ()) {
  HSMB_CLAUSE("SRC-UNCHANGED", "FULL-REVERT", "SIZE-PRECHECK", "RESIZE-SHRINK", "CLONE-STORE",
              "CLONE-ONE-AT-A-TIME");
  const BackupCase c = GenBackupCase();
  const BackupArgs& args = c.args;
  const std::vector<uint32_t>& selected = c.selected;
  const BackupModel model = c.model;
  World w = c.world;
  Runner r(&w);
  r.LoginCo();
  for (const std::string& line : c.before) r.Do(line);
  AddFaults(w, c.count);

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

// A backup seals up to SessionOptions::seal_ahead objects before landing
// them; that must be unobservable: the same lines, results and world
// (every blob byte, and the RNG's counter, which the next command's nonces
// come from) as sealing each object as it is cloned, whatever stops the
// backup part-way (a refused object, a full partition, a V0 or V1 stop).
RC_GTEST_PROP(BackupProperty, SealingAheadChangesNothing, ()) {
  HSMB_CLAUSE("CLONE-ONE-AT-A-TIME", "CLONE-STOP-V0V1", "CLONE-CONTINUE-PRE77", "FULL-REVERT");
  const BackupCase c = GenBackupCase();
  World faults = c.world;
  AddFaults(faults, c.count);
  const size_t ahead = *rc::gen::inRange<size_t>(2, SessionOptions::kMaxSealAhead + 1);
  auto run = [&](size_t seal_ahead) {
    World w = c.world;
    Runner r(&w, {.seal_ahead = seal_ahead});
    r.LoginCo();
    for (const std::string& line : c.before) r.Do(line);
    w.faults = faults.faults;
    std::vector<Ckr> codes = {r.Do(BackupLineFrom(c.args)).code()};
    w.faults.clear();  // then a command that draws nonces after it
    BackupArgs next;
    next.partition = "bk3";
    codes.push_back(r.Do(BackupLineFrom(next)).code());
    return std::make_tuple(w, r.all(), codes);
  };
  const auto [one_world, one_lines, one_codes] = run(1);
  const auto [ahead_world, ahead_lines, ahead_codes] = run(ahead);
  RC_TAG(std::string(CkrName(one_codes.front())));
  RC_ASSERT(ahead_codes == one_codes);
  RC_ASSERT(ahead_lines == one_lines);
  RC_ASSERT(ahead_world.rng == one_world.rng);
  RC_ASSERT(ahead_world == one_world);
}

}  // namespace
}  // namespace hsmbackup
