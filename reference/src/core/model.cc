#include "hsmbackup/model.h"

#include <cstring>

#include "hsmbackup/luna_facts.h"

namespace hsmbackup {

const char* KindName(PartitionKind k) {
  switch (k) {
    case PartitionKind::kPre77: return "pre-7.7";
    case PartitionKind::kV0: return "V0";
    case PartitionKind::kV1: return "V1";
  }
  return "?";
}

const char* KindToken(PartitionKind k) {
  switch (k) {
    case PartitionKind::kPre77: return "pre77";
    case PartitionKind::kV0: return "v0";
    case PartitionKind::kV1: return "v1";
  }
  return "?";
}

const char* AuthToken(AuthMode a) {
  return a == AuthMode::kPed ? "ped" : "password";
}

const char* ModelName(BackupModel m) {
  return m == BackupModel::kBackupHsm7 ? "Luna Backup HSM 7" : "Luna Backup HSM G5";
}

const char* ModelToken(BackupModel m) {
  return m == BackupModel::kBackupHsm7 ? "backup_hsm_7" : "backup_hsm_g5";
}

const char* ConnectionToken(Connection c) {
  switch (c) {
    case Connection::kClient: return "client";
    case Connection::kUsb: return "usb";
    case Connection::kAppliance: return "appliance";
  }
  return "?";
}

const char* ClassToken(ObjectClass c) {
  switch (c) {
    case ObjectClass::kData: return "data";
    case ObjectClass::kCertificate: return "certificate";
    case ObjectClass::kPublicKey: return "public_key";
    case ObjectClass::kPrivateKey: return "private_key";
    case ObjectClass::kSecretKey: return "secret_key";
  }
  return "?";
}

const char* ClassName(ObjectClass c) {
  switch (c) {
    case ObjectClass::kData: return "Data";
    case ObjectClass::kCertificate: return "Certificate";
    case ObjectClass::kPublicKey: return "Public Key";
    case ObjectClass::kPrivateKey: return "Private Key";
    case ObjectClass::kSecretKey: return "Symmetric Key";
  }
  return "?";
}

std::string Ouid::ToHex() const { return HexEncode(bytes); }

std::optional<Ouid> Ouid::FromHex(std::string_view hex) {
  Bytes raw;
  if (hex.size() != 24 || !HexDecode(hex, &raw)) return std::nullopt;
  Ouid o;
  std::copy(raw.begin(), raw.end(), o.bytes.begin());
  return o;
}

size_t OuidHash::operator()(const Ouid& o) const {
  uint64_t a = 0;
  uint32_t b = 0;
  std::memcpy(&a, o.bytes.data(), sizeof(a));
  std::memcpy(&b, o.bytes.data() + sizeof(a), sizeof(b));
  const uint64_t h = (a ^ (uint64_t{b} << 17) ^ b) * 0x9E3779B97F4A7C15ULL;
  return static_cast<size_t>(h ^ (h >> 29));
}

uint64_t ObjectOverheadBytes(BackupModel model) {
  return model == BackupModel::kBackupHsm7 ? kBackupHsm7ObjectOverheadBytes
                                           : kBackupHsmG5ObjectOverheadBytes;
}

uint64_t StoredBytes(uint64_t value_or_sealed_bytes, BackupModel model) {
  return value_or_sealed_bytes + ObjectOverheadBytes(model);
}

uint64_t BackupPartition::used(BackupModel model) const {
  uint64_t total = kPartitionOverheadBytes;
  for (const auto& o : objects) total += StoredBytes(o, model);
  return total;
}

uint64_t BackupHsm::free_bytes() const {
  uint64_t taken = 0;
  for (const auto& p : partitions) taken += p.allocated;
  return taken >= capacity ? 0 : capacity - taken;
}

bool TakesSks(const BackupHsm& hsm) {
  return hsm.firmware >= (hsm.model == BackupModel::kBackupHsm7 ? kBackupHsm7Sks : kBackupHsmG5Sks);
}

Slot* World::FindSlot(uint32_t id) {
  for (auto& s : slots) {
    if (s.id == id) return &s;
  }
  return nullptr;
}

const Slot* World::FindSlot(uint32_t id) const {
  return const_cast<World*>(this)->FindSlot(id);
}

}  // namespace hsmbackup
