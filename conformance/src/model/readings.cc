// The readings the seed leaves open for a line (readings.h): why a target
// may read a line so. Each is an alternative the judge may take in place of
// the project's prediction.
#include "model/readings.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "model/rules.h"
#include "model/text.h"

namespace hsmbackup::conformance::model {

Prediction RefusalReading(const World& before, const Refusals& r, std::string reading) {
  Prediction refused;
  Refuse(refused, before, r);
  refused.reading = std::move(reading);
  return refused;
}

void SoFirstReading(Prediction& p, const World& before, long slot, const Line& line) {
  if (slot < 0 || p.codes.count("CKR_OK") != 0) return;
  auto it = before.hsms.find(static_cast<uint32_t>(slot));
  if (it == before.hsms.end() || it->second.auth != Auth::kPassword || it->second.zeroized ||
      !line.Has("sopassword")) {
    return;
  }
  Prediction alt = p;
  alt.alternatives.clear();
  alt.reading = "so-login-first";
  Hsm& h = alt.after.hsms.at(static_cast<uint32_t>(slot));
  if (!SoLogin(alt, h, line)) {
    alt.state_clause = "AUTH-SO";
  }
  p.alternatives.push_back(std::move(alt));
}

void LoginFirstReading(Prediction& p, const World& before) {
  Refusals r;
  UserChecks(before, r);
  if (!r.any()) return;
  p.alternatives.push_back(RefusalReading(before, r, "login-first"));
  p.alternatives.back().summary =
      "the current partition's refusal, looked at before the line's syntax";
}

void OfferReading(Prediction& p, Prediction q, const std::string& name) {
  std::vector<Prediction> more = std::move(q.alternatives);
  q.alternatives.clear();
  q.reading = name;
  p.alternatives.push_back(std::move(q));
  for (Prediction& m : more) {
    m.reading = name + "+" + m.reading;
    p.alternatives.push_back(std::move(m));
  }
}

// The seed allows a line to leave a credential off; a target may still
// refuse one that does (AUTH-PROMPT `accepts`).
Prediction CredentialsOnLine(const World& before) {
  Refusals r;
  r.Add("CKR_ARGUMENTS_BAD", "AUTH-PROMPT");
  return RefusalReading(before, r, "credentials-on-line");
}

// Under credentials-on-line such a line is malformed: refused before
// anything else, a question included.
bool LeavesOffOnLine(const World& w, const Line& line) {
  if (!IsArchive(line.verb)) return false;
  Refusals ignored;
  const long slot = ResolveHsm(w, line, ignored);
  if (slot < 0 || w.hsms.at(static_cast<uint32_t>(slot)).auth != Auth::kPassword) return false;
  const bool so = line.verb == Verb::kList || line.verb == Verb::kDelete;
  return !line.Has(so ? "sopassword" : "password");
}

// The seed never abbreviates a command word, so a target may take command
// words only whole.
Prediction FullWordsOnly(const World& before) {
  Refusals r;
  r.Add("CKR_ARGUMENTS_BAD", "PROJ-COMMAND-WORDS");
  Prediction q = RefusalReading(before, r, "full-words-only");
  q.own_code = true;
  return q;
}

Prediction ListedSpellings(const World& before) {
  Refusals r;
  r.Add("CKR_ARGUMENTS_BAD", "OPT-SHORTCUTS");
  return RefusalReading(before, r, "listed-spellings-only");
}

// The seed says nothing of case, so a target may take a keyword value as
// spelled.
Prediction KeywordsAsSpelled(const World& before, const Line& line) {
  Refusals r;
  const bool slot = line.slot_direct && *line.Get("slot") != "direct";
  r.Add("CKR_ARGUMENTS_BAD", slot ? "OPT-SLOT" : "OPT-OBJECTS-FORMS");
  if (slot) r.Add("CKR_SLOT_ID_INVALID", "OPT-SLOT");
  return RefusalReading(before, r, "keywords-as-spelled");
}

// The seed names no code for such a -slot value, and a target may answer
// that the value names no slot.
Prediction UnnumberedSlot(const World& before) {
  Refusals r;
  r.Add("CKR_SLOT_ID_INVALID", "OPT-SLOT");
  return RefusalReading(before, r, "slot-names-no-slot");
}

// The facts say a destructive command asks proceed/quit first, and a target
// may take -replace itself for destructive, asking even when nothing is
// overwritten.
Prediction ReplaceAsks(const Prediction& p, const World& before,
                       const std::vector<std::string>& answers) {
  Prediction q = p;
  q.alternatives.clear();
  q.replace_may_ask = false;
  q.reading = "replace-asks";
  q.prompts = 1;
  if (Answer(answers, 0) == "proceed") return q;
  Prediction cancel;
  cancel.after = before;
  cancel.codes = {"CKR_FUNCTION_CANCELED"};
  cancel.code_clauses = {p.prompt_clause};
  cancel.prompt_clause = p.prompt_clause;
  cancel.state_clause = p.prompt_clause;
  cancel.prompts = 1;
  cancel.reading = q.reading;
  cancel.summary = "CKR_FUNCTION_CANCELED after the question, nothing changed";
  return cancel;
}

// The seed fixes no order for the objects -objects selects, so a backup
// may clone them in the source partition's order instead of the list's.
void SourceOrderReading(Prediction& p, const World& start, const Line& line,
                        const std::vector<std::string>& answers, const Credentials& given) {
  auto user = start.users.find(start.current);
  if (!line.objects || line.objects->size() < 2 || user == start.users.end()) return;
  std::vector<uint32_t> sorted;
  for (const Object& o : user->second.objects) {
    if (std::count(line.objects->begin(), line.objects->end(), o.handle) != 0) {
      sorted.push_back(o.handle);
    }
  }
  if (sorted.size() != line.objects->size() || sorted == *line.objects) return;
  Line in_source_order = line;
  in_source_order.objects = sorted;
  Prediction q = PredictBackup(start, in_source_order, answers, given);
  const std::string orders = "in the -objects list's order (" + HandleList(*line.objects) +
                             ") or the source partition's (" + HandleList(sorted) + ")";
  p.said.cloned_order = q.said.cloned_order = orders;
  for (Prediction& m : q.alternatives) m.said.cloned_order = orders;
  OfferReading(p, std::move(q), "objects-source-order");
}

// A restore's -objects list may be processed in the backup partition's
// order, as a backup's may in the source's: the seed gives no restore
// syntax at all. The order matters where an object fails: a V0/V1 origin
// stops at the first failure in the order taken.
void RestoreOrderReading(Prediction& p, const World& start, const Line& line,
                         const std::vector<std::string>& answers, const Credentials& given) {
  if (!line.objects || line.objects->size() < 2 || line.slot_direct) return;
  const auto hsm = start.hsms.find(line.slot);
  if (hsm == start.hsms.end()) return;
  const std::string name = line.Get("partition").value_or("");
  const auto& held = hsm->second.partitions;
  const auto part =
      std::find_if(held.begin(), held.end(), [&](const Partition& q) { return q.name == name; });
  if (part == held.end()) return;
  std::vector<uint32_t> sorted;
  for (const Object& o : part->objects) {
    if (std::count(line.objects->begin(), line.objects->end(), o.handle) != 0) {
      sorted.push_back(o.handle);
    }
  }
  if (sorted.size() != line.objects->size() || sorted == *line.objects) return;
  Line in_backup_order = line;
  in_backup_order.objects = sorted;
  OfferReading(p, PredictRestore(start, in_backup_order, answers, given), "objects-source-order");
}

// The seed's NOTE tells not to name the target with -smkonly ("SKS backup
// creates the name from the label of the source partition, combined with a
// timestamp"), so a backup may ignore a -partition name it is given.
void SmkOnlyNameReading(Prediction& p, const World& start, const Line& line,
                        const std::vector<std::string>& answers, const Credentials& given) {
  if (!line.Has("smkonly") || !line.Has("partition") || line.Has("objects") || line.Has("append") ||
      line.Has("replace")) {
    return;
  }
  Line unnamed = line;
  unnamed.options.erase("partition");
  OfferReading(p, PredictBackup(start, unnamed, answers, given), "smkonly-ignores-name");
}

}  // namespace hsmbackup::conformance::model
