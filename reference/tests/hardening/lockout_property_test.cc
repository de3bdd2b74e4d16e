// Bad credentials: random sequences of good and bad logins against a tiny
// counter model of LUNA-FACTS.md "Roles and lockouts" (AUTH-LOCKOUT):
//  - CO and CU share one count; at the threshold (10, or lower by partition
//    policy) both are locked, and stay locked even with the right password;
//  - 10 consecutive bad Partition SO logins zeroize the partition;
//  - 3 consecutive bad HSM SO logins zeroize the backup HSM;
//  - a success resets its count.
// The fixed-count cases are in engine/backup_auth_test.cc; this checks that
// no interleaving of roles, successes and failures breaks the counts.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <string>
#include <vector>

#include "support/test_support.h"
#include "support/worlds.h"

namespace hsmbackup {
namespace {

using namespace hsmbackup::testing;  // NOLINT(build/namespaces)

constexpr char kCuPassword[] = "cuPassw0rd!";
constexpr char kPoPassword[] = "poPassw0rd!";

enum class Who { kCo, kCu, kPo, kHsmSo };

struct Attempt {
  Who who;
  bool good;
};

// Model is the counter model: what each attempt must answer, and the counts.
struct Model {
  uint32_t threshold = 10;
  uint32_t co_failures = 0;  // CO and CU together
  uint32_t po_failures = 0;
  uint32_t so_failures = 0;
  bool partition_zeroized = false;
  bool hsm_zeroized = false;

  Ckr Apply(const Attempt& a) {
    if (a.who == Who::kHsmSo) {
      if (hsm_zeroized) return Ckr::kTokenNotPresent;
      if (a.good) {
        so_failures = 0;
        return Ckr::kOk;
      }
      if (++so_failures == 3) {
        hsm_zeroized = true;
        so_failures = 0;
      }
      return Ckr::kPinIncorrect;
    }
    if (partition_zeroized) return Ckr::kTokenNotPresent;
    if (a.who == Who::kPo) {
      if (a.good) {
        po_failures = 0;
        return Ckr::kOk;
      }
      if (++po_failures == 10) partition_zeroized = true;
      return Ckr::kPinIncorrect;
    }
    if (co_failures >= threshold) return Ckr::kPinLocked;  // even the right password
    if (a.good) {
      co_failures = 0;
      return Ckr::kOk;
    }
    return ++co_failures >= threshold ? Ckr::kPinLocked : Ckr::kPinIncorrect;
  }
};

std::string LoginLine(const Attempt& a) {
  const char* name = "co";
  const char* password = a.good ? kCoPassword : "wrongCo1";
  if (a.who == Who::kCu) {
    name = "cu";
    password = a.good ? kCuPassword : "wrongCu1";
  } else if (a.who == Who::kPo) {
    name = "po";
    password = a.good ? kPoPassword : "wrongPo1";
  } else if (a.who == Who::kHsmSo) {
    name = "so";
    password = a.good ? kSoPassword : "wrongSo1";
  }
  return std::string("role login -name ") + name + " -password " + password;
}

// GenAttempt: half the attempts are by `focus`, and a good one comes with
// probability good_eighths/8 (0 to 3/8), so every lockout, including 10
// consecutive bad Partition SO logins, is reached in some runs.
rc::Gen<Attempt> GenAttempt(Who focus, int good_eighths) {
  const auto any = rc::gen::element(Who::kCo, Who::kCu, Who::kPo, Who::kHsmSo);
  return rc::gen::build<Attempt>(
      rc::gen::set(&Attempt::who, rc::gen::oneOf(rc::gen::just(focus), any)),
      rc::gen::set(&Attempt::good, rc::gen::map(rc::gen::inRange(0, 8), [good_eighths](int n) {
                     return n < good_eighths;
                   })));
}

RC_GTEST_PROP(LockoutProperty, LoginsFollowTheCounterModel, ()) {
  HSMB_CLAUSE("AUTH-LOCKOUT");
  Model model;
  model.threshold = *rc::gen::oneOf(rc::gen::just<uint32_t>(10), rc::gen::inRange<uint32_t>(1, 11));
  UserPartition user = MakeUser(PartitionKind::kV0, 1);
  user.cu_password = Secret(kCuPassword);
  user.co_lockout_threshold = model.threshold;
  World w = MakeWorld(std::move(user), MakeBackupHsm());
  Runner r(&w);
  // A fixed length (not RapidCheck's size-scaled containers) keeps the
  // sequences long enough to reach every lockout and small under UBSan.
  const auto n = *rc::gen::inRange<size_t>(1, 61);
  const Who focus = *rc::gen::element(Who::kCo, Who::kCu, Who::kPo, Who::kHsmSo);
  const int good_eighths = *rc::gen::inRange(0, 4);
  const std::vector<Attempt> attempts =
      *rc::gen::container<std::vector<Attempt>>(n, GenAttempt(focus, good_eighths));
  for (size_t i = 0; i < attempts.size(); ++i) {
    const Attempt& a = attempts[i];
    const bool hsm = a.who == Who::kHsmSo;
    RC_ASSERT(r.Do(hsm ? "slot set -slot 2" : "slot set -slot 0").status.ok());
    const Ckr want = model.Apply(a);
    const Result got = r.Do(LoginLine(a));
    RC_ASSERT(got.code() == want);
    const std::string result = want == Ckr::kOk ? "No Error" : FormatCkr(want);
    RC_ASSERT(r.last().back() == "Command Result : " + result);
    if (got.status.ok()) RC_ASSERT(r.Do("role logout").status.ok());
    RC_ASSERT(UserAt(w).co_lockout.failures == model.co_failures);
    RC_ASSERT(UserAt(w).zeroized == model.partition_zeroized);
    RC_ASSERT(HsmAt(w).zeroized == model.hsm_zeroized);
    if (!model.hsm_zeroized) RC_ASSERT(HsmAt(w).so_lockout.failures == model.so_failures);
    if (!model.partition_zeroized) {
      RC_ASSERT(UserAt(w).po_lockout.failures == model.po_failures);
    }
  }
  // The distribution (printed by RapidCheck) shows every lockout is reached.
  RC_CLASSIFY(model.co_failures >= model.threshold, "CO locked");
  RC_CLASSIFY(model.partition_zeroized, "partition zeroized");
  RC_CLASSIFY(model.hsm_zeroized, "HSM zeroized");
  // A locked-out CO stays locked with the right password, whatever came before.
  if (!model.partition_zeroized && model.co_failures >= model.threshold) {
    RC_ASSERT(r.Do("slot set -slot 0").status.ok());
    RC_ASSERT(r.Do(LoginLine({Who::kCo, true})).code() == Ckr::kPinLocked);
    RC_ASSERT(r.Do(LoginLine({Who::kCu, true})).code() == Ckr::kPinLocked);
  }
}

}  // namespace
}  // namespace hsmbackup
