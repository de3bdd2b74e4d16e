// The suite's own model of the clauses.
//
// It shares no code with reference/: it reads the world document the suite
// generated, keeps its own small picture of every slot, and predicts, for one
// lunacm line, which result codes the clauses accept and what every device
// must look like afterwards. Where the clauses leave a choice (which of two
// violated rules a refused command reports), the prediction accepts every
// such code; all of them leave the same state. Where the seed leaves a
// choice that changes the outcome (clauses.json `accepts`), the prediction
// carries each reading as an alternative. Handles, fingerprints and the
// space figures of the target's own size model are the target's choice:
// after each step the model adopts what it observed.
//
// Every expectation carries the one clause it comes from ("why"): a
// difference fails that clause only, and a difference that follows from an
// earlier one in the same step is reported as its consequence.
#ifndef HSMBACKUP_CONFORMANCE_MODEL_H_
#define HSMBACKUP_CONFORMANCE_MODEL_H_

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "conformance/facts.h"
#include "conformance/target.h"

namespace hsmbackup::conformance::model {


struct Object {
  uint32_t handle = 0;
  std::string ouid;  // 24 lower-case hex digits
  std::string label;
  std::optional<ObjectClass> cls;  // nullopt: a sealed object the model cannot open
  uint64_t size = 0;
  std::string fingerprint;  // from the first observation; "" until known
  bool opaque = false;      // backup objects of a V1 source
  // A V1 object's sealed length under the project's blob format: what it
  // takes on a backup HSM (PROJ-SIZE-MODEL) instead of `size`; 0 = `size`.
  uint64_t sealed = 0;
  std::string why;          // the clause that fixed this object in the last step; "" = default
};

struct User {
  std::string label;
  Kind kind = Kind::kV0;
  Auth auth = Auth::kPassword;
  Version firmware;
  std::string domain, co_password;
  bool allow_private = true, allow_secret = true, hsm_allow = true;
  bool allow_cpv1 = false;  // partition policy 42 (RESTORE-PRE77-TO-V0)
  uint64_t capacity = 0;
  uint32_t co_threshold = 10, co_failures = 0;
  bool zeroized = false;
  std::string smk_id;  // "" when none; known from observation
  std::vector<Object> objects;
  std::string why;     // the clause behind its objects in the last step; "" = SRC-UNCHANGED
};

struct Partition {
  std::string name, domain, password, source_label;
  Kind origin = Kind::kV0;
  uint64_t allocated = 0;
  uint32_t failures = 0;
  bool has_smk = false;
  std::string smk_id;  // of the V1 source whose SMK it holds
  std::vector<Object> objects;
  // The target's size model may charge more than the project's (another
  // overhead, sealed sizes): observed used - the project's, adopted.
  int64_t extra = 0;
  uint64_t per_object = 0;  // ObjectOverhead of the backup HSM it is on
  // Provenance for the last step: the clause behind its existence and its
  // objects (`why`), behind its space figures (`space_why`), and for each
  // OUID that must NOT be here, the clause that keeps it out.
  std::string why, space_why;
  // The rule behind the partition's name when the line gave none
  // (OPT-PARTITION-DEFAULT, OPT-SMKONLY-NAME): the partition missing under
  // that name breaks it.
  std::string name_why;
  // Where such a name holds a space of the source label (made '_' by the
  // project, kept by label-spaces-kept): the positions in `name`. A target
  // may put any one character a name allows there, the same at each, or
  // drop them (`accepts` label-spaces-replaced); Judge adopts its name.
  std::vector<size_t> label_spaces;
  std::map<std::string, std::string> gone;
  // CLONE-STOP-V0V1 on a Backup HSM G5, after a domain mismatch stopped a
  // V0/V1 backup: the allocation a target that went on through the other
  // objects would show (a G5 partition grows before an object is verified),
  // so that figure is charged to the stop, not to PROJ-SIZE-MODEL; 0: none.
  uint64_t allocated_if_continued = 0;
  uint64_t used() const;
  // Stored is what `o` takes here under the project's size model.
  uint64_t Stored(const Object& o) const;
};

struct Hsm {
  HsmModel model = HsmModel::kBackupHsm7;
  Version firmware;  // also decides SKS (TakesSks)
  Connection connection = Connection::kClient;
  Auth auth = Auth::kPassword;
  std::string so_password, ped_domain;
  uint64_t capacity = 0;
  uint32_t so_failures = 0;
  bool zeroized = false;
  bool restricted_restore = false;  // HSM policy 55 (RESTORE-PRE77-TO-V0)
  std::vector<Partition> partitions;
  // Provenance for the last step: behind the set of partitions and the free
  // figure, and for each partition that must NOT be here, the clause.
  std::string why, space_why;
  std::map<std::string, std::string> gone;
  bool shrink_failed = false;  // RESIZE-FAIL in the last step: no space may be free
  // FULL-REVERT's size-model-fill reading in the last step: the target's own
  // figures stand (only the invariants are judged), whatever its model.
  bool figures_open = false;
  uint64_t free() const;
  Partition* Find(const std::string& name);
};

struct Fault {
  FaultType type = FaultType::kVerifyFail;
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
  // HasFault: a fault of `type` on `slot` for `value` (the handle of a
  // verify_fail, the object count of a partition_full; ignored otherwise).
  bool HasFault(FaultType type, uint32_t slot, uint32_t value) const;
};

// FromWorld reads a hsmbackup-world/1 document into the model's types once.
// nullopt, `error` set, if it holds something the model does not know (an
// unknown kind, model, auth, connection, fault or class spelling; the suite
// only feeds it worlds it generated or shipped).
std::optional<World> FromWorld(const Json& world, std::string* error);

// Secrets lists every password, domain and SMK (hex) in a world document:
// none may appear in any transcript, message or observed state.
std::vector<std::string> Secrets(const Json& world);

// Said is what a transcript must tell beyond its result line, as facts
// (clauses.json `lines`, provenance `project`): a target's own wording
// passes when it carries them.
struct Said {
  // CLONE-DISCARD: one line per object that failed, naming its source
  // handle and the CKR name.
  std::vector<std::pair<uint32_t, std::string>> failed;
  long will_back_up = -1;      // OUT-TRANSCRIPT: "N objects will be backed up."
  long backed_up = -1;         // OUT-TRANSCRIPT: "N objects have been backed up to partition P"
  std::string backed_up_to;
  // Same-OUID objects -append skipped (OPT-APPEND), by source handle: the
  // count leaves them out, and a count, a 'Cloned object' line or a missing
  // fingerprint line that shows one was cloned is charged to OPT-APPEND.
  std::vector<uint32_t> skipped_handles;
  long skipped() const { return static_cast<long>(skipped_handles.size()); }
  // OPT-APPEND: each skip is said: a line names both the source handle and
  // the handle of the backup object that keeps the OUID (the seed's
  // fingerprint line, or the project's own).
  std::vector<std::pair<uint32_t, uint32_t>> append_skipped;
  // CLONE-ONE-AT-A-TIME: a successful backup's seed lines 'Cloned object S
  // to partition P (new handle T).', one per stored object, in this order
  // of source handles S (T is the target's choice). nullopt: not judged.
  std::optional<std::vector<uint32_t>> cloned;
  // How a failure of CLONE-ONE-AT-A-TIME names the orders accepted ("" =
  // only `cloned`'s).
  std::string cloned_order;
  // OPT-APPEND-FINGERPRINT: the seed's 'Target Object handle T has same OUID
  // as Source Object handle S (different finger print).' lines, exactly;
  // with `fingerprints_known` no other such line may appear.
  std::vector<std::pair<uint32_t, std::string>> fingerprint_lines;  // source handle, line
  bool fingerprints_known = false;
  bool smk_cloned = false;  // OPT-SMKONLY: 'The SMK was cloned successfully.'
  // PROJ-RESTORE-SAME-OUID: each skipped object's line names both handles
  // (the backup's, the target partition's).
  std::vector<std::pair<uint32_t, uint32_t>> restore_skipped;
  // OUT-PED: kNever on a password device (no 'Please attend to the PED.'
  // line); kEachAction on a PED backup HSM (each PED action line is
  // followed by it, and a backup that succeeds shows `ped_actions` of them);
  // kLogin for a CO login on a PED user partition.
  enum class Ped { kUnjudged, kNever, kEachAction, kLogin };
  Ped ped = Ped::kUnjudged;
  int ped_actions = 0;
  // A PED restore that succeeds asks for the PED at least this often: the
  // backup HSM's SO, the partition's keys, its domain key (OUT-PED).
  int ped_prompts = 0;
  // PROJ-COMMAND-WORDS: help names each of these (subcommand words, options).
  std::vector<std::string> help_names;
  long list_slot = -1;         // ARCHIVE-LIST: every partition's fields, and the free space
  long contents_slot = -1;     // ARCHIVE-CONTENTS: every object's fields
  std::string contents_of;
};

// Prediction is what the clauses accept for one line.
struct Prediction {
  std::set<std::string> codes;  // acceptable result names; CKR_OK for success
  World after;                  // the state every accepted code leads to
  bool modelled = true;         // false: a line the model does not know; only invariants apply
  int prompts = 0;              // prompts the line must ask
  // The rules that fix the code: for a refusal every rule the line breaks
  // (each is broken if the target goes ahead), else the one rule behind the
  // outcome.
  std::vector<std::string> code_clauses;
  std::string prompt_clause;  // behind the number of prompts
  std::string state_clause;   // behind any state field no rule stamped (see `why`)
  // The line spells an option as a longer prefix or in upper case: a
  // target that refuses it with CKR_ARGUMENTS_BAD breaks OPT-SHORTCUTS.
  bool respelled = false;
  // The line spells some option as the seed's shortcut: a target that
  // refuses it with CKR_ARGUMENTS_BAD breaks OPT-SHORTCUTS.
  bool shortcut = false;
  // The line abbreviates a command word to a unique prefix: a target that
  // refuses it with CKR_ARGUMENTS_BAD breaks PROJ-COMMAND-WORDS.
  bool abbreviated = false;
  // The line reaches a USB-attached backup HSM through -slot (its number or
  // `direct`): a target that refuses it as naming no slot (CKR_SLOT_ID_INVALID,
  // CKR_ARGUMENTS_BAD, CKR_TOKEN_NOT_PRESENT) where the model says it
  // succeeds breaks OPT-SLOT; any other difference is the success path's.
  bool usb_slot = false;
  // The clause behind a form the line uses that a target might not take
  // (PredictLine): -objects (OPT-OBJECTS-FORMS), or a -partition name of the
  // 32 characters OPT-PARTITION-MAXLEN allows. A target that refuses the
  // line with CKR_ARGUMENTS_BAD where no reading does breaks it; `form_why`
  // says which form.
  std::string form_clause, form_why;
  Said said;
  // The refusal's code is the project's choice: neither the seed nor the
  // facts name one (clauses.json `accepts` "own-code"; which refusals, see
  // AcceptAnyOwnCode). Accepts then takes any failure code that names no
  // other condition.
  bool own_code = false;
  // Accepts: `result` is a code the clauses allow for this line.
  bool Accepts(const std::string& result) const;
  // Expected names the acceptable codes, for verdicts.
  std::string Expected() const;
  // "" for the project's reading; else the open choice this alternative
  // takes (clauses.json `accepts`), named in verdicts.
  std::string reading;
  std::vector<Prediction> alternatives;  // the other readings the seed allows
  std::string summary;  // "CKR_OK; partition p gets 3 objects", for messages
  // What a code difference adds after the expected codes: the figures or
  // the reading of the line behind them (" (the backup needs ...)").
  std::string code_why;
  std::vector<std::string> typed_secrets;  // TypedSecrets of the line: OUT-NO-SECRETS
  // AUTH-PROMPT: the credentials (by name) the line leaves off on a password
  // device, which a target asks for (in any order); `unanswered` are those
  // of them the step supplies no answer for: then the target may stop at
  // the first it cannot answer, having asked any of them. With
  // `credentials_refusable` (none of them is one the seed's syntax brackets
  // as optional) a target may instead refuse the line with
  // CKR_ARGUMENTS_BAD and ask nothing (clauses.json AUTH-PROMPT `accepts`).
  std::vector<std::string> credential_prompts;
  std::set<std::string> unanswered;
  bool credentials_refusable = false;
  // A -replace backup or restore without -force got past the checks that
  // come before the proceed/quit question and asks none in the project's
  // reading: the reading "replace-asks" (clauses.json) may ask there.
  bool replace_may_ask = false;
  // The backup gets past its checks and the SO login to its partition
  // before it ends: a failure whose code is the project's choice there is
  // accepted with any failure code only from a target whose transcript
  // shows it went that far (Judge).
  bool goes_ahead = false;
};

// Predict runs one lunacm line (with answers to its prompts, and to its
// credential prompts by name) on the model.
Prediction Predict(const World& before, const std::string& line,
                   const std::vector<std::string>& answers,
                   const Credentials& credentials = {});

// Mismatch is one way the observed state or outcome differs from the
// prediction, charged to clauses. One with `after` set follows from an
// earlier mismatch of the same step (that clause): it is reported as its
// consequence and charged to nobody.
struct Mismatch {
  Mismatch(std::vector<std::string> c, std::string w, std::string a = "")
      : clauses(std::move(c)), what(std::move(w)), after(std::move(a)) {}
  std::vector<std::string> clauses;
  std::string what;
  std::string after;
  // printed: a difference only in what the target printed (how the
  // transcript closes, the facts it must tell), not in its code, prompts or
  // state, so the model's world is still the target's and judging can go on.
  bool printed = false;
  bool primary() const { return after.empty(); }
};

// QuotedMessage is how a result-code difference quotes the target's own
// message (so a vendor config's `match` can select a failure by its cause):
// its first line in line form with every one of `secrets` redacted, as
// ' ("...")'; "" when the message is empty.
std::string QuotedMessage(const Outcome& o, const std::vector<std::string>& secrets);

// OnlyPrinted: every mismatch in `ms` (at least one) is a printed one.
bool OnlyPrinted(const std::vector<Mismatch>& ms);

// Judge compares one executed line with its prediction: secrets
// (OUT-NO-SECRETS: `secrets`, the world's, and p.typed_secrets),
// the failure paragraph and result line (OUT-ERROR), then the
// prompts, the result code, the observed state and the facts the
// transcript must tell, each charged to its own clause and every difference
// after the first in that chain reported as its consequence. Of the
// prediction's readings it takes the one that fits the target (fewest
// primary mismatches; on a tie one that fits the prompts asked, else the
// project's) and moves it into `p`, then adopts the target's handles,
// fingerprints and space figures into `p.after`.
std::vector<Mismatch> Judge(Prediction& p, const Outcome& outcome, const Json& observed,
                            const std::vector<std::string>& secrets);

// TypedSecrets lists every value of 6 or more characters given to
// -password, -sopassword or -domain (in any spelling a parser accepts) on a
// lunacm line; a shorter one may appear in any text by chance.
std::vector<std::string> TypedSecrets(const std::string& line);

// Adopt reads handles, fingerprints, SMK ids, the sizes of opaque objects,
// the space figures and (where observed) the lockout counters from an
// observed state into the model (objects matched by OUID). Call it once
// after load.
void Adopt(World& w, const Json& observed);

}  // namespace hsmbackup::conformance::model

#endif  // HSMBACKUP_CONFORMANCE_MODEL_H_
