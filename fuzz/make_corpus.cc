// hsmbackup_make_corpus writes the seed corpora of the fuzz targets, all
// produced by the reference itself (so they stay valid when the formats
// change): clone blobs of every kind, plaintext payloads, the shipped
// worlds, the command lines of the golden transcripts, and protocol sessions
// made of those lines and worlds.
//
// Usage: hsmbackup_make_corpus SOURCE_ROOT CORPUS_DIR
// (fuzz/regenerate-corpus runs it with the repository and fuzz/corpus.)
// Output is deterministic: the same reference gives the same files.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "fuzz_support.h"
#include "hsmbackup/blob.h"
#include "hsmbackup/clone.h"
#include "hsmbackup/env.h"
#include "hsmbackup/model.h"

using namespace hsmbackup;
namespace fs = std::filesystem;

namespace {

bool g_failed = false;

void Write(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) {
    std::fprintf(stderr, "cannot write %s\n", path.c_str());
    g_failed = true;
  }
}

void Write(const fs::path& path, const Bytes& bytes) {
  Write(path, std::string(bytes.begin(), bytes.end()));
}

// Objects: one of each class, with and without attributes, empty and
// non-empty values, and labels at the edges of the format.
std::vector<std::pair<std::string, Object>> Objects() {
  std::vector<std::pair<std::string, Object>> out;
  const char* names[] = {"data", "certificate", "public-key", "private-key", "secret-key"};
  for (int c = 0; c < 5; ++c) {
    Object o;
    o.ouid.bytes = {0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0x80, 0x90, 0xa0, 0xb0,
                    static_cast<uint8_t>(c)};
    o.object_class = *ObjectClassFromWire(static_cast<uint8_t>(c));
    o.label = std::string("fuzz ") + names[c];
    o.attributes = {{"CKA_EXTRACTABLE", "false"}, {"CKA_SENSITIVE", "true"}};
    if (c == 4) o.attributes.Set("CKA_KEY_TYPE", "CKK_AES");
    if (c == 3) o.attributes.Set("CKA_KEY_TYPE", "CKK_RSA");
    Bytes value;
    for (int i = 0; i < 16 + 8 * c; ++i) value.push_back(static_cast<uint8_t>(i * 7 + c));
    o.value = Secret(std::move(value));
    out.emplace_back(names[c], o);
  }
  Object empty;
  empty.ouid.bytes[0] = 0xee;
  out.emplace_back("empty", empty);
  Object edge;
  edge.ouid.bytes.fill(0xff);
  edge.object_class = ObjectClass::kSecretKey;
  edge.label = std::string(kMaxObjectLabelLength, '~');
  edge.attributes = {{"A", ""}, {std::string(kMaxAttributeNameLength, 'Z'), "x"}};
  edge.value = Secret(Bytes(100, 0x5a));
  out.emplace_back("edge", edge);
  return out;
}

// WriteBlobs seals every object and an SMK under `domain` / `smk` into `dir`.
void WriteBlobs(const fs::path& dir, const Secret& domain, const Secret& smk, uint64_t seed,
                bool payloads) {
  RngState state{seed, 0};
  DeterministicRng rng(&state);
  auto domain_key = DomainCipher(domain);
  auto smk_key = Aes256Gcm::Create(smk);
  if (!domain_key.ok() || !smk_key.ok()) {
    std::fprintf(stderr, "cannot build the corpus keys\n");
    g_failed = true;
    return;
  }
  const SmkId smk_id = ComputeSmkId(smk);
  for (const auto& [name, object] : Objects()) {
    struct Variant {
      const char* prefix;
      PartitionKind source;
      BlobKind kind;
    };
    for (const Variant& v : {Variant{"pre77", PartitionKind::kPre77, BlobKind::kDomainObject},
                             Variant{"v0", PartitionKind::kV0, BlobKind::kDomainObject},
                             Variant{"v1", PartitionKind::kV1, BlobKind::kSmkObject}}) {
      if (name == "edge" && v.source == PartitionKind::kPre77) continue;
      const bool v1 = v.kind == BlobKind::kSmkObject;
      auto blob = SealObject(object, v.source, v.kind, v1 ? smk_id : SmkId{},
                             v1 ? *smk_key : *domain_key, rng);
      if (!blob.ok()) {
        std::fprintf(stderr, "%s\n", blob.status().ToString().c_str());
        g_failed = true;
        continue;
      }
      Write(dir / (std::string(v.prefix) + "-" + name + ".blob"), SerializeBlob(*blob));
    }
    if (payloads) Write(dir / ("payload-" + name + ".bin"), EncodePayload(object));
  }
  auto smk_blob = SealSmk(smk, PartitionKind::kV1, *domain_key, rng);
  if (!smk_blob.ok()) {
    g_failed = true;
    return;
  }
  Write(dir / "smk.blob", SerializeBlob(*smk_blob));
}

