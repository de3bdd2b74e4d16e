// Internals of the model: one prediction function per command family.
#ifndef HSMBACKUP_CONFORMANCE_MODEL_RULES_H_
#define HSMBACKUP_CONFORMANCE_MODEL_RULES_H_

#include <set>
#include <string>
#include <vector>

#include "conformance/model.h"
#include "model/line.h"

namespace hsmbackup::conformance::model {

// Refusals collects every rule a command breaks before anything may
// change. Any of their codes is acceptable (the clauses fix no order
// between them); all leave the world as it was.
struct Refusals {
  std::set<std::string> codes;
  std::vector<std::string> clauses;
  void Add(const std::string& code, const std::string& clause) {
    codes.insert(code);
    clauses.push_back(clause);
  }
  bool any() const { return !codes.empty(); }
};

// Refuse turns refusals into the prediction: one of the codes, nothing changed.
void Refuse(Prediction& p, const World& before, const Refusals& r);

// AcceptAnyOutOfRoomCode: the seed names no code for a backup that does
// not fit ("an appropriate error message") or a partition that fills ("an
// error message"), nor do the facts for a restore that runs out of room, so
// a prediction that ends in one of CKR_CONTAINER_OBJECT_STORAGE_FULL,
// CKR_DEVICE_MEMORY or CKR_HSM_STORAGE_FULL accepts all three (clauses.json
// SIZE-PRECHECK, FULL-REVERT and RESTORE-RULES `accepts` "out-of-room-code").
// The state is the same whichever the target prints.
void AcceptAnyOutOfRoomCode(Prediction& p);

// AcceptQuitAsSuccess: the seed shows the question ("Type 'proceed' to
// continue, or 'quit' to quit now ->") but no result for 'quit'; the project
// answers CKR_FUNCTION_CANCELED. For `p` and each of its readings that ends
// so, it adds the reading "quit-ok" (clauses.json `accepts`): the same
// command answering CKR_OK, changing nothing but the clock, which every
// CKR_OK moves (PROTOCOL.md, "Accounting rules").
void AcceptQuitAsSuccess(Prediction& p);
// AcceptAnyOwnCode marks `p` and its alternatives `own_code` where the line
// is refused (no CKR_OK) for a rule whose code the project chose: neither
// the seed nor LUNA-FACTS.md names a code for that refusal (clauses.json
// `accepts` "own-code"). The table of those rules lives here alone.
void AcceptAnyOwnCode(Prediction& p);

// UserChecks: the current slot must be a live user partition with the CO
// logged in (AUTH-CO). Returns that partition, or null when the slot holds
// none; adds the refusals either way.
const User* UserChecks(const World& w, Refusals& r);

// ClearProvenance forgets which clause fixed each field in the last step.
void ClearProvenance(World& w);

// Answer is the i-th prompt's answer ("quit" when they run out).
std::string Answer(const std::vector<std::string>& answers, int i);

// Common checks on the archive commands' -slot and credentials.
// ResolveHsm adds refusals and returns the backup HSM's slot id, or -1.
long ResolveHsm(const World& w, const Line& line, Refusals& r);
// CheckCredentialOptions refuses credential options on a PED device
// (PROJ-PED-CREDENTIALS); on a password device what is missing is asked.
void CheckCredentialOptions(const Hsm& hsm, const Line& line, Refusals& r);
// AskCredentials applies AUTH-PROMPT on a password device: the credentials
// of `needed` (option names) that `line` leaves off are asked for and
// filled into `line` from `given`. False when one has no answer: `p` is
// then CKR_ARGUMENTS_BAD with `before` unchanged. `refusable`: see
// Prediction::credentials_refusable.
bool AskCredentials(Prediction& p, const World& before, Line& line,
                    const std::vector<std::string>& needed, const Credentials& given,
                    bool refusable);
// SoLogin applies AUTH-SO / AUTH-LOCKOUT on `hsm`: false on a wrong password
// (the prediction's code is then set).
bool SoLogin(Prediction& p, Hsm& hsm, const Line& line);
// ContainerLogin applies the backup partition's credential and its lockout.
bool ContainerLogin(Prediction& p, const Hsm& hsm, Partition& part, const Line& line);

Prediction PredictBackup(const World& before, const Line& line,
                         const std::vector<std::string>& answers, const Credentials& given);
Prediction PredictRestore(const World& before, const Line& line,
                          const std::vector<std::string>& answers, const Credentials& given);
Prediction PredictAdmin(const World& before, const Line& line,
                        const std::vector<std::string>& answers,
                        const Credentials& given);  // list, contents, delete
Prediction PredictSession(const World& before, const Line& line);  // role, slot, partition contents

}  // namespace hsmbackup::conformance::model

#endif  // HSMBACKUP_CONFORMANCE_MODEL_RULES_H_
