// No check gives a target a world that breaks the world format's
// uniqueness rules (WORLD-FORMAT.md). A vendor's target that failed a check
// saw its shrunk world hold two backup objects with the same OUID (the
// generator's two object lists each shrank an OUID to zero), refused it as
// it must, and was told it had "refused a valid world".
#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>

#include "checks/harness.h"
#include "conformance/check.h"
#include "conformance/scenario.h"
#include "conformance/target.h"
#include "judge_support.h"

namespace hsmbackup::conformance {
namespace {

Json Obj(uint32_t handle, const std::string& ouid) { return {{"handle", handle}, {"ouid", ouid}}; }

Json WorldWith(Json user_objects, Json partitions) {
  return {{"slots",
           {{{"id", 0}, {"user_partition", {{"objects", std::move(user_objects)}}}},
            {{"id", 2}, {"backup_hsm", {{"partitions", std::move(partitions)}}}}}}};
}

TEST(WorldUniqueness, EachRuleIsNamed) {
  const Json a = Obj(1, "0a"), b = Obj(2, "0b");
  EXPECT_EQ(BrokenUniqueness(WorldWith({a, b}, {{{"name", "bk"}, {"objects", {a, b}}}})),
            std::nullopt);
  EXPECT_EQ(BrokenUniqueness(WorldWith({a, Obj(1, "0c")}, Json::array())),
            "user partition on slot 0: handle 1 appears twice");
  EXPECT_EQ(BrokenUniqueness(WorldWith({a, Obj(3, "0A")}, Json::array())),
            "user partition on slot 0: ouid 0a appears twice");
  EXPECT_EQ(BrokenUniqueness(WorldWith(Json::array(), {{{"name", "bk"}}, {{"name", "bk"}}})),
            "backup HSM on slot 2: partition name bk appears twice");
  EXPECT_EQ(BrokenUniqueness(WorldWith(Json::array(), {{{"name", "bk"}, {"objects", {a, b}}},
                                                       {{"name", "bk2"}, {"objects", {a}}}})),
            "backup HSM on slot 2: object handle 1 appears twice");
  EXPECT_EQ(BrokenUniqueness(
                WorldWith(Json::array(), {{{"name", "bk"}, {"objects", {a, Obj(5, "0a")}}}})),
            "backup HSM on slot 2, partition bk: ouid 0a appears twice");
  // The same OUID in two backup partitions, or in the source and a
  // backup, is what backups are made of.
  EXPECT_EQ(BrokenUniqueness(WorldWith({a}, {{{"name", "bk"}, {"objects", {a}}},
                                             {{"name", "bk2"}, {"objects", {Obj(9, "0a")}}}})),
            std::nullopt);
  Json slots = WorldWith(Json::array(), Json::array());
  slots["slots"][1]["id"] = 0;
  EXPECT_EQ(BrokenUniqueness(slots), "slots: id 0 appears twice");
}

// Loads wraps the reference and counts the worlds it is asked to load.
class Loads final : public Target {
 public:
  Loads() : inner_(MakeInProcessTarget()) {}
  int loads() const { return loads_; }

 protected:
  std::optional<std::string> Exchange(const std::string& request, TargetError* error) override {
    if (request.find("\"op\":\"load\"") != std::string::npos) ++loads_;
    return inner_->Raw(request, error);
  }

 private:
  std::unique_ptr<Target> inner_;
  int loads_ = 0;
};

// Every property discards a case whose world breaks a rule (Lacked::Skip)
// before the target sees it: a generator that only makes such worlds gives
// the target none, and the check says it could not run rather than that
// the target refused a valid world.
TEST(WorldUniqueness, ABrokenWorldNeverReachesTheTarget) {
  Json world = judge_testing::SeedWorld();
  Json& objects = world["slots"][0]["user_partition"]["objects"];
  ASSERT_GE(objects.size(), 2u);
  objects[1]["ouid"] = objects[0]["ouid"];
  ASSERT_TRUE(BrokenUniqueness(world));
  Loads target;
  TargetError error;
  const std::optional<Hello> hello = target.Handshake(&error);
  ASSERT_TRUE(hello) << error.message;
  CheckContext ctx{&target, *hello, 1, 10};
  const CheckResult r = ForAll(ctx, rc::gen::just(Scenario{world, {"slot list"}, {}}));
  EXPECT_EQ(target.loads(), 0);
  EXPECT_EQ(r.message.find("refused a valid world"), std::string::npos) << r.message;
}

}  // namespace
}  // namespace hsmbackup::conformance
