// V1 backups already on the backup HSM when the world is loaded, sealed by
// the suite itself (model/seal.h) rather than made by a backup earlier in
// the scenario: restore, contents, list and delete of them. The model opens
// them with their domain, so every expectation (codes, each restored
// object's class and fingerprint) comes from the model, charged to its own
// clause; these checks add no judge of their own.
#include "checks/families.h"
#include "checks/gen.h"
#include "checks/harness.h"

namespace hsmbackup::conformance {
namespace {

// StoredV1Scenario: a V1 backup of `u` (0..4 objects) stored as "bk"; a V1
// partition at slot 0 with, mostly, the same domain and SMK (else another),
// some objects of its own and sometimes one with a stored OUID; then
// `verb` on the backup (a restore sometimes with -objects, -replace).
rc::Gen<Scenario> StoredV1Scenario(const std::string& verb) {
  return rc::gen::exec([verb] {
    const gen::UserSpec src = *gen::User("v1");
    gen::UserSpec t = *gen::User("v1");
    if (*rc::gen::weightedElement<bool>({{3, true}, {1, false}})) t.smk = src.smk;
    if (*rc::gen::weightedElement<bool>({{3, true}, {1, false}})) t.domain = src.domain;
    const std::vector<gen::ObjSpec> stored = gen::Renumbered(*gen::Objects(0, 4), 7000);
    if (!stored.empty() && *rc::gen::weightedElement<bool>({{1, true}, {3, false}})) {
      t.objects.back().ouid = (*rc::gen::elementOf(stored)).ouid;  // PROJ-RESTORE-SAME-OUID
    }
    gen::HsmSpec h = *gen::Hsm(*gen::AnyModel());
    const std::string pw = *gen::Secret("bk-");
    h.partitions.push_back(gen::StoredPartition("bk", src, "v1", pw, stored));
    gen::WorldSpec w = gen::WorldOf(t, h);
    // Only a restore is judged with a fault (its check declares the
    // capability); contents, list and delete never read a blob.
    if (verb == "restore" && !stored.empty() &&
        *rc::gen::weightedElement<bool>({{1, true}, {3, false}})) {
      w.faults.push_back({{"type", "verify_fail"}, {"handle", (*rc::gen::elementOf(stored)).handle}});
    }
    std::string line;
    if (verb == "restore") {
      line = gen::Restore(h, "bk", pw,
                          *gen::ObjectsOption(stored) +
                              *rc::gen::element<std::string>("", " -replace"));
    } else if (verb == "contents") {
      line = gen::Contents(h, "bk", pw);
    } else if (verb == "list") {
      line = gen::List(h);
    } else {
      line = gen::Delete(h, "bk");
    }
    return Scenario{w.ToJson(), {gen::Login(t), line}, {}};
  });
}

}  // namespace

std::vector<Check> StoredV1Checks() {
  return {
      {"StoredV1", "Restore",
       {"RESTORE-ROUNDTRIP", "RESTORE-RULES", "DOM-ERROR-CODE", "OPT-OBJECTS-INVALID"},
       {"smkonly", "fault.verify_fail"}, 25,
       [](CheckContext& c) { return ForAll(c, StoredV1Scenario("restore")); }},
      {"StoredV1", "Contents", {"ARCHIVE-CONTENTS", "CLONE-OPAQUE-V1"}, {"smkonly"}, 15,
       [](CheckContext& c) { return ForAll(c, StoredV1Scenario("contents")); }},
      {"StoredV1", "ListAndDelete", {"ARCHIVE-LIST", "ARCHIVE-DELETE"}, {"smkonly"}, 15,
       [](CheckContext& c) {
         return ForAll(c, rc::gen::oneOf(StoredV1Scenario("list"), StoredV1Scenario("delete")));
       }},
  };
}

}  // namespace hsmbackup::conformance