void CopyWorlds(const fs::path& root, const fs::path& dir) {
  std::vector<fs::path> worlds;
  for (const auto& e : fs::recursive_directory_iterator(root / "fixtures" / "worlds")) {
    if (e.is_regular_file() && e.path().extension() == ".json") worlds.push_back(e.path());
  }
  std::sort(worlds.begin(), worlds.end());
  for (const fs::path& p : worlds) {
    const std::string parent = p.parent_path().filename().string();
    const std::string name = (parent == "worlds" ? "" : parent + "-") + p.filename().string();
    fs::copy_file(p, dir / name, fs::copy_options::overwrite_existing);
  }
}

void WriteCommandLines(const fs::path& root, const fs::path& dir) {
  std::set<std::string> lines;
  for (const auto& e : fs::directory_iterator(root / "fixtures" / "transcripts")) {
    if (e.path().extension() != ".script") continue;
    std::ifstream in(e.path());
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#') continue;
      lines.insert(line);
    }
  }
  // Spellings the transcripts do not use: quoting, glued values, lists.
  for (const char* extra : {
           "partition archive backup -slot 2 -partition 'my backup' -password \"pw with "
           "space\" -sopassword 'so\"pw' -domain \"d\\\"q\"",
           "partition archive backup -slot 2 -password=gluedSecret1 -sopassword backupSOpwd",
           "partition archive restore -slot 1 -partition b -password pw12345 -objects all",
           "partition archive restore -slot 1 -partition b -password pw12345 -objects 0",
           "partition archive backup -slot 2 -partition b -password newPa$$w0rd "
           "-sopassword so12345 -objects 1,2,3,4,5,6,7,8,9,10 -debug",
           "partition archive backup -slot 2 -partition b -password 'unterminated",
           "PARTITION ARCHIVE LIST -SLOT 2 -SOP Secret123",
           "slot set -slot 3",
           "role logout",
           "role login -name so -p soSecret99",
       }) {
    lines.insert(extra);
  }
  int n = 0;
  for (const std::string& line : lines) {
    char name[32];
    std::snprintf(name, sizeof name, "line-%02d.txt", n++);
    Write(dir / name, line);
  }
}

// Script is one golden transcript's input: its world, answers and lines.
struct Script {
  std::string name;
  std::string world;  // relative to the repository, e.g. fixtures/worlds/x.json
  std::vector<std::string> answers;
  std::vector<std::string> lines;
};

std::vector<Script> Scripts(const fs::path& root) {
  std::vector<fs::path> paths;
  for (const auto& e : fs::directory_iterator(root / "fixtures" / "transcripts")) {
    if (e.path().extension() == ".script") paths.push_back(e.path());
  }
  std::sort(paths.begin(), paths.end());
  std::vector<Script> out;
  for (const fs::path& p : paths) {
    Script s;
    s.name = p.stem().string();
    std::ifstream in(p);
    std::string line;
    while (std::getline(in, line)) {
      if (line.rfind("# world: ", 0) == 0) {
        s.world = line.substr(9);
      } else if (line.rfind("# answers: ", 0) == 0) {
        std::istringstream words(line.substr(11));
        for (std::string w; words >> w;) s.answers.push_back(w);
      } else if (!line.empty() && line[0] != '#') {
        s.lines.push_back(line);
      }
    }
    out.push_back(std::move(s));
  }
  return out;
}

