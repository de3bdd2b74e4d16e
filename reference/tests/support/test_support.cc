#include "support/test_support.h"

#include <fstream>
#include <sstream>

namespace hsmbackup::testing {

void RecordClauses(std::initializer_list<const char*> ids) {
  std::string joined;
  for (const char* id : ids) {
    if (!joined.empty()) joined += ",";
    joined += id;
  }
  ::testing::Test::RecordProperty("clauses", joined);
}

std::string SourcePath(const std::string& relative) {
  return std::string(HSMB_SOURCE_ROOT) + "/" + relative;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot read " << path;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace hsmbackup::testing
