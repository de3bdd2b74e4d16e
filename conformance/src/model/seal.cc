#include "model/seal.h"

#include <memory>
#include <stdexcept>

#include <openssl/evp.h>
#include <openssl/kdf.h>

namespace hsmbackup::conformance::seal {
namespace {

struct CipherFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* c) const { EVP_PKEY_CTX_free(c); }
};

// The suite builds worlds; a failure of OpenSSL here is a broken machine,
// not a verdict on the target, so it throws and the check ends in error.
constexpr const char* kNames[] = {"data", "certificate", "public_key", "private_key",
                                  "secret_key"};  // by class code

void Require(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("seal: OpenSSL failed in ") + what);
}

void Put16(Bytes& b, size_t v) {
  b.push_back(static_cast<uint8_t>(v >> 8));
  b.push_back(static_cast<uint8_t>(v));
}
void Put32(Bytes& b, size_t v) {
  for (int s = 24; s >= 0; s -= 8) b.push_back(static_cast<uint8_t>(v >> s));
}
void Append(Bytes& b, const Bytes& x) { b.insert(b.end(), x.begin(), x.end()); }
void Append(Bytes& b, const std::string& x) { b.insert(b.end(), x.begin(), x.end()); }

Bytes Digest(const EVP_MD* md, const Bytes& in) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  Require(EVP_Digest(in.data(), in.size(), out, &len, md, nullptr) == 1, "a digest");
  return Bytes(out, out + len);
}

std::string FingerprintOf(const std::string& label, const Bytes& payload) {
  Bytes in = {static_cast<uint8_t>(label.size())};
  Append(in, label);
  Append(in, payload);
  return Hex(Digest(EVP_sha1(), in));
}

Bytes DomainKey(const std::string& domain) {
  static constexpr char kSalt[] = "hsmbackup domain salt v1";
  static constexpr char kInfo[] = "hsmbackup clone key v1";
  std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree> ctx(EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, nullptr));
  Bytes key(32);
  size_t len = key.size();
  Require(ctx && EVP_PKEY_derive_init(ctx.get()) == 1 &&
              EVP_PKEY_CTX_set_hkdf_md(ctx.get(), EVP_sha256()) == 1 &&
              EVP_PKEY_CTX_set1_hkdf_salt(ctx.get(), reinterpret_cast<const unsigned char*>(kSalt),
                                          sizeof(kSalt) - 1) == 1 &&
              EVP_PKEY_CTX_set1_hkdf_key(ctx.get(),
                                         reinterpret_cast<const unsigned char*>(domain.data()),
                                         static_cast<int>(domain.size())) == 1 &&
              EVP_PKEY_CTX_add1_hkdf_info(ctx.get(), reinterpret_cast<const unsigned char*>(kInfo),
                                          sizeof(kInfo) - 1) == 1 &&
              EVP_PKEY_derive(ctx.get(), key.data(), &len) == 1 && len == key.size(),
          "HKDF");
  return key;
}

// Seal lays out the header, then AES-256-GCM over the payload with every
// header byte before ct_length as AAD.
Bytes Seal(uint8_t kind, uint8_t source_kind, const Bytes& key_id, const std::string& ouid_hex,
           const std::string& label, const Bytes& nonce, const Bytes& key, const Bytes& payload) {
  Bytes b = {'H', 'B', 'C', 'B', 1, kind, source_kind, 0};
  Append(b, key_id.empty() ? Bytes(8, 0) : key_id);
  Append(b, ouid_hex.empty() ? Bytes(12, 0) : FromHex(ouid_hex));
  b.push_back(static_cast<uint8_t>(label.size()));
  Append(b, label);
  Append(b, nonce);
  const Bytes aad = b;
  Put32(b, payload.size());
  std::unique_ptr<EVP_CIPHER_CTX, CipherFree> ctx(EVP_CIPHER_CTX_new());
  Bytes ct(payload.size());
  Bytes tag(16);
  int len = 0;
  Require(ctx && nonce.size() == 12 && key.size() == 32 &&
              EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.data(), nonce.data()) == 1 &&
              EVP_EncryptUpdate(ctx.get(), nullptr, &len, aad.data(), static_cast<int>(aad.size())) == 1 &&
              EVP_EncryptUpdate(ctx.get(), ct.data(), &len, payload.data(),
                                static_cast<int>(payload.size())) == 1 &&
              EVP_EncryptFinal_ex(ctx.get(), ct.data() + len, &len) == 1 &&
              EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, 16, tag.data()) == 1,
          "AES-256-GCM");
  Append(b, ct);
  Append(b, tag);
  return b;
}

