// co-failures-not-reset breaks AUTH-LOCKOUT: a success does not reset the
// CO's failure count, so failures spread over a day add up to a lockout.
#include "helpers.h"
#include "mutant.h"

namespace hsmbackup::mutants {
namespace {

class CoFailuresNotReset final : public ProtocolHook {
 public:
  void Before(World& world, Session& session, std::string&, std::vector<std::string>&) override {
    UserPartition* u = CurrentUser(world, session);
    before_ = u != nullptr ? u->co_lockout.failures : 0;
  }
  void After(World& world, Session& session, const std::string& line, Result& result,
             std::vector<std::string>&) override {
    if (!result.status.ok() || !Is(Parse(line), Verb::kRoleLogin)) return;
    UserPartition* u = CurrentUser(world, session);
    if (u != nullptr) u->co_lockout.failures = before_;
  }

 private:
  uint32_t before_ = 0;
};

}  // namespace

std::unique_ptr<ProtocolHook> MakeCoFailuresNotReset() { return std::make_unique<CoFailuresNotReset>(); }

}  // namespace hsmbackup::mutants
