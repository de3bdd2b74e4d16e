// The hooks of the readings readings_options.cc defines (clauses.json
// `accepts`: objects-dedupe, objects-source-order, smkonly-ignores-name,
// grouped-figures, type-spelling, listed-spellings-only, label-spaces-kept,
// name-cut) and readings_text.cc defines (error-form, reader-advice,
// resize-fail-ok).
#ifndef HSMBACKUP_CONFORMANCE_MUTANTS_READINGS_OPTIONS_H_
#define HSMBACKUP_CONFORMANCE_MUTANTS_READINGS_OPTIONS_H_

#include <memory>

#include "hsmbackup/protocol.h"

namespace hsmbackup::mutants {

// A backup's -objects list with each repeated handle given once.
std::unique_ptr<ProtocolHook> MakeObjectsDedupe();
// A backup's -objects list put in the source partition's order, a
// restore's in the backup partition's.
std::unique_ptr<ProtocolHook> MakeObjectsSourceOrder();
// -partition NAME dropped from a -smkonly backup without -objects,
// -append or -replace.
std::unique_ptr<ProtocolHook> MakeSmkOnlyIgnoresName();
// The figures of archive list and contents grouped by thousands with ','.
std::unique_ptr<ProtocolHook> MakeGroupedFigures();
// archive contents' Object Type lines as PKCS#11 class names.
std::unique_ptr<ProtocolHook> MakeTypeAsClassName();
// An archive line refused when it spells an option neither by its full
// name nor by the seed's shortcut, in lower case.
std::unique_ptr<ProtocolHook> MakeListedSpellingsOnly();
// `direct` and `all` taken only in lower case; a -slot value that is no
// number names no slot (CKR_SLOT_ID_INVALID).
std::unique_ptr<ProtocolHook> MakeKeywordsAsSpelled();
// Typed credentials and domains ignored on a PED backup HSM.
std::unique_ptr<ProtocolHook> MakePedCredentialsIgnored();
// A backup's default or -smkonly name with the source label's spaces kept.
std::unique_ptr<ProtocolHook> MakeLabelSpacesKept();
// A backup's default or -smkonly name with the source label's spaces made '-'.
std::unique_ptr<ProtocolHook> MakeLabelSpacesDashed();
// A partition the line does not name named from the whole source label, the
// name cut to 32 characters.
std::unique_ptr<ProtocolHook> MakeNameCut();
// Every failure reported as 'Error: the command failed with CKR_NAME.'
// followed by the message, with no 'Command Result' line.
std::unique_ptr<ProtocolHook> MakeErrorForm();
// A backup's transcript without the advice the seed gives the manual's
// reader (delete the empty partition, delete the backup, free space), and
// 'Backup Complete.' before a failed re-size.
std::unique_ptr<ProtocolHook> MakeAdviceUnprinted();
// A backup whose objects are all cloned and whose re-size failed answering
// CKR_OK.
std::unique_ptr<ProtocolHook> MakeResizeFailOk();

}  // namespace hsmbackup::mutants

#endif  // HSMBACKUP_CONFORMANCE_MUTANTS_READINGS_OPTIONS_H_
