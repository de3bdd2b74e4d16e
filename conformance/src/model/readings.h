// The readings the seed leaves open for a line (clauses.json `accepts`),
// each an alternative to the project's prediction, and the builders every
// family's readings use. A backup's own readings are in backup_plan.h.
#ifndef HSMBACKUP_CONFORMANCE_MODEL_READINGS_H_
#define HSMBACKUP_CONFORMANCE_MODEL_READINGS_H_

#include <string>
#include <vector>

#include "conformance/model.h"
#include "model/line.h"
#include "model/rules.h"

namespace hsmbackup::conformance::model {

// RefusalReading is the reading `reading` (clauses.json `accepts`) in which
// a target refuses the line for `r`, changing nothing.
Prediction RefusalReading(const World& before, const Refusals& r, std::string reading);

// OfferReading adds `q`, the prediction for the line as another reading
// selects it, to `p` as the reading `name`; the readings `q` offers itself
// come along as `name+theirs` (PROTOCOL.md: where readings combine).
void OfferReading(Prediction& p, Prediction q, const std::string& name);

// SoFirstReading adds to a refusal `p` the reading in which the target logs
// the SO in on `slot` before the checks that need no login (clauses.json
// OUT-ERROR `accepts`): a wrong -sopassword then answers CKR_PIN_INCORRECT
// and counts, a right one resets the count.
void SoFirstReading(Prediction& p, const World& before, long slot, const Line& line);

// LoginFirstReading adds to `p`, the parser's refusal of a backup or
// restore line, the reading in which the target looks at the current
// partition and the CO login before the line's syntax (clauses.json
// OUT-ERROR `accepts`): what UserChecks refuses, if anything, instead.
void LoginFirstReading(Prediction& p, const World& before);

// The readings PredictLine (common.cc) offers for a line as a whole.

// CredentialsOnLine is the reading "credentials-on-line" (AUTH-PROMPT
// `accepts`): the target refuses a line that leaves a credential off
// (CKR_ARGUMENTS_BAD), nothing asked, nothing changed.
Prediction CredentialsOnLine(const World& before);

// LeavesOffOnLine: `line` is an archive command for a live password backup
// HSM that leaves off the credential the seed's syntax does not bracket as
// optional (backup's -password; restore's and contents' -password; list's
// and delete's -sopassword).
bool LeavesOffOnLine(const World& w, const Line& line);

// FullWordsOnly is the reading "full-words-only" (PROJ-COMMAND-WORDS
// `accepts`) of a line that abbreviates a command word: refused with any
// failure code, asking nothing, changing nothing.
Prediction FullWordsOnly(const World& before);

// ListedSpellings is the reading "listed-spellings-only" (OPT-SHORTCUTS
// `accepts`) of a line that spells an option neither by its full name nor
// by the seed's shortcut: refused, nothing asked, nothing changed.
Prediction ListedSpellings(const World& before);

// KeywordsAsSpelled is the reading "keywords-as-spelled" (OPT-SLOT and
// OPT-OBJECTS-FORMS `accepts`) of a line that writes a keyword value the
// seed spells in lower case (`direct`, `all`) in another case: the target
// takes the value as spelled, which names no slot (OPT-SLOT) or no handle
// list (OPT-OBJECTS-FORMS), and refuses the line, nothing changed.
Prediction KeywordsAsSpelled(const World& before, const Line& line);

// UnnumberedSlot is the reading "slot-names-no-slot" (OPT-SLOT `accepts`)
// of a line the parser refuses for a -slot value that is neither a number
// nor `direct`: CKR_SLOT_ID_INVALID, nothing changed.
Prediction UnnumberedSlot(const World& before);

// ReplaceAsks is the reading "replace-asks" of a -replace backup or
// restore that goes ahead without a question (`p`): it asks proceed/quit
// first; 'proceed' then leads where `p` does; anything else cancels
// (CKR_FUNCTION_CANCELED, under `p`'s prompt clause), nothing changed.
Prediction ReplaceAsks(const Prediction& p, const World& before,
                       const std::vector<std::string>& answers);

// SourceOrderReading offers on the backup `p`, whose -objects list selects
// objects in another order than the source partition holds them, the
// reading "objects-source-order" (CLONE-ONE-AT-A-TIME `accepts`): the
// backup clones them in the source partition's order. Both readings then
// say either order.
void SourceOrderReading(Prediction& p, const World& start, const Line& line,
                        const std::vector<std::string>& answers, const Credentials& given);

// RestoreOrderReading offers on the restore `p`, whose -objects list
// selects objects in another order than the backup partition holds them,
// the reading "objects-source-order": the restore takes them in the backup
// partition's order.
void RestoreOrderReading(Prediction& p, const World& start, const Line& line,
                         const std::vector<std::string>& answers, const Credentials& given);

// SmkOnlyNameReading offers on the -smkonly backup `p` whose line names its
// partition (and has no -objects, -append or -replace) the reading
// "smkonly-ignores-name" (OPT-SMKONLY `accepts`): the backup as if the line
// named none.
void SmkOnlyNameReading(Prediction& p, const World& start, const Line& line,
                        const std::vector<std::string>& answers, const Credentials& given);

}  // namespace hsmbackup::conformance::model

#endif  // HSMBACKUP_CONFORMANCE_MODEL_READINGS_H_
