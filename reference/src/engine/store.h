// The backup HSM's store step (CLONE-STORE), shared by the backup engine and
// fuzz/clone_open_fuzzer.cc, so the fuzzer exercises the step the engine
// runs rather than a copy of it.
#ifndef HSMBACKUP_SRC_ENGINE_STORE_H_
#define HSMBACKUP_SRC_ENGINE_STORE_H_

#include <cstddef>
#include <cstdint>
#include <optional>

#include "hsmbackup/bytes.h"
#include "hsmbackup/model.h"

namespace hsmbackup::engine {

// StoreReceived keeps an object the backup HSM accepted on `part`, built in
// its final place, and returns it:
//  - `same` is the position of the object with the same OUID, overwritten
//    whole (OPT-APPEND-REPLACE); nullopt appends a new one;
//  - `opened` is the verified object a pre-7.7 / V0 blob carried (OUID and
//    label as the blob carried them), moved in; when it is empty the object
//    is V1 and `wire`, the blob's bytes as they came, is copied in instead
//    (CLONE-OPAQUE-V1), with `source`'s OUID and label; `wire` is left as
//    it was, so the caller reuses its buffer for the next blob;
//  - the stored size is `source`'s value length (the storage the object
//    takes), whichever form it is held in; the handle is `handle`.
// Handle bookkeeping and indexes are the caller's.
BackupObject& StoreReceived(BackupPartition& part, std::optional<size_t> same,
                            const Object& source, std::optional<Object>&& opened, ByteSpan wire,
                            uint32_t handle);

// CompleteStored is StoreReceived's step after the object is in place, for
// a caller that received it straight into `stored.object` (a new object
// appended to the partition; see Receiver::ReceiveObjectInto): `opened` says
// it was, otherwise the blob is V1 and `wire`, `source`'s OUID and label are
// copied in as StoreReceived does. Sets the handle and the stored size.
void CompleteStored(BackupObject& stored, const Object& source, bool opened, ByteSpan wire,
                    uint32_t handle);

}  // namespace hsmbackup::engine

#endif  // HSMBACKUP_SRC_ENGINE_STORE_H_
