// Comparing the state a target left with the state the model predicted
// (compare.h). Blame runs through it as through the rest of the chain
// (judge.cc): within the state, a partition whose objects differ has space
// figures that differ as a consequence.
#include "model/compare.h"

#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "conformance/model.h"
#include "model/observed.h"

namespace hsmbackup::conformance::model {
namespace {

// FirstCause is the clause of the first primary mismatch from `start` on,
// or `outer` when there is none.
std::string FirstCause(const std::vector<Mismatch>& out, size_t start, const std::string& outer) {
  for (size_t i = start; i < out.size(); ++i) {
    if (out[i].primary()) return out[i].clauses.front();
  }
  return outer;
}

// AddAfter adds a mismatch that is a consequence of `cause` when that is set.
void AddAfter(Blame& b, std::vector<Mismatch>* out, const std::string& cause,
              const std::string& clause, const std::string& fallback, std::string what) {
  b.Add(clause, fallback, std::move(what));
  if (!cause.empty() && out->back().primary()) out->back().after = cause;
}

// CompareSpace judges one partition's figures: the invariants every size
// model keeps (under the clause that fixes them), not the project's exact
// figures (PROJ-SIZE-MODEL `accepts` own-size-model).
// Only a Backup HSM 7 (`resizes`) re-sizes a partition "to the minimum size
// required to accommodate the backup objects" (seed): where the model has
// the allocation equal the use there, the target's must too. A Backup HSM
// G5's allocation is its size model's (PROJ-SIZE-MODEL): it may exceed the
// use (a partition given the precheck's whole need, an object discarded).
void CompareSpace(const Partition& m, const Json& q, const std::string& at, const std::string& why,
                  const std::string& cause, bool figures_open, bool resizes, Blame& b,
                  std::vector<Mismatch>* out) {
  const uint64_t allocated = U64(q, "allocated"), used = U64(q, "used");
  const std::string clause = m.space_why.empty() ? why : m.space_why;
  if (used > allocated) {
    AddAfter(b, out, cause, clause, why,
             at + ": uses " + std::to_string(used) + " bytes of an allocation of " +
                 std::to_string(allocated));
    return;
  }
  if (resizes && m.allocated == m.used() && allocated != used) {
    AddAfter(b, out, cause, clause, why,
             at + ": allocated " + std::to_string(allocated) + " bytes for " +
                 std::to_string(used) +
                 " used; expected the allocation to equal the use (a Backup HSM 7 re-sizes the "
                 "partition to the minimum its objects need)");
    return;
  }
  if (!figures_open && m.allocated_if_continued != 0 && allocated == m.allocated_if_continued &&
      used == m.used()) {
    AddAfter(b, out, cause, "CLONE-STOP-V0V1", why,
             at + ": allocated " + std::to_string(allocated) +
                 " bytes, what going on after the failed object would have grown it to; "
                 "stopping there leaves " + std::to_string(m.allocated));
    return;
  }
  // The project's own figures (PROJ-SIZE-MODEL) are one size model of many
  // the seed allows (`accepts` own-size-model): not judged; Adopt takes the
  // target's.
}

}  // namespace

void CompareCounter(const Json& j, const char* key, uint32_t want, const std::string& what,
                    Blame& b) {
  if (!j.contains(key) || !j[key].is_number_unsigned()) return;
  const uint64_t got = j[key].get<uint64_t>();
  if (got != want) {
    b.Add("AUTH-LOCKOUT", "", what + ": " + std::to_string(got) + " counted, expected " +
                                  std::to_string(want));
  }
}

void CompareObjects(const std::vector<Object>& want, const std::map<std::string, std::string>& gone,
                    const Json& seen, const std::string& where, const std::string& why,
                    bool backup, Blame& b) {
  std::map<std::string, const Json*> by_ouid;
  for (const Json& o : seen) by_ouid[Str(o, "ouid")] = &o;
  for (const Object& m : want) {
    const std::string& clause = m.why.empty() ? why : m.why;
    auto it = by_ouid.find(m.ouid);
    if (it == by_ouid.end()) {
      b.Add(clause, why, where + ": object " + m.ouid + " (" + m.label + ") is missing");
      continue;
    }
    const Json& o = *it->second;
    const bool opaque = o.value("opaque", false);
    if (Str(o, "label") != m.label) {
      b.Add(clause, why, where + ": object " + m.ouid + " has label '" + Str(o, "label") +
                             "', expected '" + m.label + "'");
    }
    if (backup && m.opaque) {
      if (!opaque || o.contains("fingerprint") || o.contains("class")) {
        b.Add("CLONE-OPAQUE-V1", "", where + ": V1 object " + m.ouid +
                                         " is held in plaintext (not opaque, or its class or "
                                         "fingerprint is visible)");
      }
      continue;  // its size is the target's size model (a sealed blob may be larger)
    }
    if (U64(o, "size") != m.size) {
      b.Add(clause, why, where + ": object " + m.ouid + " has size " +
                             std::to_string(U64(o, "size")) + ", expected " +
                             std::to_string(m.size));
    }
    if (opaque) {
      b.Add(clause, why, where + ": object " + m.ouid + " is opaque; expected plaintext");
      continue;
    }
    if (m.cls && Str(o, "class") != Name(*m.cls)) {
      b.Add(clause, why, where + ": object " + m.ouid + " has class " + Str(o, "class") +
                             ", expected " + Name(*m.cls));
    }
    if (!m.fingerprint.empty() && Str(o, "fingerprint") != m.fingerprint) {
      b.Add(clause, why, where + ": object " + m.ouid + " has another fingerprint than "
                                                    "its source (its attributes or value changed)");
    }
  }
  for (const auto& [ouid, o] : by_ouid) {
    if (std::none_of(want.begin(), want.end(), [&](const Object& m) { return m.ouid == ouid; })) {
      auto g = gone.find(ouid);
      b.Add(g == gone.end() ? why : g->second, why,
            where + ": unexpected object " + ouid + " (" + Str(*o, "label") + ")");
    }
  }
}

void CompareHsm(const Prediction& p, uint32_t id, const Hsm& h, const Json& s, Blame& b,
                std::vector<Mismatch>* out) {
  const std::string where = "backup HSM on slot " + std::to_string(id);
  const std::string why = h.why.empty() ? p.state_clause : h.why;
  if (s.value("zeroized", false) != h.zeroized) {
    b.Add("AUTH-LOCKOUT", "", where + (h.zeroized ? " should be zeroized" : " is zeroized"));
    return;
  }
  CompareCounter(s, "so_failures", h.so_failures, where + ": failed SO logins", b);
  std::map<std::string, const Json*> seen;
  const Json partitions = s.value("partitions", Json::array());
  for (const Json& q : partitions) seen[Str(q, "name")] = &q;
  uint64_t allocated_sum = 0;
  for (const Json& q : partitions) allocated_sum += U64(q, "allocated");
  std::string space_cause = b.cause();
  // One partition missing and one the model does not know: the target gave
  // the partition another name. The name's rule is the cause; the
  // unexpected partition and the lines naming the expected one follow.
  auto expected = [&](const std::string& name) {
    return std::any_of(h.partitions.begin(), h.partitions.end(),
                       [&](const Partition& m) { return m.name == name; });
  };
  const size_t missing = static_cast<size_t>(
      std::count_if(h.partitions.begin(), h.partitions.end(),
                    [&](const Partition& m) { return seen.count(m.name) == 0; }));
  const size_t unknown =
      static_cast<size_t>(std::count_if(seen.begin(), seen.end(), [&](const auto& q) {
        return !expected(q.first) && h.gone.count(q.first) == 0;
      }));
  const bool renamed = missing == 1 && unknown == 1;
  for (const Partition& m : h.partitions) {
    const std::string pwhy = m.why.empty() ? why : m.why;
    auto it = seen.find(m.name);
    if (it == seen.end()) {
      const std::string missing_why = m.name_why.empty() ? pwhy : m.name_why;
      b.Add(missing_why, why, where + ": backup partition " + m.name + " is missing");
      if (space_cause.empty()) space_cause = missing_why;
      if (renamed) b.CausedBy(missing_why);
      continue;
    }
    const Json& q = *it->second;
    const std::string at = where + ", partition " + m.name;
    CompareCounter(q, "failures", m.failures, at + ": failed logins to the partition", b);
    if (Str(q, "origin") != Name(m.origin)) {
      b.Add(pwhy, why, at + ": origin " + Str(q, "origin") + ", expected " + Name(m.origin));
    }
    const size_t start = out->size();
    CompareObjects(m.objects, m.gone, q.value("objects", Json::array()), at, pwhy, true, b);
    CompareSpace(m, q, at, pwhy, FirstCause(*out, start, b.cause()), h.figures_open,
                 h.model == HsmModel::kBackupHsm7, b, out);
    if (space_cause.empty()) space_cause = FirstCause(*out, start, b.cause());
  }
  for (const auto& [name, q] : seen) {
    if (!expected(name)) {
      auto g = h.gone.find(name);
      b.Add(g == h.gone.end() ? why : g->second, why, where + ": unexpected backup partition " + name);
      if (space_cause.empty()) space_cause = g == h.gone.end() ? why : g->second;
    }
  }
  // Space on the whole device: free + allocated = capacity for any size
  // model; no free space after a failed re-size.
  const uint64_t free = U64(s, "free");
  const std::string swhy = h.space_why.empty() ? why : h.space_why;
  auto add = [&](const std::string& c, const std::string& what) {
    AddAfter(b, out, space_cause, c, why, what);
  };
  if (free + allocated_sum != h.capacity) {
    add(swhy, where + ": " + std::to_string(free) + " bytes free and " +
                  std::to_string(allocated_sum) + " allocated do not add up to its capacity of " +
                  std::to_string(h.capacity));
  } else if (h.shrink_failed && free != 0) {
    add("RESIZE-FAIL", where + ": " + std::to_string(free) +
                           " bytes free after a failed re-size; all of it stays with the backup");
  }
}

}  // namespace hsmbackup::conformance::model
