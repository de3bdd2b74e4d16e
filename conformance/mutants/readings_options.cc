// Readings of the vendor's review (clauses.json `accepts`): the reference
// printing list and contents figures grouped, contents types as PKCS#11
// names, reading -objects and -smkonly -partition otherwise, and taking
// only the seed's option spellings. Each is a
// reading the suite must pass (readings.cc lists them).
#include "readings_options.h"

#include <algorithm>
#include <cctype>
#include <sstream>

#include "helpers.h"

namespace hsmbackup::mutants {
namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// IsOption: `word` is -NAME or a prefix of it at least `shortest` long.
bool IsOption(const std::string& word, std::string_view name, size_t shortest) {
  if (word.size() < 2 || word[0] != '-') return false;
  const std::string t = Lower(word.substr(1));
  return t.size() >= shortest && name.substr(0, t.size()) == t;
}

std::vector<std::string> Words(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

std::string Join(const std::vector<std::string>& words, char sep) {
  std::string out;
  for (const std::string& w : words) out += (out.empty() ? "" : std::string(1, sep)) + w;
  return out;
}

// Handles is a -objects value as numbers, or empty when any item is not one.
std::vector<uint32_t> Handles(const std::string& value) {
  std::vector<uint32_t> out;
  std::istringstream in(value);
  for (std::string item; std::getline(in, item, ',');) {
    if (item.empty() || item.size() > 9 ||
        !std::all_of(item.begin(), item.end(), [](unsigned char c) { return std::isdigit(c); })) {
      return {};
    }
    out.push_back(static_cast<uint32_t>(std::stoul(item)));
  }
  return out;
}

// ObjectsRewritten: a backup line's -objects value (with `restore_too`, a
// restore line's too) given to `edit` (its handles, the current partition);
// the line is rewritten with what it returns.
class ObjectsRewritten final : public ProtocolHook {
 public:
  // The handles, and those of the partition they are taken from in its
  // order (a backup's source, a restore's backup partition).
  using Edit = std::function<std::vector<uint32_t>(std::vector<uint32_t>,
                                                   const std::vector<uint32_t>& order)>;
  explicit ObjectsRewritten(Edit edit, bool restore_too = false)
      : edit_(std::move(edit)), restore_too_(restore_too) {}
  void Before(World& world, Session& session, std::string& line,
              std::vector<std::string>&) override {
    std::vector<std::string> w = Words(line);
    if (w.size() < 3 || !IsOption("-" + w[0], "partition", 3) ||
        !IsOption("-" + w[1], "archive", 1) ||
        !(IsOption("-" + w[2], "backup", 1) ||
          (restore_too_ && IsOption("-" + w[2], "restore", 1)))) {
      return;
    }
    for (size_t i = 3; i + 1 < w.size(); ++i) {
      if (!IsOption(w[i], "objects", 1)) continue;
      const std::vector<uint32_t> handles = Handles(w[i + 1]);
      if (handles.empty()) return;
      std::vector<std::string> items;
      std::vector<uint32_t> order;
      if (IsOption("-" + w[2], "backup", 1)) {
        if (const UserPartition* source = CurrentUser(world, session)) {
          for (const auto& o : source->objects) order.push_back(o.handle);
        }
      } else if (const std::optional<Command> c = Parse(line); c && c->partition) {
        BackupHsm* hsm = TargetHsm(world, *c);
        if (const BackupPartition* b = hsm ? FindPartition(*hsm, *c->partition) : nullptr) {
          for (const auto& o : b->objects) order.push_back(o.object.handle);
        }
      }
      for (uint32_t h : edit_(handles, order)) {
        items.push_back(std::to_string(h));
      }
      w[i + 1] = Join(items, ',');
      line = Join(w, ' ');
      return;
    }
  }

 private:
  Edit edit_;
  bool restore_too_;
};

// SmkOnlyNameIgnored drops -partition NAME from a -smkonly backup line that
// has no -objects, -append or -replace.
class SmkOnlyNameIgnored final : public ProtocolHook {
 public:
  void Before(World&, Session&, std::string& line, std::vector<std::string>&) override {
    std::optional<Command> c = Parse(line);
    if (!Is(c, Verb::kArchiveBackup) || !c->smkonly || !c->partition || c->objects || c->append ||
        c->replace) {
      return;
    }
    std::vector<std::string> w = Words(line), kept;
    for (size_t i = 0; i < w.size(); ++i) {
      if (i >= 3 && i + 1 < w.size() && IsOption(w[i], "partition", 3)) {
        ++i;
        continue;
      }
      kept.push_back(w[i]);
    }
    line = Join(kept, ' ');
  }
};

// Grouped writes every run of four or more digits after `from` in `l` with
// ',' between its groups of three.
std::string Grouped(const std::string& l, size_t from) {
  std::string out = l.substr(0, from), run;
  auto flush = [&] {
    for (size_t i = 0; i < run.size(); ++i) {
      if (run.size() >= 4 && i > 0 && (run.size() - i) % 3 == 0) out += ',';
      out += run[i];
    }
    run.clear();
  };
  for (size_t i = from; i < l.size(); ++i) {
    if (std::isdigit(static_cast<unsigned char>(l[i]))) {
      run += l[i];
    } else {
      flush();
      out += l[i];
    }
  }
  flush();
  return out;
}

void GroupFigures(std::vector<std::string>& transcript) {
  for (std::string& l : transcript) {
    const size_t start = l.find_first_not_of(' ');
    if (start == std::string::npos) continue;
    if (l.compare(start, 5, "Size:") == 0 || l.compare(start, 12, "Used / Size:") == 0) {
      l = Grouped(l, start);
    } else if (l.find("bytes free.") != std::string::npos) {
      l = Grouped(l, l.find(';') == std::string::npos ? 0 : l.find(';'));  // not the slot
    }
  }
}

// FiguresGrouped groups the figures of archive list and contents.
class FiguresGrouped final : public ProtocolHook {
 public:
  void After(World&, Session&, const std::string& line, Result&,
             std::vector<std::string>& transcript) override {
    std::optional<Command> c = Parse(line);
    if (Is(c, Verb::kArchiveList) || Is(c, Verb::kArchiveContents)) GroupFigures(transcript);
  }
};

// SpellingsListed refuses an archive line that spells an option neither by
// its full name nor by the seed's shortcut, in lower case (OPT-SHORTCUTS
// `accepts` "listed-spellings-only"), as an exact-match option table does:
// the line gets an option no table knows, which the parser refuses before
// anything is asked or changed.
class SpellingsListed final : public ProtocolHook {
 public:
  void Before(World&, Session&, std::string& line, std::vector<std::string>&) override {
    if (!Parse(line)) return;
    struct Spelling {
      std::string_view name, shortcut;
      bool takes_value;
    };
    static constexpr Spelling kSeed[] = {
        {"append", "a", false},     {"debug", "deb", false},   {"defaultdomain", "def", false},
        {"domain", "do", true},     {"force", "f", false},     {"objects", "o", true},
        {"partition", "par", true}, {"password", "pas", true}, {"replace", "rep", false},
        {"slot", "s", true},        {"smkonly", "smk", false}, {"sopassword", "sop", true}};
    const std::vector<std::string> words = Words(line);
    for (size_t i = 3; i < words.size(); ++i) {
      if (words[i].size() < 2 || words[i][0] != '-') continue;
      const std::string typed = words[i].substr(1);
      const Spelling* listed = nullptr;
      for (const Spelling& s : kSeed) {
        if (typed == s.name || typed == s.shortcut) listed = &s;
      }
      if (listed == nullptr) {
        line += " -unlisted-spelling";
        return;
      }
      if (listed->takes_value) ++i;
    }
  }
};

// KeywordsAsSpelled takes the keyword values `direct` and `all` only as the
// seed spells them, in lower case: `-objects All` is refused as a parse
// error (CKR_ARGUMENTS_BAD), and a -slot value that is not a number nor
// `direct` (`-slot Direct`, `-slot abc`) is refused as naming no slot
// (CKR_SLOT_ID_INVALID), nothing changed. Only a partition archive line
// that parses with a numbered slot in its place, so that no other parse
// error comes first.
class KeywordsAsSpelled final : public ProtocolHook {
 public:
  void Before(World&, Session&, std::string& line, std::vector<std::string>&) override {
    no_slot_ = false;
    std::vector<std::string> w = Words(line);
    if (w.size() < 3 || !IsOption("-" + w[0], "partition", 3) ||
        !IsOption("-" + w[1], "archive", 1)) {
      return;
    }
    bool objects_respelled = false, slot_unnumbered = false;
    for (size_t i = 3; i + 1 < w.size(); ++i) {
      if (IsOption(w[i], "objects", 1)) {
        objects_respelled |= Lower(w[i + 1]) == "all" && w[i + 1] != "all";
      } else if (IsOption(w[i], "slot", 1)) {
        const std::string& v = w[i + 1];
        slot_unnumbered = v != "direct" && !std::all_of(v.begin(), v.end(), [](unsigned char c) {
                            return std::isdigit(c);
                          });
        if (slot_unnumbered) w[i + 1] = "1";
      } else {
        continue;
      }
      ++i;
    }
    if (slot_unnumbered && Parse(Join(w, ' '))) {
      no_slot_ = true;
      line += " -names-no-slot";
    } else if (objects_respelled && Parse(line)) {
      line += " -objects-all-in-lower-case";
    }
  }
  void After(World&, Session&, const std::string&, Result& result,
             std::vector<std::string>& transcript) override {
    if (!no_slot_) return;
    no_slot_ = false;
    transcript.clear();
    SetOutcome(result, transcript, Ckr::kSlotIdInvalid, "The -slot value names no slot.");
  }

 private:
  bool no_slot_ = false;
};

// PedCredentialsIgnored drops -password, -sopassword, -domain and
// -defaultdomain (with their values) from an archive line whose backup HSM
// is PED-authenticated: it takes them from the PED and ignores typed ones.
class PedCredentialsIgnored final : public ProtocolHook {
 public:
  void Before(World& world, Session&, std::string& line, std::vector<std::string>&) override {
    const std::optional<Command> c = Parse(line);
    const BackupHsm* hsm = c ? TargetHsm(world, *c) : nullptr;
    if (hsm == nullptr || hsm->auth != AuthMode::kPed) return;
    std::vector<std::string> w = Words(line), kept;
    for (size_t i = 0; i < w.size(); ++i) {
      if (i >= 3 && i + 1 < w.size() &&
          (IsOption(w[i], "password", 3) || IsOption(w[i], "sopassword", 3) ||
           IsOption(w[i], "domain", 2))) {
        ++i;
        continue;
      }
      if (i >= 3 && IsOption(w[i], "defaultdomain", 3)) continue;
      kept.push_back(w[i]);
    }
    line = Join(kept, ' ');
  }
};

// RenamesDefaultName is what SpacesKept and NameCut share: after a backup
// line without -partition, each partition it created under the reference's
// default name (the label cut to 23 characters, or -smkonly's 12, spaces
// made '_', then "_" and the date or timestamp) is renamed to NewName's, in
// the state and in what was printed.
class RenamesDefaultName : public ProtocolHook {
 public:
  void Before(World& world, Session& session, std::string& line,
              std::vector<std::string>&) override {
    names_.clear();
    label_.clear();
    const std::optional<Command> c = Parse(line);
    if (!Is(c, Verb::kArchiveBackup) || c->partition) return;
    const UserPartition* source = CurrentUser(world, session);
    BackupHsm* hsm = TargetHsm(world, *c);
    if (source == nullptr || hsm == nullptr) return;
    cut_ = c->smkonly ? 12 : 23;
    label_ = source->label;
    for (const BackupPartition& p : hsm->partitions) names_.push_back(p.name);
  }
  void After(World& world, Session&, const std::string& line, Result&,
             std::vector<std::string>& transcript) override {
    if (label_.empty()) return;
    BackupHsm* hsm = TargetHsm(world, *Parse(line));
    const std::string reference = Underscored(label_.substr(0, cut_));
    for (BackupPartition& p : hsm->partitions) {
      if (std::find(names_.begin(), names_.end(), p.name) != names_.end() ||
          p.name.rfind(reference + "_", 0) != 0) {
        continue;
      }
      const std::string renamed = NewName(label_, cut_, p.name.substr(reference.size()));
      if (renamed.empty() ||
          std::any_of(hsm->partitions.begin(), hsm->partitions.end(),
                      [&](const BackupPartition& q) { return q.name == renamed; })) {
        continue;
      }
      ReplaceInLines(transcript, p.name, renamed);
      p.name = renamed;
    }
  }

 protected:
  static std::string Underscored(std::string s) {
    std::replace(s.begin(), s.end(), ' ', '_');
    return s;
  }
  // NewName is this reading's name for a partition named from the whole
  // source `label`, the reference's `cut`, and its `suffix` ("_20010101");
  // "" leaves the reference's.
  virtual std::string NewName(const std::string& label, size_t cut,
                              const std::string& suffix) const = 0;

 private:
  std::vector<std::string> names_;  // the backup HSM's partitions before the line
  std::string label_;               // the source label, when the line names no partition
  size_t cut_ = 0;
};

// SpacesKept keeps the source label's spaces in the name (OPT-PARTITION-
// DEFAULT and OPT-SMKONLY-NAME `accepts` "label-spaces-kept"): "a c_20010101"
// where the reference names "a_c_20010101".
class SpacesKept final : public RenamesDefaultName {
  std::string NewName(const std::string& label, size_t cut,
                      const std::string& suffix) const override {
    const std::string kept = label.substr(0, cut);
    return kept.find(' ') == std::string::npos ? "" : kept + suffix;
  }
};

// SpacesDashed makes the source label's spaces '-' in the name (OPT-
// PARTITION-DEFAULT and OPT-SMKONLY-NAME `accepts` "label-spaces-replaced"):
// "a-c_20010101" where the reference names "a_c_20010101".
class SpacesDashed final : public RenamesDefaultName {
  std::string NewName(const std::string& label, size_t cut,
                      const std::string& suffix) const override {
    std::string kept = label.substr(0, cut);
    if (kept.find(' ') == std::string::npos) return "";
    std::replace(kept.begin(), kept.end(), ' ', '-');
    return kept + suffix;
  }
};

// NameCut names the partition from the whole source label, the name then
// cut to 32 characters (`accepts` "name-cut"; the reference cuts the label
// and keeps the date or timestamp whole).
class NameCut final : public RenamesDefaultName {
  std::string NewName(const std::string& label, size_t cut,
                      const std::string& suffix) const override {
    if (label.size() <= cut) return "";
    return (Underscored(label) + suffix).substr(0, 32);
  }
};

}  // namespace

std::unique_ptr<ProtocolHook> MakeNameCut() { return std::make_unique<NameCut>(); }

std::unique_ptr<ProtocolHook> MakeLabelSpacesKept() { return std::make_unique<SpacesKept>(); }

std::unique_ptr<ProtocolHook> MakeLabelSpacesDashed() { return std::make_unique<SpacesDashed>(); }

std::unique_ptr<ProtocolHook> MakeKeywordsAsSpelled() {
  return std::make_unique<KeywordsAsSpelled>();
}

std::unique_ptr<ProtocolHook> MakePedCredentialsIgnored() {
  return std::make_unique<PedCredentialsIgnored>();
}

std::unique_ptr<ProtocolHook> MakeListedSpellingsOnly() {
  return std::make_unique<SpellingsListed>();
}

std::unique_ptr<ProtocolHook> MakeObjectsDedupe() {
  return std::make_unique<ObjectsRewritten>(
      [](std::vector<uint32_t> handles, const std::vector<uint32_t>&) {
        std::vector<uint32_t> once;
        for (uint32_t h : handles) {
          if (std::find(once.begin(), once.end(), h) == once.end()) once.push_back(h);
        }
        return once;
      },
      /*restore_too=*/true);
}

std::unique_ptr<ProtocolHook> MakeObjectsSourceOrder() {
  return std::make_unique<ObjectsRewritten>(
      [](std::vector<uint32_t> handles, const std::vector<uint32_t>& order) {
        std::vector<uint32_t> sorted;
        for (uint32_t h : order) {
          if (std::find(handles.begin(), handles.end(), h) != handles.end()) sorted.push_back(h);
        }
        return sorted.size() == handles.size() ? sorted : handles;
      },
      /*restore_too=*/true);
}

std::unique_ptr<ProtocolHook> MakeSmkOnlyIgnoresName() {
  return std::make_unique<SmkOnlyNameIgnored>();
}

std::unique_ptr<ProtocolHook> MakeGroupedFigures() { return std::make_unique<FiguresGrouped>(); }

std::unique_ptr<ProtocolHook> MakeTypeAsClassName() {
  return EditAfter(Verb::kArchiveContents, [](Result&, std::vector<std::string>& transcript) {
    static constexpr std::pair<const char*, const char*> kNames[] = {
        {"Private Key", "CKO_PRIVATE_KEY"},
        {"Public Key", "CKO_PUBLIC_KEY"},
        {"Symmetric Key", "CKO_SECRET_KEY"},
        {"Certificate", "CKO_CERTIFICATE"},
        {"Data", "CKO_DATA"}};
    EditLines(transcript, "Object Type:", [](const std::string& l) {
      for (const auto& [word, name] : kNames) {
        if (l.size() >= std::string_view(word).size() && l.ends_with(word)) {
          return l.substr(0, l.size() - std::string_view(word).size()) + name;
        }
      }
      return l;
    });
  });
}

}  // namespace hsmbackup::mutants
