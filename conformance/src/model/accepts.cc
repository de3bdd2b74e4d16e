// Which codes a prediction accepts: the codes the seed leaves open (out of
// room, quit as success) and the refusals whose code is the project's
// choice (`accepts` own-code), and how a verdict names what was expected.
#include <algorithm>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "model/rules.h"

namespace hsmbackup::conformance::model {

void AcceptAnyOutOfRoomCode(Prediction& p) {
  static const std::set<std::string> kOutOfRoom = {"CKR_CONTAINER_OBJECT_STORAGE_FULL",
                                                   "CKR_DEVICE_MEMORY", "CKR_HSM_STORAGE_FULL"};
  if (std::any_of(kOutOfRoom.begin(), kOutOfRoom.end(),
                  [&](const std::string& code) { return p.codes.count(code) != 0; })) {
    p.codes.insert(kOutOfRoom.begin(), kOutOfRoom.end());
  }
  for (Prediction& alt : p.alternatives) AcceptAnyOutOfRoomCode(alt);
}

void AcceptQuitAsSuccess(Prediction& p) {
  std::vector<Prediction> quits;
  auto offer = [&quits](const Prediction& q) {
    if (q.codes != std::set<std::string>{"CKR_FUNCTION_CANCELED"}) return;
    Prediction ok = q;
    ok.codes = {"CKR_OK"};
    ok.reading = "quit-ok";
    ok.alternatives.clear();
    quits.push_back(std::move(ok));
  };
  offer(p);
  for (const Prediction& alt : p.alternatives) offer(alt);
  for (Prediction& q : quits) p.alternatives.push_back(std::move(q));
}

namespace {

// Codes that name a condition of their own, so never a refusal's stand-in:
// success, the seed's domain mismatch, a credential refused (AUTH-LOCKOUT
// counts it) and a question answered quit.
const std::set<std::string>& NamesAnotherCondition() {
  static const std::set<std::string> kCodes = {"CKR_OK", "CKR_CERTIFICATE_INVALID",
                                               "CKR_FUNCTION_CANCELED", "CKR_PIN_INCORRECT",
                                               "CKR_PIN_LOCKED"};
  return kCodes;
}

}  // namespace

void AcceptAnyOwnCode(Prediction& p) {
  // Each rule with the code the project gave its refusal, where the seed
  // says only that the command fails (or is refused, or must not happen, or
  // nothing at all) and LUNA-FACTS.md ties no code to it: a handle -objects
  // names that is not there and a password 7.7.2 finds too short included,
  // whose PKCS#11 codes the project took though neither page says lunacm
  // answers them. A code the seed names, or one for a credential refused,
  // no slot, no login or a zeroized device (AUTH-LOCKOUT counts those), is
  // not here.
  static const std::set<std::pair<std::string, std::string>> kOwn = {
      {"OPT-EXISTS", "CKR_OBJECT_ALREADY_EXISTS"},
      {"OPT-OBJECTS-INVALID", "CKR_OBJECT_HANDLE_INVALID"},
      {"PROJ-PIN-LENGTH", "CKR_PIN_LEN_RANGE"},
      {"RESIZE-FAIL", "CKR_DEVICE_ERROR"},
      {"RESTORE-TARGET-EXISTS", "CKR_TOKEN_NOT_PRESENT"},
      {"ARCHIVE-CONTENTS", "CKR_TOKEN_NOT_PRESENT"},
      {"ARCHIVE-DELETE", "CKR_TOKEN_NOT_PRESENT"},
      {"OPT-APPEND", "CKR_TOKEN_NOT_PRESENT"},
      {"AUTH-SAME-MODE", "CKR_OPERATION_NOT_ALLOWED"},
      {"POL-CLONING", "CKR_OPERATION_NOT_ALLOWED"},
      {"FW-MIN-BACKUP", "CKR_OPERATION_NOT_ALLOWED"},
      {"FW-NO-DOWNGRADE", "CKR_OPERATION_NOT_ALLOWED"},
      {"RESTORE-PRE77-TO-V0", "CKR_OPERATION_NOT_ALLOWED"},
      {"DIRECT-SMK-ONLY", "CKR_OPERATION_NOT_ALLOWED"},
      {"OPT-SMKONLY", "CKR_OPERATION_NOT_ALLOWED"},
      {"OPT-SMKONLY-SKS", "CKR_OPERATION_NOT_ALLOWED"},
      {"RESTORE-SMK", "CKR_OPERATION_NOT_ALLOWED"},
      {"PROJ-APPEND-ORIGIN", "CKR_OPERATION_NOT_ALLOWED"},
      {"SIZE-PRECHECK", "CKR_HSM_STORAGE_FULL"},
      {"FULL-REVERT", "CKR_CONTAINER_OBJECT_STORAGE_FULL"},
      {"RESTORE-RULES", "CKR_DEVICE_MEMORY"},
      // A blob the backup HSM (or, restoring, the partition) rejects for a
      // reason other than the domain: the seed says only that "the target
      // HSM reports the failure" (CLONE-DISCARD `accepts` own-code); whether
      // the command stops or goes on, and what stays, is judged as before.
      {"CLONE-STOP-V0V1", "CKR_FAILED_TO_CLONE_AN_OBJECT"},
      {"CLONE-CONTINUE-PRE77", "CKR_FAILED_TO_CLONE_AN_OBJECT"},
      {"RESTORE-RULES", "CKR_FAILED_TO_CLONE_AN_OBJECT"},
      // A V1 restore into a partition holding another SMK: neither the seed
      // nor the facts say how it fails, only the code's value
      // (RESTORE-RULES `accepts` own-code); nothing may change.
      {"RESTORE-RULES", "CKR_SMK_ID_NOT_FOUND"},
  };
  if (p.modelled && p.codes.count("CKR_OK") == 0) {
    for (const std::string& clause : p.code_clauses) {
      for (const std::string& code : p.codes) p.own_code |= kOwn.count({clause, code}) != 0;
    }
  }
  for (Prediction& alt : p.alternatives) AcceptAnyOwnCode(alt);
}

bool Prediction::Accepts(const std::string& result) const {
  return codes.count(result) != 0 || (own_code && NamesAnotherCondition().count(result) == 0);
}

std::string Prediction::Expected() const {
  std::string want;
  for (const std::string& c : codes) want += (want.empty() ? "" : " or ") + c;
  if (!own_code) return want;
  std::string but;
  for (const std::string& c : NamesAnotherCondition()) but += (but.empty() ? "" : ", ") + c;
  return want + " (or, the code being the project's choice, any code but " + but + ")";
}

}  // namespace hsmbackup::conformance::model
