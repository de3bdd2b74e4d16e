// Mutants: the reference with one deliberate fault each, served over the
// target protocol by `hsmbackup-mutant NAME` so the conformance suite can be
// shown to catch it (README.md in this folder lists them).
//
// Every mutant is a ProtocolHook (hsmbackup/protocol.h) around the unchanged
// reference engine: it rewrites a line or the world before a command runs,
// or the world, result and transcript after. Each lives in its own file,
// whose header comment names the clause it breaks.
#ifndef HSMBACKUP_CONFORMANCE_MUTANTS_MUTANT_H_
#define HSMBACKUP_CONFORMANCE_MUTANTS_MUTANT_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "hsmbackup/protocol.h"

namespace hsmbackup::mutants {

struct Mutant {
  std::string name;         // what `hsmbackup-mutant NAME` takes
  std::string clause;       // the conformance/clauses.json id it breaks
  std::string description;  // one line: what it does wrong
  std::function<std::unique_ptr<ProtocolHook>()> make;
};

// AllMutants is the registry: every mutant, in a fixed order, names unique.
std::vector<Mutant> AllMutants();
// AllReadings (readings.cc) are the reference taking another reading of a
// choice the seed leaves open, each under the clause whose `accepts` lists
// it: the suite must pass them (no fault, so `clause` must not fail).
std::vector<Mutant> AllReadings();

// One factory per mutant (each defined in its own .cc file).
std::unique_ptr<ProtocolHook> MakeV0ContinuesAfterFailure();
std::unique_ptr<ProtocolHook> MakePre77StopsAtFailure();
std::unique_ptr<ProtocolHook> MakeKeepsObjectsAfterFill();
std::unique_ptr<ProtocolHook> MakeAppendOverwritesSameOuid();
std::unique_ptr<ProtocolHook> MakeSkipsShrink();
std::unique_ptr<ProtocolHook> MakeAcceptsLongName();
std::unique_ptr<ProtocolHook> MakeStoresV1Plaintext();
std::unique_ptr<ProtocolHook> MakeNoEmptyPartitionOnMismatch();
std::unique_ptr<ProtocolHook> MakeObjectsOnOldClient();
std::unique_ptr<ProtocolHook> MakeRestoresToLowerSecurity();
std::unique_ptr<ProtocolHook> MakeSksRestoreIgnoresFirmware();
std::unique_ptr<ProtocolHook> MakeG5NeverGrows();
std::unique_ptr<ProtocolHook> MakeRestoresPre77Ungated();
std::unique_ptr<ProtocolHook> MakeRestoreStopsByTarget();
std::unique_ptr<ProtocolHook> MakePedRestoreSkipsSo();
std::unique_ptr<ProtocolHook> MakeWrongDomainCode();
std::unique_ptr<ProtocolHook> MakeCertificateValueCollides();
std::unique_ptr<ProtocolHook> MakeBackupWithoutCo();
std::unique_ptr<ProtocolHook> MakeModifiesSource();
std::unique_ptr<ProtocolHook> MakeDeleteLeaksSpace();
std::unique_ptr<ProtocolHook> MakeSmkonlyNoConfirm();
std::unique_ptr<ProtocolHook> MakeReplaceNoConfirm();
std::unique_ptr<ProtocolHook> MakeRefusesLeftOffSopassword();
std::unique_ptr<ProtocolHook> MakeHelpOmitsRestore();
// The reading full-words-only (readings_command_words.cc).
std::unique_ptr<ProtocolHook> MakeFullWordsOnly();
std::unique_ptr<ProtocolHook> MakeRefusesSmkShortcut();
std::unique_ptr<ProtocolHook> MakeRefusesObjectsAll();
std::unique_ptr<ProtocolHook> MakeRefusesLongestName();
std::unique_ptr<ProtocolHook> MakeEchoesPassword();
std::unique_ptr<ProtocolHook> MakeNoSoLockout();
std::unique_ptr<ProtocolHook> MakeExistingWithoutAppend();
std::unique_ptr<ProtocolHook> MakeRestoreSmkNoConfirm();
std::unique_ptr<ProtocolHook> MakeContentsShowsV1Class();
std::unique_ptr<ProtocolHook> MakeDropsFailureLine();
std::unique_ptr<ProtocolHook> MakeWrongBackedUpCount();
std::unique_ptr<ProtocolHook> MakeListWrongCount();
std::unique_ptr<ProtocolHook> MakeListWrongUsed();
std::unique_ptr<ProtocolHook> MakeListOmitsOrigin();
std::unique_ptr<ProtocolHook> MakeContentsWrongHandle();
std::unique_ptr<ProtocolHook> MakeContentsWrongType();
std::unique_ptr<ProtocolHook> MakeCoFailuresNotReset();
std::unique_ptr<ProtocolHook> MakeLoadIgnoresUnknownKeys();
std::unique_ptr<ProtocolHook> MakeLoadForgetsOnRefusal();

}  // namespace hsmbackup::mutants

#endif  // HSMBACKUP_CONFORMANCE_MUTANTS_MUTANT_H_
