// contents-shows-v1-class breaks ARCHIVE-CONTENTS: partition archive
// contents shows a V1 blob's object type and size, which the backup HSM
// cannot know from an opaque SKS blob. A real implementation gets this
// wrong by keeping a plaintext index of what it backed up (looked up here
// by OUID in the source partition).
//
// Built after the fact on the transcript of a successful contents command.
#include "helpers.h"
#include "mutant.h"

namespace hsmbackup::mutants {
namespace {

constexpr std::string_view kOpaqueType = "Object Type:     SKS blob (opaque, sealed under the SMK)";
constexpr std::string_view kUidKey = "Object UID:      ";

const Object* FindByOuidHex(const World& world, std::string_view hex) {
  std::optional<Ouid> ouid = Ouid::FromHex(hex);
  if (!ouid) return nullptr;
  for (const Slot& s : world.slots) {
    if (!s.user) continue;
    for (const Object& o : s.user->objects) {
      if (o.ouid == *ouid) return &o;
    }
  }
  return nullptr;
}

class ContentsShowsV1Class final : public ProtocolHook {
 public:
  void After(World& world, Session&, const std::string& line, Result& result,
             std::vector<std::string>& transcript) override {
    if (!result.status.ok() || !Is(Parse(line), Verb::kArchiveContents)) return;
    std::vector<std::string> out;
    std::string ouid;
    for (std::string& l : transcript) {
      if (l.rfind(kUidKey, 0) == 0) ouid = l.substr(kUidKey.size());
      const Object* o = l == kOpaqueType ? FindByOuidHex(world, ouid) : nullptr;
      if (o == nullptr) {
        out.push_back(std::move(l));
        continue;
      }
      out.push_back("Object Type:     " + std::string(ClassName(o->object_class)));
      out.push_back("Size:            " + std::to_string(o->value.size()));
    }
    transcript = std::move(out);
  }
};

}  // namespace

std::unique_ptr<ProtocolHook> MakeContentsShowsV1Class() {
  return std::make_unique<ContentsShowsV1Class>();
}

}  // namespace hsmbackup::mutants
