// Fuzz target: the clone-blob parser and the payload decoder.
//
// Invariants: an accepted blob re-serializes to exactly the input bytes
// (ParseBlob accepts canonical encodings only) and its AAD is the input's
// header; a rejected one fails with CKR_DATA_INVALID. DecodePayload on the
// same bytes never crashes, touches the object only when it succeeds, and an
// accepted payload re-encodes to exactly the input.
#include <cstddef>
#include <cstdint>

#include "fuzz_support.h"
#include "hsmbackup/blob.h"

using namespace hsmbackup;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const ByteSpan input(data, size);

  StatusOr<CloneBlob> blob = ParseBlob(input);
  if (blob.ok()) {
    FUZZ_CHECK(SerializeBlob(*blob) == Bytes(input.begin(), input.end()));
    const Bytes aad = BlobAad(*blob);
    FUZZ_CHECK(aad.size() <= size && std::equal(aad.begin(), aad.end(), data));
    FUZZ_CHECK(!DescribeBlob(*blob).empty());
  } else {
    FUZZ_CHECK(blob.status().code() == Ckr::kDataInvalid);
    FUZZ_CHECK(!blob.status().message().empty());
  }

  Object object;
  Status decoded = DecodePayload(input, &object);
  if (decoded.ok()) {
    FUZZ_CHECK(EncodePayload(object) == Bytes(input.begin(), input.end()));
    (void)ComputeFingerprint(object);
  } else {
    FUZZ_CHECK(decoded.code() == Ckr::kDataInvalid);
    FUZZ_CHECK(object == Object{});
  }
  return 0;
}