// Open checks the header's kind, authenticates and decrypts; the label
// comes back through `label`.
std::optional<Bytes> Open(uint8_t kind, const Bytes& key, const Bytes& blob, std::string* label) {
  if (blob.size() < 61 || blob[0] != 'H' || blob[1] != 'B' || blob[2] != 'C' || blob[3] != 'B' ||
      blob[4] != 1 || blob[5] != kind) {
    return std::nullopt;
  }
  const size_t l = blob[28];
  if (blob.size() < 61 + l) return std::nullopt;
  const size_t at = 41 + l;
  size_t n = 0;
  for (size_t i = 0; i < 4; ++i) n = n << 8 | blob[at + i];
  if (blob.size() != 61 + l + n) return std::nullopt;
  std::unique_ptr<EVP_CIPHER_CTX, CipherFree> ctx(EVP_CIPHER_CTX_new());
  Bytes tag(blob.end() - 16, blob.end());
  Bytes out(n);
  int len = 0;
  const bool ok =
      ctx && key.size() == 32 &&
      EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.data(), &blob[29 + l]) == 1 &&
      EVP_DecryptUpdate(ctx.get(), nullptr, &len, blob.data(), static_cast<int>(at)) == 1 &&
      EVP_DecryptUpdate(ctx.get(), out.data(), &len, &blob[at + 4], static_cast<int>(n)) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, 16, tag.data()) == 1 &&
      EVP_DecryptFinal_ex(ctx.get(), out.data() + len, &len) == 1;
  if (!ok) return std::nullopt;
  if (label != nullptr) label->assign(blob.begin() + 29, blob.begin() + 29 + l);
  return out;
}

uint8_t ClassCode(const std::string& cls) {
  for (uint8_t i = 0; i < 5; ++i) {
    if (cls == kNames[i]) return i;
  }
  throw std::runtime_error("seal: unknown object class '" + cls + "'");
}

}  // namespace

Bytes DerivedValue(const std::string& ouid_hex, uint32_t n) {
  const Bytes o = FromHex(ouid_hex);
  if (o.size() != 12) throw std::runtime_error("seal: an OUID is 24 hex digits");
  uint64_t hi = 0;
  uint64_t lo = 0;
  for (int i = 0; i < 8; ++i) hi = hi << 8 | o[i];
  for (int i = 8; i < 12; ++i) lo = lo << 8 | o[i];
  const uint64_t seed = hi ^ (lo << 32 | lo);
  Bytes out;
  out.reserve(n + 8);
  for (uint64_t i = 1; out.size() < n; ++i) {
    uint64_t z = seed + i * 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    for (int k = 0; k < 8; ++k) out.push_back(static_cast<uint8_t>(z >> (8 * k)));
  }
  out.resize(n);
  return out;
}

Bytes Payload(const Plain& p) {
  Bytes b = {ClassCode(p.cls)};
  Put16(b, p.attributes.size());
  for (const auto& [name, value] : p.attributes) {  // std::map: bytewise order
    Put16(b, name.size());
    Append(b, name);
    Put16(b, value.size());
    Append(b, value);
  }
  Put32(b, p.value.size());
  Append(b, p.value);
  return b;
}

std::string Fingerprint(const Plain& p) { return FingerprintOf(p.label, Payload(p)); }

std::string SmkId(const Bytes& smk) {
  Bytes in;
  Append(in, std::string("hsmbackup smk id"));
  Append(in, smk);
  Bytes d = Digest(EVP_sha256(), in);
  d.resize(8);
  return Hex(d);
}

Bytes SealSmk(const std::string& domain, const Bytes& smk, const Bytes& nonce) {
  return Seal(3, 2, FromHex(SmkId(smk)), "", "", nonce, DomainKey(domain), smk);
}

Bytes SealObject(const Bytes& smk, const Plain& p, const Bytes& nonce) {
  return Seal(2, 2, FromHex(SmkId(smk)), p.ouid_hex, p.label, nonce, smk, Payload(p));
}

Bytes SealDomainObject(const std::string& domain, uint8_t source_kind, const Plain& p,
                       const Bytes& nonce) {
  return Seal(1, source_kind, {}, p.ouid_hex, p.label, nonce, DomainKey(domain), Payload(p));
}

std::optional<Bytes> OpenSmk(const std::string& domain, const Bytes& blob) {
  std::optional<Bytes> smk = Open(3, DomainKey(domain), blob, nullptr);
  if (!smk || smk->size() != 32) return std::nullopt;
  return smk;
}

std::optional<Opened> OpenObject(const Bytes& smk, const Bytes& blob) {
  Opened o;
  std::optional<Bytes> payload = Open(2, smk, blob, &o.label);
  if (!payload || payload->empty() || (*payload)[0] > 4) return std::nullopt;
  o.cls = kNames[(*payload)[0]];
  o.fingerprint = FingerprintOf(o.label, *payload);
  return o;
}

Bytes Nonce(const std::string& what) {
  Bytes in;
  Append(in, what);
  Bytes d = Digest(EVP_sha256(), in);
  d.resize(12);
  return d;
}

Bytes FromHex(const std::string& hex) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  if (hex.size() % 2 != 0) return {};
  Bytes out;
  for (size_t i = 0; i < hex.size(); i += 2) {
    const int a = nibble(hex[i]);
    const int b = nibble(hex[i + 1]);
    if (a < 0 || b < 0) return {};
    out.push_back(static_cast<uint8_t>(a << 4 | b));
  }
  return out;
}

std::string Hex(const Bytes& b) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s;
  for (uint8_t x : b) {
    s += kDigits[x >> 4];
    s += kDigits[x & 15];
  }
  return s;
}

}  // namespace hsmbackup::conformance::seal
