#include "tool.h"

namespace hsmbackup::cli {
int Main(int, char**) { return kExitInternal; }  // placeholder until the CLI lands
}  // namespace hsmbackup::cli