// CompactWorld is a fixture world as one JSON line, or null if unreadable.
nlohmann::json CompactWorld(const fs::path& path) {
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
}

// WriteProtocolSessions: protocol_fuzzer inputs, one request per line. The
// fuzzer preloads seed-example.json, so a session on that world starts with
// its commands; a session on another world loads it first.
void WriteProtocolSessions(const fs::path& root, const fs::path& dir) {
  using Json = nlohmann::json;
  for (const Script& s : Scripts(root)) {
    std::string session;
    int id = 1;
    if (!s.world.empty() && s.world != "fixtures/worlds/seed-example.json") {
      Json world = CompactWorld(root / s.world);
      if (world.is_discarded()) {
        std::fprintf(stderr, "cannot read %s\n", s.world.c_str());
        g_failed = true;
        continue;
      }
      session += Json{{"id", id++}, {"op", "load"}, {"world", world}}.dump() + "\n";
    }
    for (const std::string& line : s.lines) {
      session += Json{{"id", id++}, {"op", "execute"}, {"line", line}, {"answers", s.answers}}
                     .dump() + "\n";
    }
    session += Json{{"id", id++}, {"op", "observe"}}.dump() + "\n";
    Write(dir / ("session-" + s.name + ".jsonl"), session);
  }
  // The envelope and its errors: every op, every malformed shape the
  // protocol names, ids of each JSON type, bytes that are not UTF-8.
  const char* envelope =
      "{\"id\":1,\"op\":\"hello\",\"protocol\":\"hsmbackup-target/1\"}\n"
      "{\"id\":2,\"op\":\"observe\"}\n"
      "{\"id\":3,\"op\":\"execute\",\"line\":\"role login -name co -password "
      "userpin1234\",\"answers\":[]}\n"
      "{\"id\":4,\"op\":\"execute\",\"line\":\"partition archive list -slot 2 -sopassword "
      "backupSOpwd\"}\n"
      "{\"id\":5,\"op\":\"bye\"}\n"
      "{\"id\":6,\"op\":\"observe\"}\n";
  Write(dir / "envelope-ops.jsonl", std::string(envelope));
  const char* malformed =
      "not json\n"
      "[1,2,3]\n"
      "{}\n"
      "{\"id\":7}\n"
      "{\"id\":8,\"op\":8}\n"
      "{\"id\":\"nine\",\"op\":\"nope\"}\n"
      "{\"id\":1.5,\"op\":\"execute\"}\n"
      "{\"id\":{\"a\":[null]},\"op\":\"execute\",\"line\":7}\n"
      "{\"id\":-1,\"op\":\"execute\",\"line\":\"role logout\",\"answers\":\"quit\"}\n"
      "{\"id\":12,\"op\":\"execute\",\"line\":\"role logout\",\"answers\":[1]}\n"
      "{\"op\":\"observe\"}\n"
      "{\"id\":null,\"op\":\"load\"}\n"
      "{\"id\":14,\"op\":\"load\",\"world\":{}}\n"
      "{\"id\":15,\"op\":\"load\",\"world\":[]}\n"
      "{\"id\":16,\"op\":\"execute\",\"line\":\"slot set -slot \xff\\u00e9\"}\n"
      "{\"id\":17,\"op\":\"\xc3\"}\n"
      "{\"id\":18446744073709551615,\"op\":\"observe\"}\n";
  Write(dir / "envelope-malformed.jsonl", std::string(malformed));
}

