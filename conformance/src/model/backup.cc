// partition archive backup, as the clauses describe it.
#include <algorithm>

#include "model/rules.h"

namespace hsmbackup::conformance::model {
namespace {

std::string NamePart(const std::string& label, size_t n) {
  std::string s = label.substr(0, n);
  std::replace(s.begin(), s.end(), ' ', '_');
  return s;
}

// What a backup will do once every check before the SO login has passed.
struct Plan {
  uint32_t src_slot = 0, slot = 0;
  std::string name;
  std::vector<const Object*> objects;
  bool exists = false, recreate = false, overwrite = false;
  uint64_t need = 0, available = 0;
  bool creates() const { return !exists || recreate; }
};

// Checks collects the refusals of AUTH-CO, the option rules, AUTH-SAME-MODE,
// FW-MIN-BACKUP, DIRECT-SMK-ONLY, OPT-SMKONLY*, OPT-OBJECTS-*, the name
// rules, OPT-EXISTS, PROJ-APPEND-ORIGIN, DOM-OPTION, PROJ-PIN-LENGTH and
// SIZE-PRECHECK. Returns false if the plan could not be made.
bool Checks(const World& w, const Line& line, Plan& plan, Refusals& r) {
  auto user_it = w.users.find(w.current);
  if (user_it == w.users.end()) {
    r.Add("CKR_SLOT_ID_INVALID", "AUTH-CO");
    return false;
  }
  const User& src = user_it->second;
  plan.src_slot = w.current;
  if (src.zeroized) r.Add("CKR_TOKEN_NOT_PRESENT", "AUTH-CO");
  auto login = w.logins.find(w.current);
  if (login == w.logins.end() || login->second != "co") r.Add("CKR_USER_NOT_LOGGED_IN", "AUTH-CO");
  const bool smkonly = line.Has("smkonly");
  if (smkonly && (line.Has("partition") || line.Has("objects") || line.Has("append") ||
                  line.Has("replace"))) {
    r.Add("CKR_ARGUMENTS_BAD", "OPT-SMKONLY");
  }
  if (line.Has("objects") && w.client < Version{10, 3, 0}) {
    r.Add("CKR_ARGUMENTS_BAD", "OPT-OBJECTS-CLIENT");
  }
  const long slot = ResolveHsm(w, line, r);
  if (slot < 0) return false;
  plan.slot = static_cast<uint32_t>(slot);
  const Hsm& hsm = w.hsms.at(plan.slot);
  CheckCredentialOptions(hsm, line, true, true, r);
  if (src.auth != hsm.auth) r.Add("CKR_OPERATION_NOT_ALLOWED", "AUTH-SAME-MODE");
  if (src.kind != "pre77") {
    const Version min = hsm.model == "backup_hsm_7" ? Version{7, 7, 1} : Version{6, 28, 0};
    if (hsm.firmware < min) r.Add("CKR_OPERATION_NOT_ALLOWED", "FW-MIN-BACKUP");
  }
  if (hsm.connection == "appliance" && src.kind == "v1" && !smkonly) {
    r.Add("CKR_OPERATION_NOT_ALLOWED", "DIRECT-SMK-ONLY");
  }
  if (smkonly && src.kind != "v1") r.Add("CKR_OPERATION_NOT_ALLOWED", "OPT-SMKONLY");
  if (smkonly && !hsm.sks) r.Add("CKR_OPERATION_NOT_ALLOWED", "OPT-SMKONLY-SKS");
  if (!smkonly) {
    if (!line.objects) {
      for (const Object& o : src.objects) plan.objects.push_back(&o);
    } else {
      for (uint32_t h : *line.objects) {
        auto it = std::find_if(src.objects.begin(), src.objects.end(),
                               [&](const Object& o) { return o.handle == h; });
        if (it == src.objects.end()) {
          r.Add("CKR_OBJECT_HANDLE_INVALID", "OPT-OBJECTS-INVALID");
          return false;
        }
        plan.objects.push_back(&*it);
      }
    }
  }
  if (smkonly) {
    plan.name = NamePart(src.label, 12) + "_" + Utc(w.now, "%Y:%m:%d-%H:%M:%S");
  } else if (line.Has("partition")) {
    plan.name = *line.Get("partition");
  } else if (hsm.model == "backup_hsm_7") {
    plan.name = NamePart(src.label, 23) + "_" + Utc(w.now, "%Y%m%d");
  } else {
    r.Add("CKR_ARGUMENTS_BAD", "OPT-PARTITION-REQUIRED");
    return false;
  }
  auto found = std::find_if(hsm.partitions.begin(), hsm.partitions.end(),
                            [&](const Partition& p) { return p.name == plan.name; });
  const Partition* part = found == hsm.partitions.end() ? nullptr : &*found;
  plan.exists = part != nullptr;
  if (part != nullptr) {
    if (smkonly || (!line.Has("append") && !line.Has("replace"))) {
      r.Add("CKR_OBJECT_ALREADY_EXISTS", "OPT-EXISTS");
      return false;
    }
    plan.recreate = line.Has("replace") && !line.Has("append");
    plan.overwrite = line.Has("replace") && line.Has("append");
    if (!plan.recreate && part->origin != src.kind) {
      r.Add("CKR_OPERATION_NOT_ALLOWED", "PROJ-APPEND-ORIGIN");
    }
    if (!plan.recreate && src.kind == "v1" && part->has_smk && !part->smk_id.empty() &&
        part->smk_id != src.smk_id) {
      r.Add("CKR_OPERATION_NOT_ALLOWED", "PROJ-APPEND-ORIGIN");
    }
  }
  if (plan.creates() && hsm.auth == "password") {
    if (!line.Has("domain") && !line.Has("defaultdomain")) r.Add("CKR_ARGUMENTS_BAD", "DOM-OPTION");
    const auto pw = line.Get("password");
    if (pw && hsm.model == "backup_hsm_7" && hsm.firmware >= Version{7, 7, 2} && pw->size() < 8) {
      r.Add("CKR_PIN_LEN_RANGE", "PROJ-PIN-LENGTH");
    }
  }
  // SIZE-PRECHECK
  if (plan.creates()) {
    plan.need = kOverhead;
    for (const Object* o : plan.objects) plan.need += o->size;
    plan.available = hsm.free() + (plan.recreate ? part->allocated : 0);
  } else {
    for (const Object* o : plan.objects) {
      auto same = std::find_if(part->objects.begin(), part->objects.end(),
                               [&](const Object& b) { return b.ouid == o->ouid; });
      if (same == part->objects.end()) {
        plan.need += o->size;
      } else if (plan.overwrite && o->size > same->size) {
        plan.need += o->size - same->size;
      }
    }
    plan.available = hsm.free() + (part->allocated - std::min(part->allocated, part->used()));
  }
  if (plan.need > plan.available) r.Add("CKR_HSM_STORAGE_FULL", "SIZE-PRECHECK");
  return true;
}

// Run is everything from the prompt to the summary, on p.after.
void Run(Prediction& p, const World& before, const Line& line, const Plan& plan,
         const std::vector<std::string>& answers) {
  World& w = p.after;
  const User& src = w.users.at(plan.src_slot);
  Hsm& hsm = w.hsms.at(plan.slot);
  const bool bh7 = hsm.model == "backup_hsm_7";
  const bool smkonly = line.Has("smkonly");
  p.prompt_clauses = {line.Has("force") ? "OPT-FORCE" : "OPT-SMKONLY-CONFIRM"};
  if (smkonly && !line.Has("force")) {  // OPT-SMKONLY-CONFIRM
    p.prompts = 1;
    if (Answer(answers, 0) != "proceed") {
      p.codes = {"CKR_FUNCTION_CANCELED"};
      p.code_clauses = {"OPT-SMKONLY-CONFIRM"};
      w = before;
      return;
    }
  }
  if (!SoLogin(p, hsm, line)) return;
  const Hsm snapshot = hsm;  // FULL-REVERT restores this
  if (plan.recreate) {       // OPT-REPLACE
    std::erase_if(hsm.partitions, [&](const Partition& q) { return q.name == plan.name; });
    p.object_clauses.push_back("OPT-REPLACE");
  }
  Partition* part = nullptr;
  if (plan.creates()) {
    Partition q;
    q.name = plan.name;
    q.domain = hsm.auth == "ped" ? hsm.ped_domain
               : line.Has("domain") ? *line.Get("domain")
                                    : w.default_domain;
    q.password = line.Get("password").value_or("");
    q.origin = src.kind;
    q.source_label = src.label;
    q.allocated = bh7 ? hsm.free() : plan.need;  // RESIZE-GRAB-ALL
    hsm.partitions.push_back(q);
    part = &hsm.partitions.back();
    p.object_clauses.push_back("AUTH-PO");
    p.space_clauses.push_back("RESIZE-GRAB-ALL");
  } else {
    part = hsm.Find(plan.name);
    if (!ContainerLogin(p, hsm, *part, line)) return;
    const uint64_t slack = part->allocated - std::min(part->allocated, part->used());
    part->allocated += bh7 ? hsm.free() : (plan.need > slack ? plan.need - slack : 0);
    p.object_clauses.push_back(line.Has("replace") ? "OPT-APPEND-REPLACE" : "OPT-APPEND");
  }
  std::string result = "CKR_OK";
  auto fail = [&](const std::string& code, const std::string& clause) {
    if (result == "CKR_OK") {
      result = code;
      p.code_clauses.push_back(clause);
    }
  };
  const bool domains_match = part->domain == src.domain;
  bool reverted = false;
  if (smkonly) {  // OPT-SMKONLY
    if (domains_match) {
      part->has_smk = true;
      part->smk_id = src.smk_id;
      p.code_clauses.push_back("OPT-SMKONLY");
    } else {
      fail("CKR_CERTIFICATE_INVALID", "DOM-ERROR-CODE");
      p.object_clauses.push_back("DOM-MISMATCH-EMPTY");
    }
  } else {
    const bool allowed = std::all_of(plan.objects.begin(), plan.objects.end(), [&](const Object* o) {
      if (!src.hsm_allow) return false;
      if (o->cls == "private_key" && !src.allow_private) return false;
      if (o->cls == "secret_key" && !src.allow_secret) return false;
      return true;
    });
    if (!allowed) {
      fail("CKR_OPERATION_NOT_ALLOWED", "POL-CLONING");
      p.object_clauses.push_back("DOM-MISMATCH-EMPTY");
    } else if (src.kind == "v1" && !part->has_smk && !domains_match) {
      fail("CKR_CERTIFICATE_INVALID", "DOM-ERROR-CODE");
      p.object_clauses.push_back("DOM-MISMATCH-EMPTY");
    } else {
      if (src.kind == "v1" && !part->has_smk) {
        part->has_smk = true;
        part->smk_id = src.smk_id;
      }
      const bool stop = src.kind != "pre77";
      p.object_clauses.push_back(stop ? "CLONE-STOP-V0V1" : "CLONE-CONTINUE-PRE77");
      p.object_clauses.push_back("CLONE-STORE");
      if (src.kind == "v1") p.object_clauses.push_back("CLONE-OPAQUE-V1");
      for (size_t i = 0; i < plan.objects.size(); ++i) {
        const Object& o = *plan.objects[i];
        auto same = std::find_if(part->objects.begin(), part->objects.end(),
                                 [&](const Object& b) { return b.ouid == o.ouid; });
        if (same != part->objects.end() && !plan.overwrite) continue;  // OPT-APPEND
        const uint64_t replaced = same != part->objects.end() ? same->size : 0;
        if (w.HasFault("partition_full", plan.slot, static_cast<uint32_t>(i + 1)) ||
            part->used() - replaced + o.size > part->allocated) {
          hsm = snapshot;  // FULL-REVERT
          reverted = true;
          result = "CKR_CONTAINER_OBJECT_STORAGE_FULL";
          p.code_clauses = {"FULL-REVERT"};
          p.object_clauses = {"FULL-REVERT"};
          p.space_clauses = {"FULL-REVERT"};
          break;
        }
        if (!domains_match) {
          fail("CKR_CERTIFICATE_INVALID", "DOM-ERROR-CODE");
          p.object_clauses.push_back("DOM-MISMATCH-EMPTY");
          p.object_clauses.push_back("CLONE-DISCARD");
          if (stop) break;
          continue;
        }
        if (w.HasFault("verify_fail", plan.slot, o.handle)) {
          fail("CKR_FAILED_TO_CLONE_AN_OBJECT", stop ? "CLONE-STOP-V0V1" : "CLONE-CONTINUE-PRE77");
          p.object_clauses.push_back("CLONE-DISCARD");
          p.object_clauses.push_back("CLONE-PARTIAL-STATE");
          if (stop) break;
          continue;
        }
        Object stored = o;
        stored.handle = 0;  // the target's choice; adopted after the step
        stored.opaque = src.kind == "v1";  // class and fingerprint kept for a restore
        if (same != part->objects.end()) {
          *same = stored;
        } else {
          part->objects.push_back(stored);
        }
      }
    }
  }
  if (!reverted && bh7) {
    if (w.HasFault("shrink_fail", plan.slot, 0)) {  // RESIZE-FAIL
      p.space_clauses.push_back("RESIZE-FAIL");
      if (result == "CKR_OK") {
        result = "CKR_DEVICE_ERROR";
        p.code_clauses.push_back("RESIZE-FAIL");
      }
    } else {
      part->allocated = part->used();  // RESIZE-SHRINK
      p.space_clauses.push_back("RESIZE-SHRINK");
    }
  }
  p.codes = {result};
  if (result == "CKR_OK") p.code_clauses.push_back("OUT-TRANSCRIPT");
}

}  // namespace

Prediction PredictBackup(const World& before, const Line& line,
                         const std::vector<std::string>& answers) {
  Prediction p;
  p.after = before;
  Plan plan;
  Refusals r;
  const bool planned = Checks(before, line, plan, r);
  if (r.any() || !planned) {
    Refuse(p, before, r);
    return p;
  }
  Run(p, before, line, plan, answers);
  p.summary = *p.codes.begin() + " for a backup of " + std::to_string(plan.objects.size()) +
              " object(s) to " + plan.name + " on slot " + std::to_string(plan.slot);
  return p;
}

}  // namespace hsmbackup::conformance::model
