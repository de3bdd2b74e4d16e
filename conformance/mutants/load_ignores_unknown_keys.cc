// load-ignores-unknown-keys breaks PROJ-WORLD-UNCHANGED-ON-BAD-INPUT: `load`
// drops the keys it does not know instead of refusing the world, so a typo
// ("lable") silently loads a world other than the one written. A real
// implementation gets this wrong by using its JSON library's lenient
// mapping, which skips unknown fields by default.
//
// Built by asking the reference's own reader which key it refuses as
// unknown and erasing that key, until the reader names none.
#include <string>

#include "hsmbackup/world_io.h"
#include "mutant.h"

namespace hsmbackup::mutants {
namespace {

constexpr std::string_view kUnknown = ": unknown key";

class LoadIgnoresUnknownKeys final : public ProtocolHook {
 public:
  void BeforeLoad(nlohmann::json& world) override {
    for (int i = 0; i < 64; ++i) {
      StatusOr<World> w = ParseWorld(world.dump(), "");
      if (w.ok()) return;
      // "<origin>: /a/b/key: unknown key" names the key by JSON pointer.
      const std::string& m = w.status().message();
      const size_t end = m.rfind(kUnknown);
      const size_t begin = m.find('/');
      if (end == std::string::npos || begin == std::string::npos || begin > end) return;
      const nlohmann::json::json_pointer key(m.substr(begin, end - begin));
      if (!world.contains(key)) return;
      world[key.parent_pointer()].erase(key.back());
    }
  }
};

}  // namespace

std::unique_ptr<ProtocolHook> MakeLoadIgnoresUnknownKeys() {
  return std::make_unique<LoadIgnoresUnknownKeys>();
}

}  // namespace hsmbackup::mutants
