// The kit's data directory: where hsmbackup-conformance finds the clause
// catalogue, the scenario vectors, the kept regressions and the shipped
// worlds. Nothing of it is compiled in, so an installed kit can be moved.
//
// Layout, the same installed (<prefix>/share/hsmbackup) and in a build tree
// (<build>/share/hsmbackup, links CMake makes into the sources):
//   clauses.json                    the clause catalogue
//   report.schema.json              the JSON report's schema
//   fixtures/vectors/*_test.json    scenario vectors (VECTORS.md)
//   fixtures/worlds/                the shipped worlds; a vector's worldFile
//                                   is a path relative to the data directory
//   fixtures/regressions/           kept counterexamples
//   seed/partition-archive-backup.txt
//                                   the seed page, in a build tree only (the
//                                   checks that quote it carry its text)
#ifndef HSMBACKUP_CONFORMANCE_DATA_DIR_H_
#define HSMBACKUP_CONFORMANCE_DATA_DIR_H_

#include <filesystem>
#include <optional>
#include <string>

namespace hsmbackup::conformance {

// kDataDirEnv names the environment variable that points at a data
// directory when no --data-dir is given.
inline constexpr char kDataDirEnv[] = "HSMB_DATA_DIR";

// DataDir is a data directory and the rule that found it.
struct DataDir {
  enum class Source { kFlag, kEnvironment, kBesideExecutable, kBuildTree };
  std::filesystem::path path;
  Source source = Source::kFlag;
};

// DataDirSourceName is "--data-dir", "HSMB_DATA_DIR", "beside the
// executable" or "build tree".
const char* DataDirSourceName(DataDir::Source source);

// FindDataDir applies, in order, and takes the first that applies:
//   1. `flag` (--data-dir), if not empty;
//   2. `env` (the value of HSMB_DATA_DIR), if not null and not empty;
//   3. <directory of `executable`>/../share/hsmbackup (an installed kit);
//   4. <build>/share/hsmbackup, where <build> is the nearest ancestor of the
//      executable's directory holding CMakeCache.txt (a CMake build tree).
// A directory qualifies when it holds clauses.json. A flag or variable that
// names one that does not is an error, never passed over for the next rule,
// so a typo cannot silently pick other data. On failure: nullopt, and
// `*error` names every place tried and how to point at the data.
std::optional<DataDir> FindDataDir(const std::string& flag, const char* env,
                                   const std::filesystem::path& executable, std::string* error);

// FindDataDir for this process: HSMB_DATA_DIR from the environment and
// CurrentExecutable().
std::optional<DataDir> FindDataDir(const std::string& flag, std::string* error);

// CurrentExecutable is this process's executable (/proc/self/exe, symbolic
// links resolved), or an empty path if it cannot be read.
std::filesystem::path CurrentExecutable();

// MissingData names what a data directory lacks of clauses.json,
// fixtures/vectors, fixtures/worlds and fixtures/regressions ("" if
// nothing), so an incomplete copy is refused rather than run with fewer
// checks.
std::string MissingData(const std::filesystem::path& data_dir);

// CataloguePath is <data>/clauses.json.
std::filesystem::path CataloguePath(const std::filesystem::path& data_dir);

}  // namespace hsmbackup::conformance

#endif  // HSMBACKUP_CONFORMANCE_DATA_DIR_H_
