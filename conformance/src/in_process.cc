// The in-process adapter: the reference's protocol server, linked, with no
// transport between. It exercises the same request/response mapping as
// `hsmbackup serve`.
#include "conformance/target.h"
#include "hsmbackup/protocol.h"

namespace hsmbackup::conformance {
namespace {

class InProcessTarget final : public Target {
 protected:
  std::optional<std::string> Exchange(const std::string& request, TargetError*) override {
    return server_.Handle(request);
  }

 private:
  ProtocolServer server_;
};

}  // namespace

std::unique_ptr<Target> MakeInProcessTarget() { return std::make_unique<InProcessTarget>(); }

}  // namespace hsmbackup::conformance
