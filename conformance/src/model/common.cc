// Rules shared by the archive commands, and the dispatch of a line.
#include <algorithm>
#include <set>
#include <string>
#include <utility>

#include "model/rules.h"
#include "model/text.h"

namespace hsmbackup::conformance::model {

void Refuse(Prediction& p, const World& before, const Refusals& r) {
  p.after = before;
  p.codes = r.codes.empty() ? std::set<std::string>{"CKR_ARGUMENTS_BAD"} : r.codes;
  p.code_clauses.clear();
  for (const std::string& c : r.clauses) {
    if (std::find(p.code_clauses.begin(), p.code_clauses.end(), c) == p.code_clauses.end()) {
      p.code_clauses.push_back(c);
    }
  }
  p.state_clause = "PROJ-WORLD-UNCHANGED-ON-BAD-INPUT";
  p.summary = "a refusal that changes nothing";
}

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

const User* UserChecks(const World& w, Refusals& r) {
  auto it = w.users.find(w.current);
  if (it == w.users.end()) {
    r.Add("CKR_SLOT_ID_INVALID", "AUTH-CO");
    return nullptr;
  }
  if (it->second.zeroized) r.Add("CKR_TOKEN_NOT_PRESENT", "AUTH-CO");
  auto login = w.logins.find(w.current);
  if (login == w.logins.end() || login->second != "co") r.Add("CKR_USER_NOT_LOGGED_IN", "AUTH-CO");
  return &it->second;
}

void LoginFirstReading(Prediction& p, const World& before) {
  Refusals r;
  UserChecks(before, r);
  if (!r.any()) return;
  p.alternatives.push_back(RefusalReading(before, r, "login-first"));
  p.alternatives.back().summary =
      "the current partition's refusal, looked at before the line's syntax";
}

std::string Answer(const std::vector<std::string>& answers, int i) {
  return i < static_cast<int>(answers.size()) ? answers[i] : "quit";
}

long ResolveHsm(const World& w, const Line& line, Refusals& r) {
  if (line.slot_direct) {  // OPT-SLOT: the one USB-attached backup HSM
    long found = -1;
    int count = 0;
    for (const auto& [id, h] : w.hsms) {
      if (h.connection == Connection::kUsb) {
        found = id;
        ++count;
      }
    }
    if (count == 0) r.Add("CKR_SLOT_ID_INVALID", "OPT-SLOT");
    if (count > 1) r.Add("CKR_ARGUMENTS_BAD", "OPT-SLOT");
    if (count != 1) return -1;
    if (w.hsms.at(found).zeroized) {
      r.Add("CKR_TOKEN_NOT_PRESENT", "AUTH-LOCKOUT");
      return -1;
    }
    return found;
  }
  auto it = w.hsms.find(line.slot);
  if (it == w.hsms.end()) {
    r.Add("CKR_SLOT_ID_INVALID", "OPT-SLOT");
    return -1;
  }
  if (it->second.zeroized) {
    r.Add("CKR_TOKEN_NOT_PRESENT", "AUTH-LOCKOUT");
    return -1;
  }
  return line.slot;
}

void CheckCredentialOptions(const Hsm& hsm, const Line& line, Refusals& r) {
  if (hsm.auth != Auth::kPed) return;
  if (line.Has("password") || line.Has("sopassword") || line.Has("domain") ||
      line.Has("defaultdomain")) {
    r.Add("CKR_ARGUMENTS_BAD", "PROJ-PED-CREDENTIALS");
  }
}

bool AskCredentials(Prediction& p, const World& before, Line& line,
                    const std::vector<std::string>& needed, const Credentials& given,
                    bool refusable) {
  p.credential_prompts.clear();
  p.unanswered.clear();
  for (const std::string& name : needed) {
    if (line.Has(name)) continue;
    p.credential_prompts.push_back(name);
    auto it = given.find(name);
    if (it == given.end() || it->second.empty()) {
      p.unanswered.insert(name);
    } else {
      line.options[name] = it->second;
    }
  }
  p.credentials_refusable = refusable && !p.credential_prompts.empty();
  if (p.unanswered.empty()) return true;
  p.after = before;
  p.codes = {"CKR_ARGUMENTS_BAD"};
  p.code_clauses = {"AUTH-PROMPT"};
  p.state_clause = "AUTH-PROMPT";
  return false;
}

bool SoLogin(Prediction& p, Hsm& hsm, const Line& line) {
  if (hsm.auth == Auth::kPed) return true;
  if (line.Get("sopassword").value_or("") == hsm.so_password) {
    hsm.so_failures = 0;
    return true;
  }
  p.codes = {"CKR_PIN_INCORRECT"};
  p.code_clauses = {"AUTH-SO"};
  p.state_clause = "AUTH-SO";
  if (++hsm.so_failures >= kSoLockoutThreshold) {  // AUTH-LOCKOUT: the third failure zeroizes
    hsm.zeroized = true;
    hsm.partitions.clear();
    hsm.so_failures = 0;
    hsm.why = hsm.space_why = "AUTH-LOCKOUT";
  }
  return false;
}

bool ContainerLogin(Prediction& p, const Hsm& hsm, Partition& part, const Line& line) {
  if (hsm.auth == Auth::kPed) return true;
  if (part.failures >= kPartitionLockoutThreshold) {
    p.codes = {"CKR_PIN_LOCKED"};
    p.code_clauses = {"AUTH-LOCKOUT"};
    p.state_clause = "AUTH-LOCKOUT";
    return false;
  }
  if (line.Get("password").value_or("") != part.password) {
    p.codes = {"CKR_PIN_INCORRECT"};
    p.code_clauses = {"AUTH-PO"};
    p.state_clause = "AUTH-PO";
    if (++part.failures >= kPartitionLockoutThreshold) {  // the tenth failure may already say so
      p.codes.insert("CKR_PIN_LOCKED");
      p.code_clauses = {"AUTH-LOCKOUT"};
    }
    return false;
  }
  part.failures = 0;
  return true;
}

// OfferReading adds `q`, the prediction for the line as another reading
// selects it, to `p` as the reading `name`; the readings `q` offers itself
// come along as `name+theirs` (PROTOCOL.md: where readings combine).
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

namespace {

// SetPed: which device's PED a line uses (OUT-PED): the backup HSM an
// archive command names, or the current user partition a CO login is on.
void SetPed(Prediction& p, const World& w, const Line& line) {
  switch (line.verb) {
    case Verb::kBackup:
    case Verb::kRestore:
    case Verb::kList:
    case Verb::kContents:
    case Verb::kDelete: {
      Refusals ignored;
      const long slot = ResolveHsm(w, line, ignored);
      if (slot < 0) return;
      p.said.ped = w.hsms.at(static_cast<uint32_t>(slot)).auth == Auth::kPed
                       ? Said::Ped::kEachAction
                       : Said::Ped::kNever;
      return;
    }
    case Verb::kLogin: {
      auto u = w.users.find(w.current);
      if (u == w.users.end()) return;
      p.said.ped = u->second.auth == Auth::kPed ? Said::Ped::kLogin : Said::Ped::kNever;
      return;
    }
    default: return;
  }
}

// CredentialsOnLine is the reading in which a target refuses a line that
// leaves a credential off (AUTH-PROMPT `accepts`), where the seed allows it.
Prediction CredentialsOnLine(const World& before) {
  Refusals r;
  r.Add("CKR_ARGUMENTS_BAD", "AUTH-PROMPT");
  return RefusalReading(before, r, "credentials-on-line");
}

// LeavesOffOnLine: `line` is an archive command for a live password backup
// HSM that leaves off the credential the seed's syntax does not bracket as
// optional (backup's -password; restore's and contents' -password; list's
// and delete's -sopassword). Under credentials-on-line such a line is
// malformed: refused before anything else, a question included.
bool LeavesOffOnLine(const World& w, const Line& line) {
  if (!IsArchive(line.verb)) return false;
  Refusals ignored;
  const long slot = ResolveHsm(w, line, ignored);
  if (slot < 0 || w.hsms.at(static_cast<uint32_t>(slot)).auth != Auth::kPassword) return false;
  const bool so = line.verb == Verb::kList || line.verb == Verb::kDelete;
  return !line.Has(so ? "sopassword" : "password");
}

// FullWordsOnly is the reading "full-words-only" (PROJ-COMMAND-WORDS
// `accepts`) of a line that abbreviates a command word: the seed never
// abbreviates one, so a target may take command words only whole and
// refuse the line with any failure code, asking nothing, changing nothing.
Prediction FullWordsOnly(const World& before) {
  Refusals r;
  r.Add("CKR_ARGUMENTS_BAD", "PROJ-COMMAND-WORDS");
  Prediction q = RefusalReading(before, r, "full-words-only");
  q.own_code = true;
  return q;
}

// ListedSpellings is the reading "listed-spellings-only" (OPT-SHORTCUTS
// `accepts`) of a line that spells an option neither by its full name nor
// by the seed's shortcut: refused, nothing asked, nothing changed.
Prediction ListedSpellings(const World& before) {
  Refusals r;
  r.Add("CKR_ARGUMENTS_BAD", "OPT-SHORTCUTS");
  return RefusalReading(before, r, "listed-spellings-only");
}

// KeywordsAsSpelled is the reading "keywords-as-spelled" (OPT-SLOT and
// OPT-OBJECTS-FORMS `accepts`) of a line that writes a keyword value the
// seed spells in lower case (`direct`, `all`) in another case: the seed
// says nothing of case, so a target may take the value as spelled, which
// names no slot or no handle list, and refuse the line, nothing changed.
Prediction KeywordsAsSpelled(const World& before, const Line& line) {
  Refusals r;
  const bool slot = line.slot_direct && *line.Get("slot") != "direct";
  r.Add("CKR_ARGUMENTS_BAD", slot ? "OPT-SLOT" : "OPT-OBJECTS-FORMS");
  if (slot) r.Add("CKR_SLOT_ID_INVALID", "OPT-SLOT");
  return RefusalReading(before, r, "keywords-as-spelled");
}

// UnnumberedSlot is the reading "slot-names-no-slot" (OPT-SLOT `accepts`)
// of a line the parser refuses for a -slot value that is neither a number
// nor `direct`: the seed names no code, and a target may answer that the
// value names no slot (CKR_SLOT_ID_INVALID), nothing changed.
Prediction UnnumberedSlot(const World& before) {
  Refusals r;
  r.Add("CKR_SLOT_ID_INVALID", "OPT-SLOT");
  return RefusalReading(before, r, "slot-names-no-slot");
}

// ReplaceAsks is the reading "replace-asks" of a -replace backup or
// restore that goes ahead without a question (`p`): the facts say a
// destructive command asks proceed/quit first, and a target may take
// -replace itself for destructive, asking even when nothing is overwritten.
// 'proceed' then leads where `p` does; anything else cancels, nothing
// changed.
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

// SourceOrderReading: the seed fixes no order for the objects -objects
// selects (CLONE-ONE-AT-A-TIME `accepts` objects-source-order), so a backup
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

// RestoreOrderReading: a restore's -objects list may be processed in the
// backup partition's order, as a backup's may in the source's
// (CLONE-ONE-AT-A-TIME `accepts` objects-source-order): the seed gives no
// restore syntax at all. The order matters where an object fails: a V0/V1
// origin stops at the first failure in the order taken.
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

// SmkOnlyNameReading: the seed's NOTE tells not to name the target with
// -smkonly ("SKS backup creates the name from the label of the source
// partition, combined with a timestamp"), so a backup may ignore a -partition
// name it is given (OPT-SMKONLY `accepts` smkonly-ignores-name).
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

Prediction PredictLine(const World& before, const std::string& text,
                       const std::vector<std::string>& answers, const Credentials& given) {
  std::string refusal;
  bool unknown = false;
  std::optional<Verb> refused_verb;
  std::optional<Line> line = ParseLine(text, &refusal, &unknown, &refused_verb);
  Prediction p;
  p.after = before;
  ClearProvenance(p.after);
  if (unknown) {
    p.modelled = false;
    p.summary = "a line the model does not know";
    return p;
  }
  if (!line) {
    Refusals r;
    r.Add("CKR_ARGUMENTS_BAD", refusal);
    Refuse(p, before, r);
    p.summary = "a line no lunacm parser may accept";
    if (refused_verb == Verb::kBackup || refused_verb == Verb::kRestore) {
      LoginFirstReading(p, before);
    }
    if (refusal == "OPT-SLOT") p.alternatives.push_back(UnnumberedSlot(before));
    // OPT-OBJECTS-INVALID: the seed asks only for "a list of handles,
    // separated by commas", so a backup may select a repeated handle once;
    // so may a restore, whose syntax the seed does not give.
    std::optional<std::string> once;
    if (refusal == "OPT-OBJECTS-INVALID" &&
        (refused_verb == Verb::kBackup || refused_verb == Verb::kRestore) &&
        (once = ObjectsListedOnce(text))) {
      OfferReading(p, PredictLine(before, *once, answers, given), "objects-dedupe");
    }
    return p;
  }
  World start = before;
  ClearProvenance(start);
  if (line->verb == Verb::kHelp) {  // PROJ-COMMAND-WORDS: it lists, and touches nothing
    p.after = start;
    p.codes = {"CKR_OK"};
    p.code_clauses = {"PROJ-COMMAND-WORDS"};
    p.state_clause = "PROJ-COMMAND-WORDS";
    p.said.help_names = line->help_names;
    p.summary = "help, which changes nothing (not even the clock)";
    if (line->abbreviated) p.alternatives.push_back(FullWordsOnly(start));
    return p;
  }
  auto by_verb = [&](const Line& l) {
    Prediction q;
    switch (l.verb) {
      case Verb::kBackup:
        q = PredictBackup(start, l, answers, given);
        SourceOrderReading(q, start, l, answers, given);
        SmkOnlyNameReading(q, start, l, answers, given);
        break;
      case Verb::kRestore:
        q = PredictRestore(start, l, answers, given);
        RestoreOrderReading(q, start, l, answers, given);
        break;
      case Verb::kList:
      case Verb::kContents:
      case Verb::kDelete: q = PredictAdmin(start, l, answers, given); break;
      default: q = PredictSession(start, l); break;
    }
    return q;
  };
  p = by_verb(*line);
  // A USB-attached backup HSM reached through -slot (its number, or
  // `direct`): the line goes ahead because -slot takes either (OPT-SLOT),
  // which a target that refuses it as naming no slot breaks (Judge).
  if (IsArchive(line->verb) && p.codes == std::set<std::string>{"CKR_OK"}) {
    const auto hsm = start.hsms.find(line->slot);
    p.usb_slot = line->slot_direct ||
                 (hsm != start.hsms.end() && hsm->second.connection == Connection::kUsb);
  }
  // PROJ-PED-CREDENTIALS `accepts` ped-credentials-ignored: the seed's PED
  // example types no credential, and nothing says typed ones are refused; a
  // PED device may ignore them and go on as the line without them would.
  if (std::find(p.code_clauses.begin(), p.code_clauses.end(), "PROJ-PED-CREDENTIALS") !=
      p.code_clauses.end()) {
    Line bare = *line;
    for (const char* o : {"password", "sopassword", "domain", "defaultdomain"})
      bare.options.erase(o);
    OfferReading(p, by_verb(bare), "ped-credentials-ignored");
  }
  if (p.credentials_refusable || LeavesOffOnLine(start, *line)) {
    p.alternatives.push_back(CredentialsOnLine(start));
  }
  if (p.replace_may_ask) p.alternatives.push_back(ReplaceAsks(p, start, answers));
  if (line->respelled) p.alternatives.push_back(ListedSpellings(start));
  if (line->abbreviated) p.alternatives.push_back(FullWordsOnly(start));
  if (line->keyword_respelled) {
    p.alternatives.push_back(KeywordsAsSpelled(start, *line));
    p.code_why += line->slot_direct && *line->Get("slot") != "direct"
                      ? " (the line's '-slot " + *line->Get("slot") +
                            "' is read as the keyword 'direct': the backup HSM connected by usb)"
                      : " (the line's '-objects " + line->Get("objects").value_or("") +
                            "' is read as the keyword 'all')";
  }
  AcceptAnyOutOfRoomCode(p);
  AcceptAnyOwnCode(p);
  AcceptQuitAsSuccess(p);
  // Only a command that succeeds moves the world's clock.
  auto tick = [](Prediction& q) {
    if (q.modelled && q.codes == std::set<std::string>{"CKR_OK"}) q.after.now += q.after.step;
  };
  std::string form_clause, form_why;
  if (IsArchive(line->verb) && line->Has("objects")) {
    form_clause = "OPT-OBJECTS-FORMS";
    form_why = " (the line uses -objects " + *line->Get("objects") + ")";
  } else if (IsArchive(line->verb) && line->Get("partition").value_or("").size() == 32) {
    form_clause = "OPT-PARTITION-MAXLEN";
    form_why = " (the line names a partition of 32 characters)";
  }
  auto forms = [&](Prediction& q) {
    q.respelled = line->respelled;
    q.shortcut = line->shortcut;
    q.abbreviated = line->abbreviated;
    q.form_clause = form_clause;
    q.form_why = form_why;
  };
  forms(p);
  for (Prediction& alt : p.alternatives) forms(alt);
  auto fallback = [](Prediction& q) {
    if (q.state_clause.empty()) {
      q.state_clause = q.code_clauses.empty() ? "SRC-UNCHANGED" : q.code_clauses.front();
    }
  };
  tick(p);
  fallback(p);
  SetPed(p, before, *line);
  for (Prediction& alt : p.alternatives) {
    tick(alt);
    fallback(alt);
    SetPed(alt, before, *line);
  }
  return p;
}

}  // namespace

Prediction Predict(const World& before, const std::string& text,
                   const std::vector<std::string>& answers, const Credentials& credentials) {
  Prediction p = PredictLine(before, text, answers, credentials);
  p.typed_secrets = TypedSecrets(text);
  // OUT-NO-SECRETS: an answer to a credential prompt is a typed credential.
  for (const auto& [name, value] : credentials) {
    if (value.size() >= 6) p.typed_secrets.push_back(value);
  }
  for (Prediction& alt : p.alternatives) alt.typed_secrets = p.typed_secrets;
  return p;
}

}  // namespace hsmbackup::conformance::model
