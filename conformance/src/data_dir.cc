#include "conformance/data_dir.h"

#include <cstdlib>
#include <system_error>
#include <vector>

namespace hsmbackup::conformance {
namespace {

namespace fs = std::filesystem;

bool HoldsCatalogue(const fs::path& dir) {
  std::error_code ec;
  return fs::is_regular_file(CataloguePath(dir), ec);
}

// Absolute makes a relative flag or variable absolute against the working
// directory, so the reports and messages name one place unambiguously.
fs::path Absolute(const std::string& text) {
  std::error_code ec;
  fs::path p = fs::absolute(text, ec);
  return ec ? fs::path(text) : p.lexically_normal();
}

}  // namespace

const char* DataDirSourceName(DataDir::Source source) {
  switch (source) {
    case DataDir::Source::kFlag: return "--data-dir";
    case DataDir::Source::kEnvironment: return kDataDirEnv;
    case DataDir::Source::kBesideExecutable: return "beside the executable";
    case DataDir::Source::kBuildTree: return "build tree";
  }
  return "?";
}

fs::path CataloguePath(const fs::path& data_dir) { return data_dir / "clauses.json"; }

std::string MissingData(const fs::path& data_dir) {
  std::string missing;
  if (!HoldsCatalogue(data_dir)) missing = "clauses.json";
  std::error_code ec;
  for (const char* sub : {"fixtures/vectors", "fixtures/worlds", "fixtures/regressions"}) {
    if (!fs::is_directory(data_dir / sub, ec))
      missing += (missing.empty() ? "" : ", ") + std::string(sub);
  }
  if (missing.empty()) return "";
  return "the data directory " + data_dir.string() + " has no " + missing;
}

std::optional<DataDir> FindDataDir(const std::string& flag, const char* env,
                                   const fs::path& executable, std::string* error) {
  if (!flag.empty()) {
    const fs::path dir = Absolute(flag);
    if (HoldsCatalogue(dir)) return DataDir{dir, DataDir::Source::kFlag};
    *error = "--data-dir " + dir.string() + " holds no clauses.json";
    return std::nullopt;
  }
  if (env != nullptr && *env != '\0') {
    const fs::path dir = Absolute(env);
    if (HoldsCatalogue(dir)) return DataDir{dir, DataDir::Source::kEnvironment};
    *error = std::string(kDataDirEnv) + "=" + dir.string() + " holds no clauses.json";
    return std::nullopt;
  }
  std::vector<std::string> tried;
  if (!executable.empty()) {
    const fs::path bin = executable.parent_path();
    const fs::path installed = (bin / ".." / "share" / "hsmbackup").lexically_normal();
    if (HoldsCatalogue(installed)) return DataDir{installed, DataDir::Source::kBesideExecutable};
    tried.push_back(installed.string());
    std::error_code ec;
    for (fs::path d = bin; !d.empty(); d = d.parent_path()) {
      if (fs::exists(d / "CMakeCache.txt", ec)) {
        const fs::path built = d / "share" / "hsmbackup";
        if (HoldsCatalogue(built)) return DataDir{built, DataDir::Source::kBuildTree};
        tried.push_back(built.string());
        break;
      }
      if (d == d.parent_path()) break;
    }
  }
  *error = "cannot find the kit's data (clauses.json, fixtures/): tried ";
  for (size_t i = 0; i < tried.size(); ++i) *error += (i ? ", " : "") + tried[i];
  if (tried.empty()) *error += "nothing (the executable's path is unknown)";
  *error += "; pass --data-dir DIR or set " + std::string(kDataDirEnv) +
            " to the directory holding clauses.json (installed: <prefix>/share/hsmbackup)";
  return std::nullopt;
}

std::optional<DataDir> FindDataDir(const std::string& flag, std::string* error) {
  return FindDataDir(flag, std::getenv(kDataDirEnv), CurrentExecutable(), error);
}

fs::path CurrentExecutable() {
  std::error_code ec;
  fs::path p = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path() : p;
}

}  // namespace hsmbackup::conformance
