// The state comparison (judge.cc): what a target left on its slots against
// what the model predicted, each difference charged to the clause it fails.
#ifndef HSMBACKUP_CONFORMANCE_MODEL_COMPARE_H_
#define HSMBACKUP_CONFORMANCE_MODEL_COMPARE_H_

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "conformance/model.h"

namespace hsmbackup::conformance::model {

// Blame collects mismatches; once `cause` is set, every further one is its
// consequence.
class Blame {
 public:
  explicit Blame(std::vector<Mismatch>* out) : out_(out) {}

  // Add charges `clause` (or, when it is empty, `fallback`), unless an
  // earlier difference explains this one. Returns true if it was primary.
  bool Add(const std::string& clause, const std::string& fallback, std::string what) {
    const std::string c = clause.empty() ? fallback : clause;
    out_->push_back({{c}, std::move(what), cause_});
    return cause_.empty();
  }
  void AddAll(const std::vector<std::string>& clauses, std::string what) {
    out_->push_back({clauses, std::move(what), cause_});
  }
  // Independent adds a mismatch that no earlier difference explains
  // (secrets, the result line).
  void Independent(const std::string& clause, std::string what) {
    out_->push_back({{clause}, std::move(what), ""});
  }
  // From now on every difference follows from `clause`.
  void CausedBy(const std::string& clause) {
    if (cause_.empty()) cause_ = clause;
  }
  const std::string& cause() const { return cause_; }

 private:
  std::vector<Mismatch>* out_;
  std::string cause_;
};

// CompareCounter judges a lockout counter where the target reports it
// (observe's optional so_failures, co_failures, failures): `j[key]`, when
// it is an unsigned number, must be `want`, else AUTH-LOCKOUT with `what`.
void CompareCounter(const Json& j, const char* key, uint32_t want, const std::string& what,
                    Blame& b);

// CompareObjects: the observed objects `seen` hold the same OUIDs as
// `want`, and per object what the model knows: its label, size, class and
// fingerprint, in plaintext. A missing or differing object fails its own
// `why`, else `why`; an unexpected one the clause `gone` names for its
// OUID, else `why`. On a backup partition (`backup`) a V1 object must be
// held opaque (CLONE-OPAQUE-V1); only its label is judged besides.
// Messages start with `where`.
void CompareObjects(const std::vector<Object>& want, const std::map<std::string, std::string>& gone,
                    const Json& seen, const std::string& where, const std::string& why, bool backup,
                    Blame& b);

// CompareHsm judges the backup HSM on slot `id`, observed as `s`, against
// the model's `h`: zeroized or not (AUTH-LOCKOUT; when it differs nothing
// else is judged), its SO login failures (AUTH-LOCKOUT), and its
// partitions by name. A missing partition fails its name's rule
// (`name_why`), else its own `why`, else `h.why`, else `p.state_clause`;
// when exactly one is missing and one unknown is there, the target renamed
// it and every later difference follows from that rule. Per partition: its
// login failures, origin, objects (CompareObjects) and space figures (the
// invariants every size model keeps, CLONE-STOP-V0V1 for a stop's figure).
// An unexpected partition fails the clause `h.gone` names, else the HSM's
// clause. Then the device's space: free + allocated must be its capacity
// (`h.space_why`), and nothing free after a failed re-size (RESIZE-FAIL).
// A space difference follows from the first difference in the partitions
// or objects. `out` is the vector `b` collects into.
void CompareHsm(const Prediction& p, uint32_t id, const Hsm& h, const Json& s, Blame& b,
                std::vector<Mismatch>* out);

}  // namespace hsmbackup::conformance::model

#endif  // HSMBACKUP_CONFORMANCE_MODEL_COMPARE_H_
