// Rules shared by the archive commands, and the dispatch of a line.
#include <algorithm>
#include <set>
#include <string>
#include <utility>

#include "model/readings.h"
#include "model/rules.h"

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
