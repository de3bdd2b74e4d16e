// A target is judged only on what it declares: no check gives a target a
// world that needs a `hello` capability it lacks (PROTOCOL.md). A vendor's
// target without V1 support once got V1 sources from the fault sequences
// and failed CLONE-STORE for it; a vendor's product without pre-7.7
// partitions or Backup HSM G5s had 62 clauses in error, its worlds refused.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "conformance/check.h"
#include "conformance/scenario.h"
#include "conformance/target.h"

namespace hsmbackup::conformance {
namespace {

// The kinds and models a subset product may lack (PROTOCOL.md `hello`): it
// lacks one by listing the others of its family.
const std::vector<std::string> kFamilies[] = {
    {"kind.pre77", "kind.v0", "kind.v1"}, {"model.backup_hsm_7", "model.backup_hsm_g5"}};

// Lacking wraps the reference, hides one capability from its `hello` (a
// kind or model by listing the rest of its family), and records every
// world it loaded (not refused) that needs it.
class Lacking final : public Target {
 public:
  explicit Lacking(std::string capability)
      : inner_(MakeInProcessTarget()), capability_(std::move(capability)) {}
  const std::set<std::string>& violations() const { return violations_; }

 protected:
  std::optional<std::string> Exchange(const std::string& request, TargetError* error) override {
    std::optional<std::string> response = inner_->Raw(request, error);
    // Only loads and the handshake matter; parsing every request made this
    // the slowest test under ASan.
    if (!response || (request.find("\"load\"") == std::string::npos &&
                      request.find("\"hello\"") == std::string::npos)) {
      return response;
    }
    const Json r = ParseJson(request);
    // A bad world the target refuses is judged on its refusal alone
    // (WorldLoad), whatever it holds; one it takes must be within its means.
    if (response && r.value("op", "") == "load" && ParseJson(*response).value("ok", false) &&
        NeededCapabilities(r["world"]).count(capability_)) {
      violations_.insert(r["world"].dump().substr(0, 400));
    }
    if (r.value("op", "") != "hello") return response;
    Json hello = ParseJson(*response);
    Json kept = Json::array();
    for (const Json& c : hello["capabilities"]) {
      if (c != capability_) kept.push_back(c);
    }
    for (const std::vector<std::string>& family : kFamilies) {
      if (std::find(family.begin(), family.end(), capability_) == family.end()) continue;
      for (const std::string& c : family) {
        if (c != capability_) kept.push_back(c);
      }
    }
    hello["capabilities"] = kept;
    return hello.dump();
  }

 private:
  std::unique_ptr<Target> inner_;
  std::string capability_;
  std::set<std::string> violations_;
};

// One case per capability, so a sharded run (cmake/Tests.cmake) spreads them.
class Capabilities : public ::testing::TestWithParam<const char*> {};

TEST_P(Capabilities, NoCheckGivesATargetAWorldThatNeedsACapabilityItLacks) {
  const char* capability = GetParam();
  for (const Check& check : AllChecks(HSMB_BUILD_DATA_DIR)) {
    if (std::count(check.capabilities.begin(), check.capabilities.end(), capability)) continue;
    Lacking target(capability);
    TargetError error;
    const std::optional<Hello> hello = target.Handshake(&error);
    ASSERT_TRUE(hello) << error.message;
    ASSERT_FALSE(hello->Has(capability));
    CheckContext ctx{&target, *hello, 1, 3};
    const CheckResult result = check.run(ctx);
    EXPECT_NE(result.status, CheckStatus::kError) << check.id() << ": " << result.message;
    for (const std::string& world : target.violations()) {
      ADD_FAILURE() << check.id() << " gave a target without '" << capability << "' the world "
                    << world << "...";
    }
  }
}

INSTANTIATE_TEST_SUITE_P(EachCapability, Capabilities,
                         ::testing::Values("smkonly", "ped", "fault.verify_fail",
                                           "fault.partition_full", "fault.shrink_fail",
                                           "appliance", "usb", "kind.pre77", "kind.v0",
                                           "kind.v1", "model.backup_hsm_7",
                                           "model.backup_hsm_g5"),
                         [](const ::testing::TestParamInfo<const char*>& param) {
                           std::string name;
                           for (const char* c = param.param; *c; ++c) {
                             name += std::isalnum(static_cast<unsigned char>(*c)) ? *c : '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace hsmbackup::conformance
