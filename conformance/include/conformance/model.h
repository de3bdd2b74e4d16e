// The suite's own model of the clauses.
//
// It shares no code with reference/: it reads the world document the suite
// generated, keeps its own small picture of every slot, and predicts, for one
// lunacm line, which result codes the clauses accept and what every device
// must look like afterwards. Where the clauses leave a choice (which of two
// violated rules a refused command reports), the prediction accepts every
// such code; all of them leave the same state. Handles are the target's
// choice: after each step the model adopts the handles it observed (by OUID).
#ifndef HSMBACKUP_CONFORMANCE_MODEL_H_
#define HSMBACKUP_CONFORMANCE_MODEL_H_

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "conformance/target.h"

namespace hsmbackup::conformance::model {

inline constexpr uint64_t kOverhead = 9648;  // per backup partition (LUNA-FACTS.md)

struct Version {
  int major = 0, minor = 0, patch = 0;
  auto operator<=>(const Version&) const = default;
  static std::optional<Version> Parse(const std::string& text);
};

struct Object {
  uint32_t handle = 0;
  std::string ouid;  // 24 lower-case hex digits
  std::string label;
  std::string cls;   // "private_key", ...
  uint64_t size = 0;
  std::string fingerprint;  // from the first observation; "" until known
  bool opaque = false;      // backup objects of a V1 source
};

struct User {
  std::string label, kind, auth;  // kind: pre77|v0|v1; auth: password|ped
  Version firmware;
  std::string domain, co_password;
  bool allow_private = true, allow_secret = true, hsm_allow = true;
  uint64_t capacity = 0;
  uint32_t co_threshold = 10, co_failures = 0;
  bool zeroized = false;
  std::string smk_id;  // "" when none; known from observation
  std::vector<Object> objects;
};

struct Partition {
  std::string name, domain, password, origin, source_label;
  uint64_t allocated = 0;
  uint32_t failures = 0;
  bool has_smk = false;
  std::string smk_id;  // of the V1 source whose SMK it holds
  std::vector<Object> objects;
  uint64_t used() const;
};

struct Hsm {
  std::string model;  // backup_hsm_7 | backup_hsm_g5
  Version firmware;
  bool sks = false;
  std::string connection, auth, so_password, ped_domain;
  uint64_t capacity = 0;
  uint32_t so_failures = 0;
  bool zeroized = false;
  std::vector<Partition> partitions;
  uint64_t free() const;
  Partition* Find(const std::string& name);
};

struct Fault {
  std::string type;  // verify_fail | partition_full | shrink_fail
  std::optional<uint32_t> slot;
  uint32_t handle = 0, at = 0;
};

struct World {
  Version client;
  std::string default_domain = "defaultdomain";
  int64_t now = 0, step = 0;
  std::map<uint32_t, User> users;
  std::map<uint32_t, Hsm> hsms;
  std::vector<Fault> faults;
  uint32_t current = 0;
  std::map<uint32_t, std::string> logins;  // slot -> role
  bool HasFault(const std::string& type, uint32_t slot, uint32_t value) const;
};

// FromWorld reads a hsmbackup-world/1 document. nullopt, `error` set, if it
// holds something the model does not know (the suite only feeds it worlds
// it generated or shipped).
std::optional<World> FromWorld(const Json& world, std::string* error);

// Secrets lists every password, domain and SMK (hex) in a world document:
// none may appear in any transcript, message or observed state.
std::vector<std::string> Secrets(const Json& world);

// Prediction is what the clauses accept for one line.
struct Prediction {
  std::set<std::string> codes;  // acceptable result names; CKR_OK for success
  World after;                  // the state every accepted code leads to
  bool modelled = true;         // false: a line the model does not know; only invariants apply
  int prompts = 0;              // prompts the line must ask
  // Clauses behind the expected code, the objects, and the space figures;
  // a mismatch in one is charged to those clauses.
  std::vector<std::string> code_clauses, object_clauses, space_clauses;
  std::vector<std::string> user_clauses{"SRC-UNCHANGED"};  // for user partitions
  std::vector<std::string> prompt_clauses;  // for the number of prompts asked
  std::string summary;          // "CKR_OK; partition p gets 3 objects", for messages
};

// Predict runs one lunacm line (with answers to its prompts) on the model.
Prediction Predict(const World& before, const std::string& line,
                   const std::vector<std::string>& answers);

// Mismatch is one way the observed state or outcome differs from the
// prediction, charged to clauses.
struct Mismatch {
  std::vector<std::string> clauses;
  std::string what;
};

// Judge compares one executed line with its prediction: the result code,
// the prompts, the transcript's last line (OUT-ERROR), secrets
// (OUT-NO-SECRETS) and the observed state against `p.after`. It also adopts
// the target's handles and fingerprints into `p.after`.
std::vector<Mismatch> Judge(Prediction& p, const Outcome& outcome, const Json& observed,
                            const std::vector<std::string>& secrets);

// Adopt reads handles, fingerprints and SMK ids from an observed state into
// the model (objects matched by OUID). Call it once after load.
void Adopt(World& w, const Json& observed);

}  // namespace hsmbackup::conformance::model

#endif  // HSMBACKUP_CONFORMANCE_MODEL_H_
