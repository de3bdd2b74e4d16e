// partition archive list, contents and delete. The model judges every
// field a listing must show (model/text.cc) and what a delete frees
// (model/family.cc); these checks build backup HSMs with several backups.
#include "checks/families.h"
#include "checks/gen.h"
#include "checks/harness.h"

namespace hsmbackup::conformance {
namespace {

rc::Gen<Scenario> AdminScenario(const std::string& verb, bool v1) {
  return rc::gen::exec([verb, v1] {
    gen::UserSpec u = *gen::User(v1 ? std::string("v1") : *gen::AnyKind(false));
    for (size_t i = 0; i < u.objects.size(); ++i) u.objects[i].label = "obj-" + std::to_string(i);
    gen::HsmSpec h = *gen::Hsm(*gen::AnyModel());
    const int n = *rc::gen::inRange(verb == "delete" ? 1 : 0, 4);
    std::vector<std::string> pws;
    for (int i = 0; i < n; ++i) {
      pws.push_back(*gen::Secret("bk-"));
      h.partitions.push_back(
          gen::StoredPartition("old" + std::to_string(i), u, u.kind, pws.back(),
                               gen::Renumbered(*gen::Objects(0, 3), 4000 + 10 * i)));
    }
    const std::string pw = *gen::Secret("pw-");
    Scenario s{gen::WorldOf(u, h).ToJson(), {gen::Login(u)}, {}};
    if (verb != "delete" || *rc::gen::arbitrary<bool>()) {
      s.lines.push_back(gen::BackupOf(u, h, "bk", pw).Line());
      pws.push_back(pw);
    }
    const bool right = *rc::gen::weightedElement<bool>({{4, true}, {1, false}});
    if (verb == "list") {
      s.lines.push_back(right ? gen::List(h) : "partition archive list -slot 2 -sopassword bad-so");
    } else if (verb == "contents") {
      s.lines.push_back(gen::Contents(h, "bk", right ? pw : "bad-pw"));
    } else {
      const size_t k = *rc::gen::inRange<size_t>(0, pws.size());
      const std::string name = k < static_cast<size_t>(n) ? "old" + std::to_string(k) : "bk";
      gen::HsmSpec so = h;
      if (!right) so.so_password = "bad-so";
      const bool force = *rc::gen::arbitrary<bool>();
      s.lines.push_back(gen::Delete(so, name, force));
      if (!force) s.answers = {*rc::gen::element<std::string>("proceed", "quit", "y", "no")};
      s.lines.push_back(gen::List(h));
    }
    return s;
  });
}

}  // namespace

// clang-format off: one check per two lines reads as a table.
std::vector<Check> ArchiveAdminChecks() {
  return {
      {"RestoreFamily", "ArchiveList", {"ARCHIVE-LIST"}, {}, 20,
       [](CheckContext& c) { return ForAll(c, AdminScenario("list", false)); }},
      {"RestoreFamily", "ArchiveContents", {"ARCHIVE-CONTENTS"}, {}, 20,
       [](CheckContext& c) { return ForAll(c, AdminScenario("contents", false)); }},
      {"RestoreFamily", "ArchiveContentsV1", {"ARCHIVE-CONTENTS", "CLONE-OPAQUE-V1"}, {"smkonly"}, 20,
       [](CheckContext& c) { return ForAll(c, AdminScenario("contents", true)); }},
      {"RestoreFamily", "ArchiveDelete", {"ARCHIVE-DELETE"}, {}, 25,
       [](CheckContext& c) { return ForAll(c, AdminScenario("delete", false)); }},
  };
}
// clang-format on

}  // namespace hsmbackup::conformance
