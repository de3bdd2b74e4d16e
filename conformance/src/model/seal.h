// The suite's own reading of reference/BLOB-FORMAT.md, for the one thing a
// world document cannot say in plaintext: a V1 backup already stored on a
// backup HSM (its SMK sealed under the domain key, its objects sealed under
// the SMK). The generators seal such backups; the model opens them, so it
// knows what restoring one must produce. Written from the document alone, sharing nothing with the
// reference, and held to the document's test vectors (conformance_test), so
// a world the suite loads is one any implementation of the format can read.
//
// Every function here is deterministic: the caller supplies the nonce.
// Sealing throws std::runtime_error only when OpenSSL fails (a broken
// machine, not a verdict); opening returns nullopt for anything that does
// not parse or authenticate.
#ifndef HSMBACKUP_CONFORMANCE_MODEL_SEAL_H_
#define HSMBACKUP_CONFORMANCE_MODEL_SEAL_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace hsmbackup::conformance::seal {

using Bytes = std::vector<uint8_t>;

// What a sealed object carries (BLOB-FORMAT.md, "Payload"). `value` holds
// the object's value bytes.
struct Plain {
  std::string ouid_hex;  // 24 hex digits
  std::string label;
  std::string cls;  // data | certificate | public_key | private_key | secret_key
  std::map<std::string, std::string> attributes;
  Bytes value;
};

// DerivedValue: the `n` bytes a world's `"size": n` stands for
// (WORLD-FORMAT.md, "Derived values").
Bytes DerivedValue(const std::string& ouid_hex, uint32_t n);

// Payload encodes class, attributes and value.
Bytes Payload(const Plain& p);
// Fingerprint: SHA-1(u8 label length || label || payload), lower-case hex.
std::string Fingerprint(const Plain& p);
// SmkId: the first 8 bytes of SHA-256("hsmbackup smk id" || smk), hex.
std::string SmkId(const Bytes& smk);

// SealSmk: a kind-3 blob, the SMK under the domain key.
Bytes SealSmk(const std::string& domain, const Bytes& smk, const Bytes& nonce);
// SealObject: a kind-2 blob, a V1 object under the SMK.
Bytes SealObject(const Bytes& smk, const Plain& p, const Bytes& nonce);
// SealDomainObject: a kind-1 blob (source kind 0 pre-7.7, 1 V0) under the
// domain key; only the test vectors use it.
Bytes SealDomainObject(const std::string& domain, uint8_t source_kind, const Plain& p,
                       const Bytes& nonce);

// Opened is what the model needs of a sealed object: its label, class and
// fingerprint, never its value.
struct Opened {
  std::string label, cls, fingerprint;
};
// OpenSmk opens a kind-3 blob with the domain; OpenObject a kind-2 blob
// with the SMK. Both check the layout only as far as they read it: the
// model opens what the suite sealed, not untrusted bytes.
std::optional<Bytes> OpenSmk(const std::string& domain, const Bytes& blob);
std::optional<Opened> OpenObject(const Bytes& smk, const Bytes& blob);

// Nonce: 12 bytes of SHA-256(what), so each blob a world holds gets its own
// nonce and a given world is the same bytes every run.
Bytes Nonce(const std::string& what);

Bytes FromHex(const std::string& hex);  // empty on any odd or non-hex input
std::string Hex(const Bytes& b);

}  // namespace hsmbackup::conformance::seal

#endif  // HSMBACKUP_CONFORMANCE_MODEL_SEAL_H_
