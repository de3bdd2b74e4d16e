// One function per clause family, each in its own file next to this one.
// Checks hold no judgement of their own: each scenario runs through the
// model (model.h), the one home of every clause's expectations.
// AllChecks (all.cc) concatenates them in report order. Families that read
// the kit's data take its directory (conformance/data_dir.h has the layout).
#ifndef HSMBACKUP_CONFORMANCE_CHECKS_FAMILIES_H_
#define HSMBACKUP_CONFORMANCE_CHECKS_FAMILIES_H_

#include <filesystem>
#include <vector>

#include "conformance/check.h"

namespace hsmbackup::conformance {

std::vector<Check> AuthenticationChecks();  // authentication.cc
std::vector<Check> DomainChecks();          // domains.cc
std::vector<Check> CloningChecks();         // cloning.cc
std::vector<Check> FirmwareChecks();        // firmware.cc
std::vector<Check> SizingChecks();          // sizing.cc
std::vector<Check> OptionChecks(const std::filesystem::path& data_dir);  // options.cc: -append,
                                                                         // -replace, -objects
std::vector<Check> OptionPartitionChecks(); // options_partition.cc: -partition, -smkonly, -force
std::vector<Check> OptionSyntaxChecks();    // options_syntax.cc: shortcuts, -slot, -debug
std::vector<Check> OutputChecks(const std::filesystem::path& data_dir);  // output.cc
// The RestoreFamily group, by concept:
std::vector<Check> SourceChecks();          // source.cc: SRC-UNCHANGED
std::vector<Check> RestoreChecks();         // restore.cc: restore, round trip, SMK, same OUID
std::vector<Check> ArchiveAdminChecks();    // archive_admin.cc: list, contents, delete
std::vector<Check> ProjectRuleChecks();     // project_rules.cc: the project's own clauses
std::vector<Check> StoredV1Checks();        // stored_v1.cc: V1 backups in the loaded world
std::vector<Check> WorldLoadChecks();       // world_load.cc: bad worlds through `load`
std::vector<Check> StatefulChecks();        // stateful.cc: rc::state over command sequences
// vectors.cc: <data_dir>/fixtures/vectors/.
std::vector<Check> VectorChecks(const std::filesystem::path& data_dir);
// VectorChecksIn reads the vector files of `vector_dir` instead (tests);
// worldFile paths stay relative to `data_dir`.
std::vector<Check> VectorChecksIn(const std::filesystem::path& vector_dir,
                                  const std::filesystem::path& data_dir);
// regressions.cc: <data_dir>/fixtures/regressions/.
std::vector<Check> RegressionChecks(const std::filesystem::path& data_dir);

}  // namespace hsmbackup::conformance

#endif  // HSMBACKUP_CONFORMANCE_CHECKS_FAMILIES_H_
