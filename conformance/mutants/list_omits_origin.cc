// list-omits-origin breaks ARCHIVE-LIST: the origin of each backup (the
// kind of partition it came from, which decides where it may be restored)
// is not shown.
#include "helpers.h"
#include "mutant.h"

namespace hsmbackup::mutants {

std::unique_ptr<ProtocolHook> MakeListOmitsOrigin() {
  return EditAfter(Verb::kArchiveList, [](Result&, std::vector<std::string>& transcript) {
    std::erase_if(transcript, [](const std::string& l) { return l.rfind("Origin:", 0) == 0; });
  });
}

}  // namespace hsmbackup::mutants
