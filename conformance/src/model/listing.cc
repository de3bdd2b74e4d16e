// Judging the entries of `partition archive list` and `partition archive
// contents` against the observed state (ARCHIVE-LIST, ARCHIVE-CONTENTS).
#include <algorithm>
#include <cctype>
#include <iterator>
#include <string>
#include <vector>

#include "model/observed.h"
#include "model/text.h"

namespace hsmbackup::conformance::model {
namespace {

// Block is the lines from the first one holding `key` up to the first
// later line holding one of `others` (the next entry of a listing).
std::vector<std::string> Block(const std::vector<std::string>& lines, const std::string& key,
                               const std::vector<std::string>& others, bool tokens) {
  auto holds = [&](const std::string& l, const std::string& k) {
    return tokens ? HasToken(l, k) : l.find(k) != std::string::npos;
  };
  std::vector<std::string> out;
  bool inside = false;
  for (const std::string& l : lines) {
    if (!inside) {
      inside = holds(l, key);
    } else if (std::any_of(others.begin(), others.end(), [&](const std::string& o) {
                 return o != key && holds(l, o) && !holds(l, key);
               })) {
      break;
    }
    if (inside) out.push_back(l);
  }
  return out;
}

bool BlockHasToken(const std::vector<std::string>& block, const std::string& token) {
  return std::any_of(block.begin(), block.end(),
                     [&](const std::string& l) { return HasToken(l, token); });
}

bool BlockHasFigure(const std::vector<std::string>& block, uint64_t n) {
  return std::any_of(block.begin(), block.end(),
                     [&](const std::string& l) { return HasFigure(l, n); });
}

// OriginShown: the origin kind appears in the block, in any usual spelling.
bool OriginShown(const std::vector<std::string>& block, const std::string& origin) {
  return std::any_of(block.begin(), block.end(), [&](const std::string& l) {
    const std::string s = Lower(l);
    if (origin == "pre77") {
      return HasToken(l, "pre77") ||
             (s.find("pre") != std::string::npos && s.find("7.7") != std::string::npos) ||
             s.find("older than 7.7") != std::string::npos;
    }
    return HasToken(l, origin);
  });
}

// The words that name each observed class (PROTOCOL.md `observe`), in the
// form TypeWords leaves a line in: the reference's own word ("Symmetric
// Key") and the PKCS#11 one (CKO_SECRET_KEY) both end up here.
struct ClassWords {
  const char* cls;
  const char* words[2];
};
constexpr ClassWords kClassWords[] = {
    {"data", {" data ", nullptr}},
    {"certificate", {" certificate ", nullptr}},
    {"public_key", {" public key ", nullptr}},
    {"private_key", {" private key ", nullptr}},
    {"secret_key", {" secret key ", " symmetric key "}},
};

// TypeWords lower-cases `line`, drops every text in `labels` from it (a label
// may say "key") and turns each run of other characters than letters and
// digits into one blank, with one at each end: "CKO_PRIVATE_KEY" and
// "Private  Key" both read " cko private key ".
std::string TypeWords(std::string line, const std::vector<std::string>& labels) {
  for (const std::string& label : labels) {
    for (size_t at; !label.empty() && (at = line.find(label)) != std::string::npos;) {
      line.replace(at, label.size(), " ");
    }
  }
  std::string out = " ";
  for (unsigned char c : line) {
    if (std::isalnum(c)) {
      out += static_cast<char>(std::tolower(c));
    } else if (out.back() != ' ') {
      out += ' ';
    }
  }
  if (out.back() != ' ') out += ' ';
  return out;
}

// TypeShown: a line of the entry names the class `cls` in any usual
// spelling; a class the table does not know is not judged.
bool TypeShown(const std::vector<std::string>& entry, const std::string& cls,
               const std::vector<std::string>& labels) {
  for (const ClassWords& c : kClassWords) {
    if (cls != c.cls) continue;
    return std::any_of(entry.begin(), entry.end(), [&](const std::string& l) {
      const std::string t = TypeWords(l, labels);
      return std::any_of(std::begin(c.words), std::end(c.words), [&](const char* word) {
        return word != nullptr && t.find(word) != std::string::npos;
      });
    });
  }
  return true;
}

// How many lines above and below its OUID an object's entry may reach.
constexpr long kEntryReach = 6;

}  // namespace

void JudgeList(const Prediction& p, const Outcome& o, const Json& observed,
               std::vector<Mismatch>& out) {
  const Json* slot = SlotOf(observed, p.said.list_slot);
  if (slot == nullptr) return;
  const Json parts = slot->value("partitions", Json::array());
  std::vector<std::string> names;
  for (const Json& q : parts) names.push_back(Str(q, "name"));
  auto fail = [&](const std::string& what) { out.push_back({{"ARCHIVE-LIST"}, what, ""}); };
  for (const Json& q : parts) {
    const std::string name = Str(q, "name");
    const std::vector<std::string> block = Block(o.transcript, name, names, false);
    if (block.empty()) {
      fail("the list does not show the backup partition " + name);
      continue;
    }
    const uint64_t count = q.value("objects", Json::array()).size();
    const uint64_t used = U64(q, "used"), allocated = U64(q, "allocated");
    if (!BlockHasFigure(block, count)) {
      fail("the list's entry for " + name + " does not show its object count " +
           std::to_string(count));
    } else if (!BlockHasFigure(block, used) || !BlockHasFigure(block, allocated)) {
      fail("the list's entry for " + name + " does not show its used/allocated bytes " +
           std::to_string(used) + "/" + std::to_string(allocated) + " (as observed)");
    } else if (!OriginShown(block, Str(q, "origin"))) {
      fail("the list's entry for " + name + " does not show its origin (" + Str(q, "origin") + ")");
    }
  }
  const uint64_t free = U64(*slot, "free");
  if (!BlockHasFigure(o.transcript, free)) {
    fail("the list does not show the " + std::to_string(free) + " bytes free (as observed)");
  }
}

void JudgeContents(const Prediction& p, const Outcome& o, const Json& observed,
                   std::vector<Mismatch>& out) {
  const Json* slot = SlotOf(observed, p.said.contents_slot);
  if (slot == nullptr) return;
  auto fail = [&](const std::string& what) { out.push_back({{"ARCHIVE-CONTENTS"}, what, ""}); };
  for (const Json& q : slot->value("partitions", Json::array())) {
    if (Str(q, "name") != p.said.contents_of) continue;
    const Json objects = q.value("objects", Json::array());
    // Where each object's OUID is shown; its entry is the lines around
    // it (an entry may put its label and handle above the OUID), up to the
    // neighbouring objects' OUID lines.
    std::vector<long> at;
    std::vector<std::string> labels;
    for (const Json& x : objects) {
      if (!Str(x, "label").empty()) labels.push_back(Str(x, "label"));
    }
    // Longest first, so that no label is cut by a shorter one inside it.
    std::sort(labels.begin(), labels.end(),
              [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
    for (const Json& x : objects) {
      const std::string ouid = Str(x, "ouid");
      long found = -1;
      for (size_t i = 0; i < o.transcript.size() && found < 0; ++i) {
        if (HasToken(o.transcript[i], ouid)) found = static_cast<long>(i);
      }
      at.push_back(found);
    }
    for (size_t k = 0; k < objects.size(); ++k) {
      const Json& x = objects[k];
      const std::string ouid = Str(x, "ouid");
      const std::string label = Str(x, "label");
      if (at[k] < 0) {
        fail("the contents do not show object " + ouid + " (" + label + ")");
        continue;
      }
      long from = std::max(0L, at[k] - kEntryReach), to = at[k] + kEntryReach;
      for (long other : at) {
        if (other >= 0 && other < at[k]) from = std::max(from, other + 1);
        if (other > at[k]) to = std::min(to, other - 1);
      }
      to = std::min(to, static_cast<long>(o.transcript.size()) - 1);
      const std::vector<std::string> wider(o.transcript.begin() + from,
                                           o.transcript.begin() + to + 1);
      const bool labelled = std::any_of(wider.begin(), wider.end(), [&](const std::string& l) {
        return l.find(label) != std::string::npos;
      });
      // An opaque V1 blob: the backup HSM cannot know its class or size.
      if (x.value("opaque", false)) {
        auto shown = std::find_if(wider.begin(), wider.end(), [&](const std::string& l) {
          for (const Json& any : objects) {  // a label may say "key" or "certificate"
            if (l.find(Str(any, "label")) != std::string::npos) return false;
          }
          const std::string t = Lower(l);
          for (const char* word :
               {"size:", "private key", "public key", "symmetric key", "secret key", "certificate",
                "private_key", "public_key", "secret_key"}) {
            if (t.find(word) != std::string::npos) return true;
          }
          return false;
        });
        if (shown != wider.end()) {
          fail("a V1 backup's entry for " + ouid + " shows more than OUID, label and handle: '" +
               *shown + "'");
          continue;
        }
      }
      const std::string handle = std::to_string(U64(x, "handle"));
      if (!labelled) {
        fail("the contents' entry for " + ouid + " does not show its label '" + label + "'");
      } else if (!BlockHasToken(wider, handle)) {
        fail("the contents' entry for " + ouid + " does not show its handle " + handle);
      } else if (!x.value("opaque", false) && !BlockHasFigure(wider, U64(x, "size"))) {
        fail("the contents' entry for " + ouid + " does not show its size " +
             std::to_string(U64(x, "size")));
      } else if (!x.value("opaque", false) && !TypeShown(wider, Str(x, "class"), labels)) {
        fail("the contents' entry for " + ouid + " does not show its object type (" +
             Str(x, "class") + ")");
      }
    }
  }
}

}  // namespace hsmbackup::conformance::model
