// hsmbackup blob inspect: print a clone blob's header.
#include <memory>
#include <ostream>
#include <string>

#include "app.h"
#include "hsmbackup/blob.h"
#include "run.h"

namespace hsmbackup::cli {

int InspectBlob(const std::string& path, std::ostream& out, std::ostream& err) {
  std::string bytes;
  std::string error;
  switch (ReadFileBounded(path, kMaxBlobSize, &bytes, &error)) {
    case ReadOutcome::kOk:
      break;
    case ReadOutcome::kUnreadable:
      err << "hsmbackup: cannot read blob file " << path << ": " << error << '\n';
      return kExitWorld;
    case ReadOutcome::kTooLarge:
      err << "hsmbackup: " << path << ": CKR_DATA_INVALID: larger than " << kMaxBlobSize
          << " bytes, the largest blob BLOB-FORMAT.md allows\n";
      return kExitCommandFailed;
  }
  auto blob = ParseBlob(ByteSpan(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
  if (!blob.ok()) {
    err << "hsmbackup: " << path << ": " << blob.status().ToString() << '\n';
    return kExitCommandFailed;
  }
  const std::string text = DescribeBlob(*blob);
  out << text;
  if (text.empty() || text.back() != '\n') out << '\n';
  return kExitOk;
}

Subcommand AddBlobCommand(CLI::App& app, const Io& io) {
  CLI::App* blob = app.add_subcommand("blob", "Work with clone blob files (BLOB-FORMAT.md).");
  blob->require_subcommand(1);
  auto path = std::make_shared<std::string>();
  CLI::App* inspect = blob->add_subcommand(
      "inspect", "Print a clone blob's header (kind, OUID, label, sizes; never key material).");
  inspect->add_option("file", *path, "Blob file")->required()->type_name("FILE");
  const std::string example =
      "Example:\n  hsmbackup blob inspect object-70.blob\n\n"
      "An invalid blob prints CKR_DATA_INVALID and the first problem found.\n\n";
  blob->footer(example + ExitCodesHelp());
  inspect->footer(example + ExitCodesHelp());
  std::ostream* out = &io.out;
  std::ostream* err = &io.err;
  return {blob, [=]() { return InspectBlob(*path, *out, *err); }};
}

}  // namespace hsmbackup::cli
