// no-so-lockout breaks AUTH-LOCKOUT: bad HSM SO logins on a backup HSM are
// never counted across commands, so the third one does not zeroize it and
// the password can be guessed forever. A real implementation gets this
// wrong by keeping the failure count in the session instead of on the
// device.
//
// Built by clearing every backup HSM's SO failure count before each command.
#include "helpers.h"
#include "mutant.h"

namespace hsmbackup::mutants {
namespace {

class NoSoLockout final : public ProtocolHook {
 public:
  void Before(World& world, Session&, std::string&, std::vector<std::string>&) override {
    for (Slot& s : world.slots) {
      if (s.backup) s.backup->so_lockout.failures = 0;
    }
  }
};

}  // namespace

std::unique_ptr<ProtocolHook> MakeNoSoLockout() { return std::make_unique<NoSoLockout>(); }

}  // namespace hsmbackup::mutants