// WriteHostileInputs: the input classes of issue 12 (deep nesting, huge
// lengths, a BOM, a NUL and garbage after the document, duplicate keys, a
// PIN without its option), each small enough for the fuzzers' -max_len.
void WriteHostileInputs(const fs::path& root, const fs::path& out) {
  const std::string deep_array = std::string(4000, '[') + std::string(4000, ']');
  std::string deep_object;
  for (int i = 0; i < 1000; ++i) deep_object += "{\"a\":";
  deep_object += "0" + std::string(1000, '}');
  const std::string world = CompactWorld(root / "fixtures" / "worlds" / "seed-example.json").dump();
  const fs::path w = out / "world_fuzzer";
  Write(w / "hostile-deep-array.json", deep_array);
  Write(w / "hostile-deep-object.json", deep_object);
  Write(w / "hostile-bom.json", "\xEF\xBB\xBF" + world);
  Write(w / "hostile-nul-garbage.json", world + std::string(1, '\0') + "garbage");
  Write(w / "hostile-duplicate-key.json",
        "{\"format\":\"hsmbackup-world/1\"," + world.substr(1));
  std::string huge = world;
  huge.replace(huge.find("\"sa78\""), 6, "\"" + std::string(6000, 'L') + "\"");
  Write(w / "hostile-huge-label.json", huge);
  std::string clock = world;
  clock.replace(clock.find("\"2019-03-09T16:52:47Z\""), 22,
                "\"9999-12-31T23:59:59Z\",\"step_seconds\":9223372036854775807");
  Write(w / "hostile-clock-limit.json", clock);

  const fs::path p = out / "protocol_fuzzer";
  Write(p / "hostile-deep-id.jsonl", "{\"id\":" + deep_array + ",\"op\":\"hello\"}\n");
  Write(p / "hostile-deep-load.jsonl",
        "{\"id\":1,\"op\":\"load\",\"world\":{\"x\":" + deep_array + "}}\n");
  Write(p / "hostile-strict.jsonl",
        "{\"id\":1,\"op\":\"load\",\"world\":{\"format\":\"hsmbackup-world/1\"," +
            world.substr(1) + "}\n" + "\xEF\xBB\xBF{\"id\":2,\"op\":\"hello\"}\n" +
            std::string("{\"id\":3,\"op\":\"observe\"}\0x\n", 26) +
            "{\"id\":4,\"op\":\"hello\",\"op\":\"bye\"}\n");
  Write(p / "hostile-long-line.jsonl",
        "{\"id\":1,\"op\":\"execute\",\"line\":\"role login -name co -password " +
            std::string(6000, 'p') + "\"}\n" +
            "{\"id\":2,\"op\":\"execute\",\"line\":\"role login -name co userpin1234\"}\n");

  const fs::path c = out / "command_line_fuzzer";
  Write(c / "hostile-stray-pin.txt", std::string("role login -name co userpin1234"));
  Write(c / "hostile-long-password.txt",
        "partition archive backup -slot 2 -partition b -domain d -password " +
            std::string(6000, 'p') + " -sopassword so");
  std::string objects = "partition archive backup -slot 2 -partition b -objects 1";
  for (int i = 2; i < 1200; ++i) objects += "," + std::to_string(i);
  Write(c / "hostile-long-objects.txt", objects);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s SOURCE_ROOT CORPUS_DIR\n", argv[0]);
    return 2;
  }
  const fs::path root = argv[1];
  const fs::path out = argv[2];
  for (const char* t : {"clone_blob_fuzzer", "clone_open_fuzzer", "world_fuzzer",
                        "command_line_fuzzer", "protocol_fuzzer"}) {
    fs::create_directories(out / t);
  }
  // clone_blob: any keys will do (it parses only); clone_open: the fixed
  // fuzzing keys, so the receivers accept the seeds.
  WriteBlobs(out / "clone_blob_fuzzer", Secret(std::string_view("corpus-domain")),
             Secret(std::string_view("corpus-smk-corpus-smk-corpus-smk")), 1, true);
  WriteBlobs(out / "clone_open_fuzzer", Secret(fuzz::kFuzzDomain), Secret(fuzz::kFuzzSmk), 2,
             false);
  CopyWorlds(root, out / "world_fuzzer");
  WriteCommandLines(root, out / "command_line_fuzzer");
  WriteProtocolSessions(root, out / "protocol_fuzzer");
  WriteHostileInputs(root, out);
  return g_failed ? 1 : 0;
}
