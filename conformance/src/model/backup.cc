// partition archive backup, as the clauses describe it.
#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "model/backup_plan.h"
#include "model/readings.h"
#include "model/rules.h"

namespace hsmbackup::conformance::model {
namespace {

// ShortPin: PROJ-PIN-LENGTH, the line's -password under the 8 characters
// Backup HSM 7 firmware 7.7.2 needs.
bool ShortPin(const Hsm& hsm, const Line& line) {
  const auto pw = line.Get("password");
  return pw && hsm.model == HsmModel::kBackupHsm7 && hsm.firmware >= kBackupHsm7PinLength &&
         pw->size() < kMinPinLength;
}

// Checks collects the refusals of AUTH-CO, the option rules, AUTH-SAME-MODE,
// FW-MIN-BACKUP, DIRECT-SMK-ONLY, OPT-SMKONLY*, OPT-OBJECTS-*, the name
// rules, OPT-EXISTS, PROJ-APPEND-ORIGIN, DOM-OPTION, PROJ-PIN-LENGTH and
// SIZE-PRECHECK. Returns false if the plan could not be made.
bool Checks(const World& w, const Line& line, Plan& plan, Refusals& r) {
  const User* user = UserChecks(w, r);
  if (user == nullptr) return false;
  const User& src = *user;
  plan.src_slot = w.current;
  const bool smkonly = line.Has("smkonly");
  // The object options are -smkonly's own rule ("no objects"); a name
  // given alone is the name rule's ("the user does not name it").
  if (smkonly && (line.Has("objects") || line.Has("append") || line.Has("replace"))) {
    r.Add("CKR_ARGUMENTS_BAD", "OPT-SMKONLY");
  }
  if (smkonly && line.Has("partition")) r.Add("CKR_ARGUMENTS_BAD", "OPT-SMKONLY-NAME");
  if (line.Has("objects") && w.client < kClientObjectsOption) {
    r.Add("CKR_ARGUMENTS_BAD", "OPT-OBJECTS-CLIENT");
  }
  const long slot = ResolveHsm(w, line, r);
  if (slot < 0) return false;
  plan.slot = static_cast<uint32_t>(slot);
  plan.resolved = slot;
  const Hsm& hsm = w.hsms.at(plan.slot);
  CheckCredentialOptions(hsm, line, r);
  if (src.auth != hsm.auth) r.Add("CKR_OPERATION_NOT_ALLOWED", "AUTH-SAME-MODE");
  if (src.kind != Kind::kPre77) {
    if (hsm.firmware < MinimumForV0V1(hsm.model)) r.Add("CKR_OPERATION_NOT_ALLOWED", "FW-MIN-BACKUP");
  }
  if (hsm.connection == Connection::kAppliance && src.kind == Kind::kV1 && !smkonly) {
    r.Add("CKR_OPERATION_NOT_ALLOWED", "DIRECT-SMK-ONLY");
  }
  if (smkonly && src.kind != Kind::kV1) r.Add("CKR_OPERATION_NOT_ALLOWED", "OPT-SMKONLY");
  if (smkonly && !TakesSks(hsm.model, hsm.firmware)) {
    r.Add("CKR_OPERATION_NOT_ALLOWED", "OPT-SMKONLY-SKS");
  }
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
    plan.name = NamePart(src.label, kSmkOnlyLabelCut) + "_" + Utc(w.now, "%Y:%m:%d-%H:%M:%S");
    plan.name_why = "OPT-SMKONLY-NAME";
  } else if (line.Has("partition")) {
    plan.name = *line.Get("partition");
  } else if (hsm.model == HsmModel::kBackupHsm7) {
    plan.name = NamePart(src.label, kDefaultLabelCut) + "_" + Utc(w.now, "%Y%m%d");
    plan.name_why = "OPT-PARTITION-DEFAULT";
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
    if (!plan.recreate && src.kind == Kind::kV1 && part->has_smk && !part->smk_id.empty() &&
        part->smk_id != src.smk_id) {
      r.Add("CKR_OPERATION_NOT_ALLOWED", "PROJ-APPEND-ORIGIN");
    }
  }
  if (plan.creates() && hsm.auth == Auth::kPassword) {  // a missing domain is asked (AUTH-PROMPT)
    if (ShortPin(hsm, line)) r.Add("CKR_PIN_LEN_RANGE", "PROJ-PIN-LENGTH");
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

// Stamp marks every object of `part` as fixed by `clause` in this step.
void Stamp(Partition& part, const std::string& clause) {
  part.why = clause;
  for (Object& o : part.objects) o.why = clause;
}

}  // namespace

// Run is everything from the prompt to the summary, on p.after. Each state
// field it changes is stamped with the clause that fixes it.
void Run(Prediction& p, const World& before, const Line& typed, const Plan& plan,
         const std::vector<std::string>& answers, const Credentials& given) {
  Line line = typed;  // completed below with the credentials asked for
  World& w = p.after;
  const User& src = w.users.at(plan.src_slot);
  Hsm& hsm = w.hsms.at(plan.slot);
  const bool bh7 = hsm.model == HsmModel::kBackupHsm7;
  const bool smkonly = line.Has("smkonly");
  const std::string op = smkonly                                       ? "OPT-SMKONLY"
                         : plan.overwrite                              ? "OPT-APPEND-REPLACE"
                         : plan.recreate                               ? "OPT-REPLACE"
                         : plan.exists                                 ? "OPT-APPEND"
                                                                       : "CLONE-STORE";
  // OPT-REPLACE-CONFIRM: a backup that deletes or overwrites backup objects
  // asks, as -smkonly does (OPT-SMKONLY-CONFIRM); a question on any other
  // backup is charged to the clause that says which ones ask.
  bool destroys = plan.recreate;
  if (plan.overwrite) {
    const Partition* old = hsm.Find(plan.name);
    for (const Object* o : plan.objects) {
      destroys |= std::any_of(old->objects.begin(), old->objects.end(),
                              [&](const Object& b) { return b.ouid == o->ouid; });
    }
  }
  const std::string confirm = smkonly ? "OPT-SMKONLY-CONFIRM" : "OPT-REPLACE-CONFIRM";
  p.prompt_clause = line.Has("force") ? "OPT-FORCE" : confirm;
  p.state_clause = op;
  p.replace_may_ask = line.Has("replace") && !line.Has("force") && !smkonly && !destroys;
  if ((smkonly || destroys) && !line.Has("force")) {
    p.prompts = 1;
    if (Answer(answers, 0) != "proceed") {
      p.codes = {"CKR_FUNCTION_CANCELED"};
      p.code_clauses = {confirm};
      p.state_clause = confirm;
      w = before;
      return;
    }
  }
  if (hsm.auth == Auth::kPassword) {  // AUTH-PROMPT, after the question, before the SO login
    std::vector<std::string> needed = {"sopassword", "password"};
    if (plan.creates() && !line.Has("defaultdomain")) needed.push_back("domain");
    // The seed's syntax brackets -sopassword and the domain as optional:
    // those must be asked; a line without -password, which the syntax
    // requires, may instead be refused whole (whatever else it leaves off).
    const bool refusable = !line.Has("password");
    if (!AskCredentials(p, before, line, needed, given, refusable)) return;
    if (plan.creates() && !typed.Has("password") && ShortPin(hsm, line)) {
      p.codes = {"CKR_PIN_LEN_RANGE"};
      p.code_clauses = {"PROJ-PIN-LENGTH"};
      p.state_clause = "PROJ-PIN-LENGTH";
      w = before;
      return;
    }
  }
  if (!SoLogin(p, hsm, line)) return;
  const Hsm snapshot = hsm;  // FULL-REVERT restores this
  std::map<std::string, std::string> replaced_gone;
  if (plan.recreate) {  // OPT-REPLACE: the old backup's objects go with it
    for (const Object& o : hsm.Find(plan.name)->objects) replaced_gone[o.ouid] = "OPT-REPLACE";
    std::erase_if(hsm.partitions, [&](const Partition& q) { return q.name == plan.name; });
  }
  Partition* part = nullptr;
  if (plan.creates()) {
    Partition q;
    q.gone = std::move(replaced_gone);
    q.name = plan.name;
    q.domain = hsm.auth == Auth::kPed ? hsm.ped_domain
               : line.Has("domain") ? *line.Get("domain")
                                    : w.default_domain;
    q.password = line.Get("password").value_or("");
    q.origin = src.kind;
    q.source_label = src.label;
    q.allocated = bh7 ? hsm.free() : plan.need;  // RESIZE-GRAB-ALL
    q.per_object = plan.source_sizes ? 0 : ObjectOverhead(hsm.model);
    q.why = op;
    q.name_why = plan.name_why;
    if (!plan.name_why.empty()) {
      for (size_t i = 0; i < std::min(q.name.size(), src.label.size()); ++i) {
        if (src.label[i] == ' ' && (q.name[i] == '_' || q.name[i] == ' ')) {
          q.label_spaces.push_back(i);
        }
      }
    }
    q.space_why = bh7 ? "RESIZE-SHRINK" : "PROJ-SIZE-MODEL";
    hsm.partitions.push_back(q);
    part = &hsm.partitions.back();
  } else {
    part = hsm.Find(plan.name);
    if (!ContainerLogin(p, hsm, *part, line)) return;
    if (plan.source_sizes) part->per_object = 0;
    Stamp(*part, op);  // what it held stays (OPT-APPEND never overwrites)
    const uint64_t slack = part->allocated - std::min(part->allocated, part->used());
    part->allocated += bh7 ? hsm.free() : (plan.need > slack ? plan.need - slack : 0);
    part->space_why = bh7 ? "RESIZE-SHRINK" : "PROJ-SIZE-MODEL";
  }
  p.goes_ahead = true;
  std::string result = "CKR_OK";
  auto fail = [&](const std::string& code, const std::string& clause) {
    if (result == "CKR_OK") {
      result = code;
      p.code_clauses = {clause};
    }
  };
  const bool domains_match = part->domain == src.domain;
  // LeftEmpty: DOM-MISMATCH-EMPTY keeps the partition, with nothing cloned.
  auto left_empty = [&](const std::string& code, const std::string& clause) {
    fail(code, clause);
    part->why = "DOM-MISMATCH-EMPTY";
    for (const Object* o : plan.objects) {
      if (!part->gone.count(o->ouid)) part->gone[o->ouid] = "DOM-MISMATCH-EMPTY";
    }
  };
  // Need is what the partition uses once `o` is stored in place of `held`
  // (nullptr: beside what it holds). PROJ-SIZE-MODEL: an object takes more
  // room here than the source size SIZE-PRECHECK counted, so the partition
  // may fill part way.
  auto need = [&](const Object& o, const Object* held) {
    return part->used() - (held != nullptr ? part->Stored(*held) : 0) +
           (plan.source_sizes ? o.size : part->Stored(o));
  };
  // Grown is `allocated` once a G5 partition grew into `spare` as `needed`
  // asks (RESIZE-GRAB-ALL); a Backup HSM 7's never grows.
  auto grown = [&](uint64_t needed, uint64_t allocated, uint64_t spare) {
    return bh7 || needed <= allocated ? allocated : allocated + std::min(spare, needed - allocated);
  };
  // Fills: the object at index `i` does not fit, or a fault says it fills
  // there (FULL-REVERT).
  auto fills = [&](size_t i, uint64_t needed, uint64_t allocated) {
    return needed > allocated || plan.fill_at == i + 1 ||
           w.HasFault(FaultType::kPartitionFull, plan.slot, static_cast<uint32_t>(i + 1));
  };
  bool reverted = false, stopped_early = false;
  bool grew = false;  // a G5 partition grew into free space (RESIZE-GRAB-ALL)
  std::optional<Prediction> rollback;
  long stored = 0;
  std::set<std::string> stored_now;
  std::vector<uint32_t> cloned;  // source handles, in the order stored
  // OPT-APPEND-FINGERPRINT: only a pre-7.7 source on a Backup HSM 7 that
  // compares fingerprints prints the line.
  const bool compares = src.kind == Kind::kPre77 && bh7 && hsm.firmware >= kBackupHsm7Fingerprints;
  p.said.fingerprints_known = true;
  if (smkonly) {  // OPT-SMKONLY
    if (domains_match) {
      part->has_smk = true;
      part->smk_id = src.smk_id;
    } else {
      left_empty("CKR_CERTIFICATE_INVALID", "DOM-ERROR-CODE");
    }
  } else {
    const bool allowed = std::all_of(plan.objects.begin(), plan.objects.end(), [&](const Object* o) {
      if (!src.hsm_allow) return false;
      if (o->cls == ObjectClass::kPrivateKey && !src.allow_private) return false;
      if (o->cls == ObjectClass::kSecretKey && !src.allow_secret) return false;
      return true;
    });
    if (!allowed) {
      left_empty("CKR_OPERATION_NOT_ALLOWED", "POL-CLONING");
    } else if (src.kind == Kind::kV1 && !part->has_smk && !domains_match) {
      left_empty("CKR_CERTIFICATE_INVALID", "DOM-ERROR-CODE");
    } else {
      if (src.kind == Kind::kV1 && !part->has_smk) {
        part->has_smk = true;
        part->smk_id = src.smk_id;
      }
      p.said.will_back_up = static_cast<long>(plan.objects.size());
      const bool stop = src.kind != Kind::kPre77;
      const std::string rule = stop ? "CLONE-STOP-V0V1" : "CLONE-CONTINUE-PRE77";
      bool stopped = false;
      for (size_t i = 0; i < plan.objects.size(); ++i) {
        const Object& o = *plan.objects[i];
        if (stopped) {  // CLONE-STOP-V0V1: nothing after the failed object
          if (!part->gone.count(o.ouid)) part->gone[o.ouid] = "CLONE-STOP-V0V1";
          continue;
        }
        auto same = std::find_if(part->objects.begin(), part->objects.end(),
                                 [&](const Object& b) { return b.ouid == o.ouid; });
        if (same != part->objects.end() && !plan.overwrite) {
          same->why = "OPT-APPEND";  // never overwritten, nor counted, but said
          p.said.skipped_handles.push_back(o.handle);
          if (same->handle != 0) p.said.append_skipped.emplace_back(o.handle, same->handle);
          if (compares && !same->opaque) {
            if (same->fingerprint.empty() || o.fingerprint.empty()) {
              p.said.fingerprints_known = false;
            } else if (same->fingerprint != o.fingerprint) {
              p.said.fingerprint_lines.emplace_back(
                  o.handle,
                  "Target Object handle " + std::to_string(same->handle) +
                  " has same OUID as Source Object handle " + std::to_string(o.handle) +
                  " (different finger print).");
            }
          }
          continue;
        }
        const uint64_t needed = need(o, same != part->objects.end() ? &*same : nullptr);
        if (!bh7 && needed > part->allocated) grew = true;
        part->allocated = grown(needed, part->allocated, hsm.free());
        if (fills(i, needed, part->allocated)) {
          hsm = snapshot;  // FULL-REVERT
          hsm.why = hsm.space_why = "FULL-REVERT";
          for (Partition& q : hsm.partitions) {
            Stamp(q, "FULL-REVERT");
            q.space_why = "FULL-REVERT";
          }
          if (plan.creates() && !plan.recreate) hsm.gone[plan.name] = "FULL-REVERT";
          if (Partition* back = hsm.Find(plan.name)) {
            for (const Object* x : plan.objects) {
              if (!back->gone.count(x->ouid)) back->gone[x->ouid] = "FULL-REVERT";
            }
          }
          reverted = true;
          result = "CKR_CONTAINER_OBJECT_STORAGE_FULL";
          p.code_clauses = {"FULL-REVERT"};
          p.said = Said{};
          break;
        }
        if (!domains_match) {
          p.said.failed.emplace_back(o.handle, "CKR_CERTIFICATE_INVALID");
          if (stop) {
            left_empty("CKR_CERTIFICATE_INVALID", "DOM-ERROR-CODE");
            stopped = true;
            if (!bh7) {
              // CLONE-STOP-V0V1: what a target going on would have grown;
              // every later object fails the same way, after the growth.
              uint64_t alloc = part->allocated;
              bool filled = false;
              for (size_t j = i + 1; j < plan.objects.size() && !filled; ++j) {
                const Object& later = *plan.objects[j];
                auto held = std::find_if(part->objects.begin(), part->objects.end(),
                                         [&](const Object& b) { return b.ouid == later.ouid; });
                if (held != part->objects.end() && !plan.overwrite) continue;
                const uint64_t later_needs =
                    need(later, held != part->objects.end() ? &*held : nullptr);
                alloc = grown(later_needs, alloc, hsm.free() - (alloc - part->allocated));
                filled = fills(j, later_needs, alloc);
              }
              if (!filled && alloc != part->allocated) part->allocated_if_continued = alloc;
            }
            continue;
          }
          fail("CKR_CERTIFICATE_INVALID", "DOM-ERROR-CODE");
          part->why = "DOM-MISMATCH-EMPTY";  // every object fails: kept, empty
          part->gone[o.ouid] = "DOM-MISMATCH-EMPTY";
          continue;
        }
        if (w.HasFault(FaultType::kVerifyFail, plan.slot, o.handle)) {
          p.said.failed.emplace_back(o.handle, "CKR_FAILED_TO_CLONE_AN_OBJECT");
          fail("CKR_FAILED_TO_CLONE_AN_OBJECT", rule);
          part->gone[o.ouid] = "CLONE-DISCARD";
          if (stop) {
            // CLONE-PARTIAL-STATE: what was cloned before it stays.
            for (Object& kept : part->objects) {
              if (stored_now.count(kept.ouid)) kept.why = "CLONE-PARTIAL-STATE";
            }
            stopped = true;
            stopped_early = true;
          }
          continue;
        }
        Object copy = o;
        copy.handle = 0;  // the target's choice; adopted after the step
        if (plan.source_sizes) copy.sealed = 0;
        copy.opaque = src.kind == Kind::kV1;  // class and fingerprint kept for a restore
        copy.why = plan.overwrite && same != part->objects.end() ? "OPT-APPEND-REPLACE"
                   : i > 0 && !p.said.failed.empty() && !stop   ? "CLONE-CONTINUE-PRE77"
                   : src.kind == Kind::kV1                             ? "CLONE-OPAQUE-V1"
                                                                  : "CLONE-STORE";
        ++stored;
        stored_now.insert(o.ouid);
        cloned.push_back(o.handle);
        if (same != part->objects.end()) {
          *same = copy;
        } else {
          part->objects.push_back(copy);
        }
      }
    }
  }
  if (!reverted && stopped_early) {
    // The seed leaves open what stays after a V0/V1 stop (CLONE-PARTIAL-STATE
    // `accepts`): this model keeps what was cloned; the readings below undo it
    // (the revert also where the first object failed and nothing was cloned:
    // the partition the command created goes too).
    Prediction undo = p;
    undo.reading = "rollback-on-stop";
    Partition* q = undo.after.hsms.at(plan.slot).Find(plan.name);
    std::erase_if(q->objects, [&](const Object& o) { return stored_now.count(o.ouid) != 0; });
    for (const std::string& ouid : stored_now) q->gone[ouid] = "CLONE-PARTIAL-STATE";
    rollback = std::move(undo);
  }
  // What the partition held before its shrink, for a backup that did not
  // clone every object (the shrink-on-success-only reading below).
  std::optional<uint64_t> unshrunk;
  if (!reverted && bh7) {
    if (result != "CKR_OK") unshrunk = part->allocated;
    if (w.HasFault(FaultType::kShrinkFail, plan.slot, 0)) {  // RESIZE-FAIL
      part->space_why = hsm.space_why = "RESIZE-FAIL";
      hsm.shrink_failed = true;
      if (result == "CKR_OK") {
        result = "CKR_DEVICE_ERROR";
        p.code_clauses = {"RESIZE-FAIL"};
      }
    } else {
      part->allocated = part->used();  // RESIZE-SHRINK
    }
  }
  p.codes = {result};
  // Succeeded: what a backup that cloned every object answers and tells.
  auto succeeded = [&](Prediction& q) {
    q.codes = {"CKR_OK"};
    // A G5 backup whose objects outgrew the precheck's allocation succeeds
    // because the partition grew (RESIZE-GRAB-ALL).
    q.code_clauses = {grew && !plan.source_sizes ? std::string("RESIZE-GRAB-ALL") : op};
    q.said.smk_cloned = smkonly;
    q.said.ped_actions = plan.creates() ? 4 : 2;  // SO, creation, container, domain
    if (!smkonly) {
      q.said.backed_up = stored;
      q.said.backed_up_to = plan.name;
      q.said.cloned = cloned;
    }
  };
  if (result == "CKR_OK") succeeded(p);
  if (hsm.shrink_failed && p.code_clauses == std::vector<std::string>{"RESIZE-FAIL"}) {
    // RESIZE-FAIL `accepts` resize-fail-ok: the seed says what a failed
    // re-size leaves, not that the backup, whose objects are all cloned,
    // fails; it may answer CKR_OK, the state the same.
    Prediction ok = p;
    ok.alternatives.clear();
    ok.reading = "resize-fail-ok";
    succeeded(ok);
    p.alternatives.push_back(std::move(ok));
  }
  if (unshrunk && !hsm.shrink_failed) {
    // RESIZE-SHRINK `accepts`: the seed re-sizes the partition "once all of
    // the objects have been successfully cloned"; one that took a failure
    // may keep all the free space it was given (and the next backup on the
    // HSM then fails SIZE-PRECHECK until it is deleted).
    Prediction kept = p;
    kept.alternatives.clear();
    kept.reading = "shrink-on-success-only";
    kept.after.hsms.at(plan.slot).Find(plan.name)->allocated = *unshrunk;
    p.alternatives.push_back(std::move(kept));
  }
  if (rollback) {
    Partition* q = rollback->after.hsms.at(plan.slot).Find(plan.name);
    if (bh7 && !hsm.shrink_failed) q->allocated = q->used();
    rollback->after.hsms.at(plan.slot).shrink_failed = hsm.shrink_failed;
    rollback->codes = p.codes;
    rollback->code_clauses = p.code_clauses;
    if (!stored_now.empty()) p.alternatives.push_back(*rollback);
    if (!stored_now.empty() && unshrunk && !hsm.shrink_failed) {
      // Both readings at once: the objects taken back, the partition left
      // with all the free space it was given (RESIZE-SHRINK's
      // shrink-on-success-only), which taking them back does not change.
      Prediction kept = *rollback;
      kept.reading = "rollback-on-stop+shrink-on-success-only";
      kept.after.hsms.at(plan.slot).Find(plan.name)->allocated = *unshrunk;
      p.alternatives.push_back(std::move(kept));
    }
    Prediction revert = *rollback;  // or the backup HSM as it was, as on a full partition
    revert.reading = "revert-on-stop";
    Hsm& back = revert.after.hsms.at(plan.slot);
    back = snapshot;
    back.why = back.space_why = "CLONE-PARTIAL-STATE";
    if (plan.creates() && !plan.recreate) back.gone[plan.name] = "CLONE-PARTIAL-STATE";
    p.alternatives.push_back(std::move(revert));
  }
}

Prediction PredictBackup(const World& before, const Line& line,
                         const std::vector<std::string>& answers, const Credentials& given) {
  Prediction p;
  p.after = before;
  Plan plan;
  Refusals r;
  const bool planned = Checks(before, line, plan, r);
  if (r.any() || !planned) {
    Refuse(p, before, r);
    if (std::find(r.clauses.begin(), r.clauses.end(), "SIZE-PRECHECK") != r.clauses.end()) {
      p.code_why = " (SIZE-PRECHECK: counted by the source's sizes as the seed says (" +
                   std::to_string(kOverhead) +
                   " bytes for a new partition, the facts' figure, and the value size of each "
                   "object it adds) the backup needs " +
                   std::to_string(plan.need) + " bytes and the backup HSM has " +
                   std::to_string(plan.available) +
                   " to give it; a size model that charges "
                   "more may refuse more, `accepts` size-model, not less)";
    }
    SoFirstReading(p, before, plan.resolved, line);
    return p;
  }
  Run(p, before, line, plan, answers, given);
  AddBackupReadings(p, before, line, plan, answers, given);
  p.summary = *p.codes.begin() + " for a backup of " + std::to_string(plan.objects.size()) +
              " object(s) to " + plan.name + " on slot " + std::to_string(plan.slot);
  return p;
}

}  // namespace hsmbackup::conformance::model
