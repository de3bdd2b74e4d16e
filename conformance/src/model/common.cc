// Rules shared by the archive commands, and the dispatch of a line.
#include <algorithm>

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

void SoFirstReading(Prediction& p, const World& before, long slot, const Line& line) {
  if (slot < 0 || p.codes.count("CKR_OK") != 0) return;
  auto it = before.hsms.find(static_cast<uint32_t>(slot));
  if (it == before.hsms.end() || it->second.auth != "password" || it->second.zeroized ||
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

std::string Answer(const std::vector<std::string>& answers, int i) {
  return i < static_cast<int>(answers.size()) ? answers[i] : "quit";
}

long ResolveHsm(const World& w, const Line& line, Refusals& r) {
  if (line.slot_direct) {  // OPT-SLOT: the one USB-attached backup HSM
    long found = -1;
    int count = 0;
    for (const auto& [id, h] : w.hsms) {
      if (h.connection == "usb") {
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

void CheckCredentialOptions(const Hsm& hsm, const Line& line, bool needs_password,
                            bool needs_sopassword, Refusals& r) {
  if (hsm.auth == "ped") {  // PROJ-PED-CREDENTIALS
    if (line.Has("password") || line.Has("sopassword") || line.Has("domain") ||
        line.Has("defaultdomain")) {
      r.Add("CKR_ARGUMENTS_BAD", "PROJ-PED-CREDENTIALS");
    }
    return;
  }
  if (needs_sopassword && !line.Has("sopassword")) r.Add("CKR_ARGUMENTS_BAD", "AUTH-SO");
  if (needs_password && !line.Has("password")) r.Add("CKR_ARGUMENTS_BAD", "AUTH-PO");
}

bool SoLogin(Prediction& p, Hsm& hsm, const Line& line) {
  if (hsm.auth == "ped") return true;
  if (line.Get("sopassword").value_or("") == hsm.so_password) {
    hsm.so_failures = 0;
    return true;
  }
  p.codes = {"CKR_PIN_INCORRECT"};
  p.code_clauses = {"AUTH-SO"};
  p.state_clause = "AUTH-SO";
  if (++hsm.so_failures >= 3) {  // AUTH-LOCKOUT: the third failure zeroizes
    hsm.zeroized = true;
    hsm.partitions.clear();
    hsm.so_failures = 0;
    hsm.why = hsm.space_why = "AUTH-LOCKOUT";
  }
  return false;
}

bool ContainerLogin(Prediction& p, const Hsm& hsm, Partition& part, const Line& line) {
  if (hsm.auth == "ped") return true;
  if (part.failures >= 10) {
    p.codes = {"CKR_PIN_LOCKED"};
    p.code_clauses = {"AUTH-LOCKOUT"};
    p.state_clause = "AUTH-LOCKOUT";
    return false;
  }
  if (line.Get("password").value_or("") != part.password) {
    p.codes = {"CKR_PIN_INCORRECT"};
    p.code_clauses = {"AUTH-PO"};
    p.state_clause = "AUTH-PO";
    if (++part.failures >= 10) {  // the tenth failure may already say so
      p.codes.insert("CKR_PIN_LOCKED");
      p.code_clauses = {"AUTH-LOCKOUT"};
    }
    return false;
  }
  part.failures = 0;
  return true;
}

Prediction Predict(const World& before, const std::string& text,
                   const std::vector<std::string>& answers) {
  std::string refusal;
  bool unknown = false;
  std::optional<Line> line = ParseLine(text, &refusal, &unknown);
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
    return p;
  }
  World start = before;
  ClearProvenance(start);
  if (line->verb == "backup") p = PredictBackup(start, *line, answers);
  else if (line->verb == "restore") p = PredictRestore(start, *line, answers);
  else if (line->verb == "list" || line->verb == "contents" || line->verb == "delete")
    p = PredictAdmin(start, *line, answers);
  else p = PredictSession(start, *line);
  // Only a command that succeeds moves the world's clock.
  auto tick = [](Prediction& q) {
    if (q.modelled && q.codes == std::set<std::string>{"CKR_OK"}) q.after.now += q.after.step;
  };
  p.respelled = line->respelled;
  for (Prediction& alt : p.alternatives) alt.respelled = line->respelled;
  auto fallback = [](Prediction& q) {
    if (q.state_clause.empty()) {
      q.state_clause = q.code_clauses.empty() ? "SRC-UNCHANGED" : q.code_clauses.front();
    }
  };
  tick(p);
  fallback(p);
  for (Prediction& alt : p.alternatives) {
    tick(alt);
    fallback(alt);
  }
  return p;
}

}  // namespace hsmbackup::conformance::model
