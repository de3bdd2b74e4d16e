// Comparing what a target did with what the model predicted.
#include <algorithm>
#include <cstdio>
#include <map>

#include "conformance/model.h"

namespace hsmbackup::conformance::model {
namespace {

using Clauses = std::vector<std::string>;

class Report {
 public:
  explicit Report(std::vector<Mismatch>* out) : out_(out) {}
  void Add(const Clauses& clauses, const Clauses& fallback, std::string what) {
    out_->push_back({clauses.empty() ? fallback : clauses, std::move(what)});
  }

 private:
  std::vector<Mismatch>* out_;
};

std::string Str(const Json& j, const char* key) {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
}

uint64_t U64(const Json& j, const char* key) {
  return j.contains(key) && j[key].is_number_unsigned() ? j[key].get<uint64_t>() : 0;
}

// CompareObjects: same OUIDs, and per object what the model knows.
void CompareObjects(const std::vector<Object>& want, const Json& seen, const std::string& where,
                    const Clauses& clauses, const Clauses& fallback, bool backup, Report& r) {
  std::map<std::string, const Json*> by_ouid;
  for (const Json& o : seen) by_ouid[Str(o, "ouid")] = &o;
  for (const Object& m : want) {
    auto it = by_ouid.find(m.ouid);
    if (it == by_ouid.end()) {
      r.Add(clauses, fallback, where + ": object " + m.ouid + " (" + m.label + ") is missing");
      continue;
    }
    const Json& o = *it->second;
    if (Str(o, "label") != m.label || U64(o, "size") != m.size) {
      r.Add(clauses, fallback, where + ": object " + m.ouid + " has label '" + Str(o, "label") +
                                   "' size " + std::to_string(U64(o, "size")) + ", expected '" +
                                   m.label + "' size " + std::to_string(m.size));
    }
    const bool opaque = o.value("opaque", false);
    if (backup && m.opaque) {
      if (!opaque || o.contains("fingerprint") || o.contains("class")) {
        r.Add({"CLONE-OPAQUE-V1"}, {}, where + ": V1 object " + m.ouid +
                                           " is held in plaintext (not opaque, or its class or "
                                           "fingerprint is visible)");
      }
      continue;
    }
    if (opaque) {
      r.Add(clauses, fallback, where + ": object " + m.ouid + " is opaque; expected plaintext");
      continue;
    }
    if (!m.cls.empty() && Str(o, "class") != m.cls) {
      r.Add(clauses, fallback, where + ": object " + m.ouid + " has class " + Str(o, "class") +
                                   ", expected " + m.cls);
    }
    if (!m.fingerprint.empty() && Str(o, "fingerprint") != m.fingerprint) {
      r.Add(clauses, fallback, where + ": object " + m.ouid + " has another fingerprint than "
                                       "its source (its attributes or value changed)");
    }
  }
  for (const auto& [ouid, o] : by_ouid) {
    if (std::none_of(want.begin(), want.end(), [&](const Object& m) { return m.ouid == ouid; })) {
      r.Add(clauses, fallback, where + ": unexpected object " + ouid + " (" + Str(*o, "label") + ")");
    }
  }
}

void CompareHsm(const Prediction& p, uint32_t id, const Hsm& h, const Json& s, Report& r) {
  const std::string where = "backup HSM on slot " + std::to_string(id);
  Clauses any = p.object_clauses;
  any.insert(any.end(), p.code_clauses.begin(), p.code_clauses.end());
  if (s.value("zeroized", false) != h.zeroized) {
    r.Add({"AUTH-LOCKOUT"}, {}, where + (h.zeroized ? " should be zeroized" : " is zeroized"));
    return;
  }
  if (U64(s, "free") != h.free()) {
    r.Add(p.space_clauses, any, where + " has " + std::to_string(U64(s, "free")) +
                                    " bytes free, expected " + std::to_string(h.free()));
  }
  std::map<std::string, const Json*> seen;
  const Json partitions = s.value("partitions", Json::array());
  for (const Json& q : partitions) seen[Str(q, "name")] = &q;
  for (const Partition& m : h.partitions) {
    auto it = seen.find(m.name);
    if (it == seen.end()) {
      r.Add(any, {}, where + ": backup partition " + m.name + " is missing");
      continue;
    }
    const Json& q = *it->second;
    const std::string at = where + ", partition " + m.name;
    if (Str(q, "origin") != m.origin) {
      r.Add(any, {}, at + ": origin " + Str(q, "origin") + ", expected " + m.origin);
    }
    if (U64(q, "allocated") != m.allocated || U64(q, "used") != m.used()) {
      r.Add(p.space_clauses, any, at + ": allocated/used " + std::to_string(U64(q, "allocated")) +
                                      "/" + std::to_string(U64(q, "used")) + ", expected " +
                                      std::to_string(m.allocated) + "/" + std::to_string(m.used()));
    }
    CompareObjects(m.objects, q.value("objects", Json::array()), at, p.object_clauses, any, true, r);
  }
  for (const auto& [name, q] : seen) {
    if (h.partitions.end() == std::find_if(h.partitions.begin(), h.partitions.end(),
                                           [&](const Partition& m) { return m.name == name; })) {
      r.Add(any, {}, where + ": unexpected backup partition " + name);
    }
  }
}

}  // namespace

std::vector<Mismatch> Judge(Prediction& p, const Outcome& outcome, const Json& observed,
                            const std::vector<std::string>& secrets) {
  std::vector<Mismatch> out;
  Report r(&out);
  // OUT-NO-SECRETS: nothing the target says may hold a secret.
  const std::string state_text = observed.dump();
  for (const std::string& secret : secrets) {
    bool leaked = outcome.message.find(secret) != std::string::npos ||
                  state_text.find(secret) != std::string::npos;
    for (const std::string& l : outcome.transcript) leaked |= l.find(secret) != std::string::npos;
    if (leaked) r.Add({"OUT-NO-SECRETS"}, {}, "a secret of the world appears in the output");
  }
  // OUT-ERROR / OUT-TRANSCRIPT: the closing line names the result.
  const std::string last = outcome.transcript.empty() ? "" : outcome.transcript.back();
  if (outcome.ok() ? last != "Command Result : No Error"
                   : (last.rfind("Command Result : 0x", 0) != 0 ||
                      last.find("(" + outcome.result + ")") == std::string::npos)) {
    r.Add({outcome.ok() ? "OUT-TRANSCRIPT" : "OUT-ERROR"}, {},
          "the transcript's last line is '" + last + "'");
  }
  if (!p.modelled) {
    Adopt(p.after, observed);
    return out;
  }
  if (p.codes.count(outcome.result) == 0) {
    std::string want;
    for (const std::string& c : p.codes) want += (want.empty() ? "" : " or ") + c;
    r.Add(p.code_clauses, {"OUT-ERROR"}, "answered " + outcome.result + ", expected " + want);
  }
  if (outcome.prompts != p.prompts) {
    r.Add(p.prompt_clauses, p.code_clauses,
          "asked " + std::to_string(outcome.prompts) + " prompt(s), expected " +
              std::to_string(p.prompts));
  }
  std::map<uint32_t, const Json*> slots;
  const Json observed_slots = observed.value("slots", Json::array());
  for (const Json& s : observed_slots) slots[s.value("id", 0u)] = &s;
  for (const auto& [id, u] : p.after.users) {
    auto it = slots.find(id);
    if (it == slots.end()) {
      r.Add(p.user_clauses, {}, "slot " + std::to_string(id) + " is missing");
      continue;
    }
    const std::string where = "user partition on slot " + std::to_string(id);
    if (it->second->value("zeroized", false) != u.zeroized) {
      r.Add({"AUTH-LOCKOUT"}, {}, where + (u.zeroized ? " should be zeroized" : " is zeroized"));
    }
    CompareObjects(u.objects, it->second->value("objects", Json::array()), where, p.user_clauses,
                   {}, false, r);
    if (!u.smk_id.empty() && Str(*it->second, "smk_id") != u.smk_id) {
      r.Add(p.user_clauses, {}, where + ": its SMK is not the expected one");
    }
  }
  for (const auto& [id, h] : p.after.hsms) {
    auto it = slots.find(id);
    if (it == slots.end()) {
      r.Add(p.object_clauses, p.code_clauses, "slot " + std::to_string(id) + " is missing");
      continue;
    }
    CompareHsm(p, id, h, *it->second, r);
  }
  Adopt(p.after, observed);
  return out;
}

}  // namespace hsmbackup::conformance::model
