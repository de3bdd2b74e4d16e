// objects-on-old-client breaks OPT-OBJECTS-CLIENT: -objects is accepted on
// a Luna HSM Client older than 10.3.0, which does not know the option. A
// real implementation (an emulator, or an adapter in front of a newer
// client) gets this wrong by never checking which client it pretends to be.
//
// Built by presenting the engine with client 10.3.0 for the one command.
#include "helpers.h"
#include "mutant.h"

namespace hsmbackup::mutants {
namespace {

constexpr Version kFirstWithObjects{10, 3, 0};

class ObjectsOnOldClient final : public ProtocolHook {
 public:
  void Before(World& world, Session&, std::string& line, std::vector<std::string>&) override {
    std::optional<Command> c = Parse(line);
    saved_.reset();
    if (c && c->objects && world.client < kFirstWithObjects) {
      saved_ = world.client;
      world.client = kFirstWithObjects;
    }
  }
  void After(World& world, Session&, const std::string&, Result&,
             std::vector<std::string>&) override {
    if (saved_) world.client = *saved_;
    saved_.reset();
  }

 private:
  std::optional<Version> saved_;
};

}  // namespace

std::unique_ptr<ProtocolHook> MakeObjectsOnOldClient() {
  return std::make_unique<ObjectsOnOldClient>();
}

}  // namespace hsmbackup::mutants
