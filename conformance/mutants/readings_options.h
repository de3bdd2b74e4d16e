// The hooks of the readings readings_options.cc defines (clauses.json
// `accepts`: objects-dedupe, objects-source-order, smkonly-ignores-name,
// grouped-figures, type-spelling, listed-spellings-only, label-spaces-kept).
#ifndef HSMBACKUP_CONFORMANCE_MUTANTS_READINGS_OPTIONS_H_
#define HSMBACKUP_CONFORMANCE_MUTANTS_READINGS_OPTIONS_H_

#include <memory>

#include "hsmbackup/protocol.h"

namespace hsmbackup::mutants {

// A backup's -objects list with each repeated handle given once.
std::unique_ptr<ProtocolHook> MakeObjectsDedupe();
// A backup's -objects list put in the source partition's order.
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
// A backup's default name with the source label's spaces kept.
std::unique_ptr<ProtocolHook> MakeLabelSpacesKept();

}  // namespace hsmbackup::mutants

#endif  // HSMBACKUP_CONFORMANCE_MUTANTS_READINGS_OPTIONS_H_
