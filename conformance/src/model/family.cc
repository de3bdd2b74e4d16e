// restore, list, contents, delete, and the session commands around them.
#include <algorithm>

#include "model/readings.h"
#include "model/rules.h"

namespace hsmbackup::conformance::model {
namespace {

void RestoreObjects(Prediction& p, World& w, User& t, const Partition& part, uint32_t slot,
                    const std::vector<const Object*>& objects, bool replace) {
  // RESTORE-RULES: continue or stop follows the kind of partition the
  // objects came from (the backup's origin), as the restore page says.
  const bool stop = part.origin != Kind::kPre77;
  t.why = "RESTORE-ROUNDTRIP";
  p.state_clause = "RESTORE-RULES";
  std::string result = "CKR_OK";
  std::string result_clause = "RESTORE-RULES";  // of the first failure
  if (part.origin == Kind::kV1) {
    if (!part.has_smk) {
      // A V1 backup left empty by a failed clone holds no SMK: the clauses
      // do not say how restoring it ends, only that nothing changes.
      p.codes = {"CKR_OK", "CKR_DATA_INVALID", "CKR_CERTIFICATE_INVALID", "CKR_SMK_ID_NOT_FOUND"};
      p.code_clauses = {"RESTORE-RULES"};
      return;
    }
    if (part.domain != t.domain) {
      p.codes = {"CKR_CERTIFICATE_INVALID"};
      p.code_clauses = {"DOM-ERROR-CODE"};
      t.why = "DOM-ERROR-CODE";
      return;
    }
    if (t.smk_id.empty() || t.smk_id != part.smk_id) {
      p.codes = {"CKR_SMK_ID_NOT_FOUND"};
      p.code_clauses = {"RESTORE-RULES"};
      return;
    }
  }
  for (const Object* b : objects) {
    auto same = std::find_if(t.objects.begin(), t.objects.end(),
                             [&](const Object& o) { return o.ouid == b->ouid; });
    if (same != t.objects.end() && !replace) {
      same->why = "PROJ-RESTORE-SAME-OUID";  // kept as it was, and the skip reported
      p.said.restore_skipped.emplace_back(b->handle, same->handle);
      continue;
    }
    std::string code;
    if (part.origin != Kind::kV1 && part.domain != t.domain) code = "CKR_CERTIFICATE_INVALID";
    else if (w.HasFault(FaultType::kVerifyFail, slot, b->handle)) code = "CKR_FAILED_TO_CLONE_AN_OBJECT";
    if (!code.empty()) {
      if (result == "CKR_OK") {
        result = code;
        if (code == "CKR_CERTIFICATE_INVALID") result_clause = "DOM-ERROR-CODE";
      }
      if (stop) break;
      continue;
    }
    Object o = *b;
    o.handle = 0;  // the target's allocator decides
    o.opaque = false;
    // After a failure only going on (a pre-7.7 origin) restores it.
    o.why = result != "CKR_OK"           ? "RESTORE-RULES"
            : same != t.objects.end()    ? "PROJ-RESTORE-SAME-OUID"
                                         : "RESTORE-ROUNDTRIP";
    if (same != t.objects.end()) {
      *same = o;
    } else {
      t.objects.push_back(o);
    }
  }
  p.codes = {result};
  p.code_clauses = {result == "CKR_OK" ? "RESTORE-ROUNDTRIP" : result_clause};
  // A backup HSM too old to take V0/V1 backups restores into a V0/V1
  // partition because FW-OLD-RESTORE says it still may: a target that
  // refuses breaks that rule.
  const Hsm& hsm = w.hsms.at(slot);
  if (result == "CKR_OK" && t.kind != Kind::kPre77 && hsm.firmware < MinimumForV0V1(hsm.model)) {
    p.code_clauses = {"FW-OLD-RESTORE"};
  }
  if (result != "CKR_OK") p.said.restore_skipped.clear();  // judged on a whole restore only
}

// AskFirstReading: a delete of a missing partition may ask proceed/quit and
// log the SO in before it finds the name missing (ARCHIVE-DELETE `accepts`).
Prediction AskFirstReading(const World& before, const Line& typed,
                           const std::vector<std::string>& answers, long slot,
                           const Credentials& given) {
  Line line = typed;
  Prediction p;
  p.after = before;
  p.reading = "delete-asks-first";
  p.prompt_clause = line.Has("force") ? "OPT-FORCE" : "ARCHIVE-DELETE";
  p.state_clause = "ARCHIVE-DELETE";
  p.code_clauses = {"ARCHIVE-DELETE"};
  if (!line.Has("force")) {
    p.prompts = 1;
    if (Answer(answers, 0) != "proceed") {
      p.codes = {"CKR_FUNCTION_CANCELED"};
      return p;
    }
  }
  if (before.hsms.at(static_cast<uint32_t>(slot)).auth == Auth::kPassword &&
      !AskCredentials(p, before, line, {"sopassword"}, given, false)) {
    return p;
  }
  if (!SoLogin(p, p.after.hsms.at(static_cast<uint32_t>(slot)), line)) return p;
  p.codes = {"CKR_TOKEN_NOT_PRESENT"};
  return p;
}

// How RESTORE-PRE77-TO-V0 reads policy 55 (clauses.json `accepts`): it
// decides where pre-7.7 backups go (the project's reading), or it only
// restricts them to V0/V1 partitions when on and restricts nothing when off.
enum class Policy55 { kDecides, kOnlyRestricts };

// Pre77GateRefuses: RESTORE-PRE77-TO-V0 refuses a pre-7.7 backup on `hsm`
// (a Backup HSM 7 at 7.7.1 or newer) into `t`.
bool Pre77GateRefuses(const Hsm& hsm, const User& t, Policy55 reading) {
  const bool into_newer = t.kind != Kind::kPre77;
  const bool v0_refused =
      t.kind == Kind::kV0 && (hsm.firmware < kBackupHsm7CpV1Restore || !t.allow_cpv1);
  if (reading == Policy55::kOnlyRestricts && !hsm.restricted_restore) return v0_refused;
  return into_newer != hsm.restricted_restore || v0_refused;
}

Prediction RestoreAs(const World& before, const Line& typed,
                     const std::vector<std::string>& answers, const Credentials& given,
                     Policy55 reading) {
  Line line = typed;  // completed with the credentials asked for (AUTH-PROMPT)
  Prediction p;
  p.after = before;
  Refusals r;
  const User* t = UserChecks(before, r);
  if (t == nullptr) {
    Refuse(p, before, r);
    return p;
  }
  const bool smkonly = line.Has("smkonly");
  if (line.Has("objects") && before.client < kClientObjectsOption) {
    r.Add("CKR_ARGUMENTS_BAD", "OPT-OBJECTS-CLIENT");
  }
  if (smkonly && (line.Has("objects") || line.Has("replace"))) r.Add("CKR_ARGUMENTS_BAD", "OPT-SMKONLY");
  if (!line.Has("partition")) r.Add("CKR_ARGUMENTS_BAD", "RESTORE-TARGET-EXISTS");
  const long slot = ResolveHsm(before, line, r);
  if (slot < 0 || !line.Has("partition")) {
    Refuse(p, before, r);
    return p;
  }
  const Hsm& hsm = before.hsms.at(slot);
  CheckCredentialOptions(hsm, line, r);
  auto pit = std::find_if(hsm.partitions.begin(), hsm.partitions.end(),
                          [&](const Partition& q) { return q.name == *line.Get("partition"); });
  if (pit == hsm.partitions.end()) {
    r.Add("CKR_TOKEN_NOT_PRESENT", "RESTORE-TARGET-EXISTS");
    Refuse(p, before, r);
    return p;
  }
  const Partition& part = *pit;
  if (t->auth != hsm.auth) r.Add("CKR_OPERATION_NOT_ALLOWED", "AUTH-SAME-MODE");
  if (part.origin != Kind::kPre77 && t->kind == Kind::kPre77) r.Add("CKR_OPERATION_NOT_ALLOWED", "FW-NO-DOWNGRADE");
  if (part.origin == Kind::kV1 && t->kind != Kind::kV1) r.Add("CKR_OPERATION_NOT_ALLOWED", "FW-NO-DOWNGRADE");
  if (part.origin == Kind::kPre77 && hsm.model == HsmModel::kBackupHsm7 &&
      hsm.firmware >= kBackupHsm7RestrictedRestore && Pre77GateRefuses(hsm, *t, reading)) {
    r.Add("CKR_OPERATION_NOT_ALLOWED", "RESTORE-PRE77-TO-V0");
  }
  if ((part.origin == Kind::kV1 || smkonly) && !TakesSks(hsm.model, hsm.firmware)) {
    r.Add("CKR_OPERATION_NOT_ALLOWED", "OPT-SMKONLY-SKS");
  }
  if (hsm.connection == Connection::kAppliance && t->kind == Kind::kV1 && !smkonly) {
    r.Add("CKR_OPERATION_NOT_ALLOWED", "DIRECT-SMK-ONLY");
  }
  if (smkonly && (!part.has_smk || t->kind != Kind::kV1)) r.Add("CKR_OPERATION_NOT_ALLOWED", "RESTORE-SMK");
  std::vector<const Object*> objects;
  if (!smkonly) {
    if (!line.objects) {
      for (const Object& o : part.objects) objects.push_back(&o);
    } else {
      for (uint32_t h : *line.objects) {
        auto it = std::find_if(part.objects.begin(), part.objects.end(),
                               [&](const Object& o) { return o.handle == h; });
        if (it == part.objects.end()) {
          r.Add("CKR_OBJECT_HANDLE_INVALID", "OPT-OBJECTS-INVALID");
          break;
        }
        objects.push_back(&*it);
      }
    }
  }
  uint64_t used = 0, need = 0;
  for (const Object& o : t->objects) used += o.size;
  for (const Object* b : objects) {
    auto same = std::find_if(t->objects.begin(), t->objects.end(),
                             [&](const Object& o) { return o.ouid == b->ouid; });
    if (same == t->objects.end()) need += b->size;
    else if (line.Has("replace") && b->size > same->size) need += b->size - same->size;
  }
  if (used + need > t->capacity) r.Add("CKR_DEVICE_MEMORY", "RESTORE-RULES");
  if (r.any()) {
    Refuse(p, before, r);
    // The restore's target is the user partition: an object appearing there
    // is the refused restore going ahead (which, under own-code, may still
    // end in a failure code), not a backup touching its source.
    p.after.users.at(before.current).why = p.code_clauses.front();
    return p;
  }
  // Only an SMK restore asks (RESTORE-SMK); a question on any other restore
  // breaks OPT-FORCE's list of the commands that ask.
  p.prompt_clause = line.Has("force") || !smkonly ? "OPT-FORCE" : "RESTORE-SMK";
  p.replace_may_ask = line.Has("replace") && !line.Has("force") && !smkonly;
  p.state_clause = "RESTORE-RULES";
  if (smkonly && !line.Has("force")) {
    p.prompts = 1;
    if (Answer(answers, 0) != "proceed") {
      p.codes = {"CKR_FUNCTION_CANCELED"};
      p.code_clauses = {"RESTORE-SMK"};
      p.state_clause = "RESTORE-SMK";
      return p;
    }
  }
  if (hsm.auth == Auth::kPassword &&
      !AskCredentials(p, before, line, {"password"}, given, true)) {
    return p;
  }
  World& w = p.after;
  Hsm& h = w.hsms.at(slot);
  Partition& live = *h.Find(part.name);
  if (!ContainerLogin(p, h, live, line)) return p;
  if (h.auth == Auth::kPed) {
    p.said.ped_actions = 2;  // the SO login and the container login, by the seed's wording
    p.said.ped_prompts = 3;  // and the domain key
  }
  User& target = w.users.at(w.current);
  if (smkonly) {  // RESTORE-SMK: the target's SMK is overwritten
    if (part.domain != target.domain) {
      p.codes = {"CKR_CERTIFICATE_INVALID"};
      p.code_clauses = {"DOM-ERROR-CODE"};
      p.state_clause = "DOM-ERROR-CODE";
      return p;
    }
    target.smk_id = part.smk_id;
    target.why = "RESTORE-SMK";
    p.codes = {"CKR_OK"};
    p.code_clauses = {"RESTORE-SMK"};
    p.state_clause = "RESTORE-SMK";
    return p;
  }
  RestoreObjects(p, w, target, live, static_cast<uint32_t>(slot), objects, line.Has("replace"));
  p.summary = *p.codes.begin() + " for a restore of " + std::to_string(objects.size()) +
              " object(s) from " + part.name;
  return p;
}

}  // namespace

Prediction PredictRestore(const World& before, const Line& line,
                          const std::vector<std::string>& answers, const Credentials& given) {
  Prediction p = RestoreAs(before, line, answers, given, Policy55::kDecides);
  // The second reading only lifts this gate's refusals, so it can differ
  // only where the gate refused.
  if (std::find(p.code_clauses.begin(), p.code_clauses.end(), "RESTORE-PRE77-TO-V0") ==
      p.code_clauses.end()) {
    return p;
  }
  Prediction other = RestoreAs(before, line, answers, given, Policy55::kOnlyRestricts);
  if (other.codes != p.codes) {
    other.reading = "policy-55-only-restricts";
    other.alternatives.clear();
    p.alternatives.push_back(std::move(other));
  }
  return p;
}

Prediction PredictAdmin(const World& before, const Line& typed,
                        const std::vector<std::string>& answers, const Credentials& given) {
  Line line = typed;  // completed with the credentials asked for (AUTH-PROMPT)
  Prediction p;
  p.after = before;
  Refusals r;
  const long slot = ResolveHsm(before, line, r);
  const bool named = line.verb != Verb::kList;
  if (named && !line.Has("partition")) r.Add("CKR_ARGUMENTS_BAD", "ARCHIVE-DELETE");
  if (slot < 0) {
    Refuse(p, before, r);
    return p;
  }
  const Hsm& hsm = before.hsms.at(slot);
  const std::string clause = line.verb == Verb::kList       ? "ARCHIVE-LIST"
                             : line.verb == Verb::kContents ? "ARCHIVE-CONTENTS"
                                                       : "ARCHIVE-DELETE";
  CheckCredentialOptions(hsm, line, r);
  const bool exists = line.Has("partition") &&
                      std::any_of(hsm.partitions.begin(), hsm.partitions.end(), [&](const Partition& q) {
                        return q.name == *line.Get("partition");
                      });
  if (named && line.Has("partition") && !exists) r.Add("CKR_TOKEN_NOT_PRESENT", clause);
  if (r.any()) {
    Refuse(p, before, r);
    if (line.verb != Verb::kContents) SoFirstReading(p, before, slot, line);
    if (line.verb == Verb::kDelete && r.clauses == std::vector<std::string>{"ARCHIVE-DELETE"}) {
      p.alternatives.push_back(AskFirstReading(before, line, answers, slot, given));
    }
    return p;
  }
  p.prompt_clause = line.Has("force") ? "OPT-FORCE" : clause;
  p.state_clause = clause;
  if (line.verb == Verb::kDelete && !line.Has("force")) {
    p.prompts = 1;
    if (Answer(answers, 0) != "proceed") {
      p.codes = {"CKR_FUNCTION_CANCELED"};
      p.code_clauses = {clause};
      return p;
    }
  }
  if (hsm.auth == Auth::kPassword &&
      !AskCredentials(p, before, line,
                      {line.verb == Verb::kContents ? "password" : "sopassword"}, given, true)) {
    return p;
  }
  Hsm& h = p.after.hsms.at(slot);
  p.codes = {"CKR_OK"};
  p.code_clauses = {clause};
  if (line.verb == Verb::kContents) {
    if (ContainerLogin(p, h, *h.Find(*line.Get("partition")), line)) {
      p.said.contents_slot = slot;
      p.said.contents_of = *line.Get("partition");
    }
    return p;
  }
  if (!SoLogin(p, h, line)) return p;
  if (line.verb == Verb::kDelete) {
    const std::string name = *line.Get("partition");
    std::erase_if(h.partitions, [&](const Partition& q) { return q.name == name; });
    h.gone[name] = clause;
    h.space_why = clause;
  } else {
    p.said.list_slot = slot;
  }
  return p;
}

Prediction PredictSession(const World& before, const Line& line) {
  Prediction p;
  p.after = before;
  World& w = p.after;
  p.codes = {"CKR_OK"};
  if (line.verb == Verb::kSlotList) return p;
  if (line.verb == Verb::kSlotSet) {
    if (w.users.count(line.slot) == 0 && w.hsms.count(line.slot) == 0) {
      p.codes = {"CKR_SLOT_ID_INVALID"};
    } else {
      w.current = line.slot;
    }
    return p;
  }
  if (line.verb == Verb::kLogout) {
    if (w.logins.erase(w.current) == 0) p.codes = {"CKR_USER_NOT_LOGGED_IN"};
    return p;
  }
  if (line.verb == Verb::kPartitionContents) {
    auto it = w.users.find(w.current);
    auto login = w.logins.find(w.current);
    if (it == w.users.end()) p.codes = {"CKR_SLOT_ID_INVALID"};
    else if (it->second.zeroized) p.codes = {"CKR_TOKEN_NOT_PRESENT"};
    else if (login == w.logins.end() || (login->second != "co" && login->second != "cu"))
      p.codes = {"CKR_USER_NOT_LOGGED_IN"};
    return p;
  }
  // role login: the model knows the Crypto Officer on user partitions.
  p.code_clauses = {"AUTH-LOCKOUT"};
  p.state_clause = "AUTH-LOCKOUT";
  const std::string role = line.Get("name").value_or("");
  auto it = w.users.find(w.current);
  if (role != "co" || it == w.users.end()) {
    p.modelled = false;
    p.codes.clear();
    return p;
  }
  User& u = it->second;
  if (w.logins.count(w.current) != 0) {
    p.codes = {"CKR_USER_ALREADY_LOGGED_IN"};
    return p;
  }
  if (u.zeroized) {
    p.codes = {"CKR_TOKEN_NOT_PRESENT"};
    return p;
  }
  if (u.auth == Auth::kPassword) {
    if (!line.Has("password")) {
      p.codes = {"CKR_ARGUMENTS_BAD"};
      return p;
    }
    if (u.co_failures >= u.co_threshold) {
      p.codes = {"CKR_PIN_LOCKED"};
      return p;
    }
    if (*line.Get("password") != u.co_password) {
      ++u.co_failures;
      p.codes = {u.co_failures >= u.co_threshold ? "CKR_PIN_LOCKED" : "CKR_PIN_INCORRECT"};
      return p;
    }
    u.co_failures = 0;
  }
  w.logins[w.current] = "co";
  return p;
}

}  // namespace hsmbackup::conformance::model
