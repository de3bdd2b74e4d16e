// The clause catalogue, the vendor config and --clauses: the inputs a run is
// validated against before anything starts.
#include <openssl/evp.h>

#include <fstream>
#include <sstream>

#include "conformance/runner.h"

namespace hsmbackup::conformance {
namespace {

bool ReadFile(const std::string& path, std::string* text, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = "cannot read " + path;
    return false;
  }
  std::ostringstream s;
  s << in.rdbuf();
  *text = s.str();
  return true;
}

bool Known(const std::vector<CatalogueClause>& catalogue, const std::string& id) {
  for (const CatalogueClause& c : catalogue) {
    if (c.id == id) return true;
  }
  return false;
}

// ParseQuotes takes the clause's `seed` and `facts` sentences, each a
// non-empty list of non-empty strings when present.
bool ParseQuotes(const Json& c, CatalogueClause* clause, std::string* error) {
  for (const char* from : {"seed", "facts"}) {
    if (!c.contains(from)) continue;
    const Json& list = c[from];
    bool ok = list.is_array() && !list.empty();
    for (size_t i = 0; ok && i < list.size(); ++i) {
      ok = list[i].is_string() && !list[i].get<std::string>().empty();
      if (ok) clause->quotes.push_back({from, list[i].get<std::string>()});
    }
    if (!ok) {
      *error = "catalogue clause " + clause->id + ": \"" + from +
               "\" must be a non-empty list of non-empty strings";
      return false;
    }
  }
  return true;
}

// ParseNeeds takes the clause's `needs`: the `hello` capabilities without
// which it concerns nothing the target has (PROTOCOL.md), a list of
// non-empty strings when present.
bool ParseNeeds(const Json& c, CatalogueClause* clause, std::string* error) {
  if (!c.contains("needs")) return true;
  const Json& list = c["needs"];
  bool ok = list.is_array() && !list.empty();
  for (size_t i = 0; ok && i < list.size(); ++i) {
    ok = list[i].is_string() && !list[i].get<std::string>().empty();
    if (ok) clause->needs.push_back(list[i].get<std::string>());
  }
  if (!ok) {
    *error = "catalogue clause " + clause->id +
             ": \"needs\" must be a non-empty list of capability names";
  }
  return ok;
}

}  // namespace

std::string Sha256Hex(const std::string& bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest, &size, EVP_sha256(), nullptr) != 1) {
    return "";
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < size; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 0xf];
  }
  return hex;
}

std::optional<std::vector<CatalogueClause>> ParseCatalogue(const std::string& text,
                                                           std::string* error) {
  const Json doc = ParseJson(text);
  if (doc.is_discarded() || !doc.is_object() || doc.value("format", "") != "hsmbackup-clauses/1" ||
      !doc.contains("clauses") || !doc["clauses"].is_array()) {
    *error = "the catalogue is not a hsmbackup-clauses/1 document";
    return std::nullopt;
  }
  std::vector<CatalogueClause> clauses;
  for (const Json& c : doc["clauses"]) {
    if (!c.is_object() || !c.contains("id") || !c["id"].is_string() || !c.contains("family") ||
        !c["family"].is_string()) {
      *error = "catalogue entry " + std::to_string(clauses.size() + 1) + " has no id or family";
      return std::nullopt;
    }
    CatalogueClause clause{c["id"].get<std::string>(), c["family"].get<std::string>(),
                           c.value("text", ""), c.value("source", "")};
    if (!ParseQuotes(c, &clause, error) || !ParseNeeds(c, &clause, error)) return std::nullopt;
    if (Known(clauses, clause.id)) {
      *error = "catalogue clause " + clause.id + " appears twice";
      return std::nullopt;
    }
    clauses.push_back(std::move(clause));
  }
  return clauses;
}

std::optional<std::vector<CatalogueClause>> LoadCatalogue(const std::string& path,
                                                          std::string* error,
                                                          std::string* sha256) {
  std::string text;
  if (!ReadFile(path, &text, error)) return std::nullopt;
  auto clauses = ParseCatalogue(text, error);
  if (!clauses) *error = path + ": " + *error;
  if (clauses && sha256 != nullptr) *sha256 = Sha256Hex(text);
  return clauses;
}

std::optional<VendorConfig> ParseVendorConfig(const std::string& text,
                                              const std::vector<CatalogueClause>& catalogue,
                                              std::string* error) {
  const Json doc = ParseJson(text);
  if (doc.is_discarded() || !doc.is_object()) {
    *error = "the vendor config is not a JSON object";
    return std::nullopt;
  }
  VendorConfig config;
  for (const auto& [key, value] : doc.items()) {
    if (key == "implementation_notes") {
      if (!value.is_string()) {
        *error = "\"implementation_notes\" must be a string";
        return std::nullopt;
      }
      config.implementation_notes = value.get<std::string>();
    } else if (key == "fixed_world") {
      std::optional<FixedWorldConfig> fixed = ParseFixedWorldConfig(value, error);
      if (!fixed) return std::nullopt;
      config.fixed_world = std::move(*fixed);
    } else if (key == "expected_failures") {
      if (!value.is_array()) {
        *error = "\"expected_failures\" must be an array";
        return std::nullopt;
      }
      for (const Json& entry : value) {
        const std::string where =
            "expected_failures[" + std::to_string(config.expected_failures.size()) + "]";
        if (!entry.is_object()) {
          *error = where + " is not an object";
          return std::nullopt;
        }
        for (const auto& [k, v] : entry.items()) {
          if (k != "clause" && k != "reason" && k != "check" && k != "match") {
            *error = where + " has unknown key \"" + k +
                     "\" (allowed: clause, reason, check, match)";
            return std::nullopt;
          }
          if (!v.is_string()) {
            *error = where + "." + k + " must be a string";
            return std::nullopt;
          }
        }
        ExpectedFailure xf{entry.value("clause", ""), entry.value("reason", ""),
                           entry.value("check", ""), entry.value("match", "")};
        if (xf.clause.empty()) {
          *error = where + " has no \"clause\"";
          return std::nullopt;
        }
        if (!Known(catalogue, xf.clause)) {
          *error = where + " names unknown clause " + xf.clause;
          return std::nullopt;
        }
        if (xf.reason.find_first_not_of(" \t\r\n") == std::string::npos) {
          *error = where + " (" + xf.clause + ") needs a non-empty \"reason\"";
          return std::nullopt;
        }
        for (const ExpectedFailure& seen : config.expected_failures) {
          if (seen.clause == xf.clause && seen.check == xf.check && seen.match == xf.match) {
            *error = where + " lists " + xf.clause + " a second time";
            return std::nullopt;
          }
        }
        config.expected_failures.push_back(std::move(xf));
      }
    } else {
      *error = "unknown key \"" + key +
               "\" (allowed: implementation_notes, expected_failures, fixed_world)";
      return std::nullopt;
    }
  }
  return config;
}

std::optional<VendorConfig> LoadVendorConfig(const std::string& path,
                                             const std::vector<CatalogueClause>& catalogue,
                                             std::string* error) {
  if (path.empty()) return VendorConfig{};
  std::string text;
  if (!ReadFile(path, &text, error)) {
    *error = "--config: " + *error;
    return std::nullopt;
  }
  std::optional<VendorConfig> config = ParseVendorConfig(text, catalogue, error);
  if (!config) *error = "--config " + path + ": " + *error;
  return config;
}

std::optional<std::set<std::string>> ParseClauseList(const std::string& text,
                                                     const std::vector<CatalogueClause>& catalogue,
                                                     std::string* error) {
  std::set<std::string> ids;
  std::stringstream in(text);
  for (std::string id; std::getline(in, id, ',');) {
    const size_t b = id.find_first_not_of(" \t");
    const size_t e = id.find_last_not_of(" \t");
    id = b == std::string::npos ? "" : id.substr(b, e - b + 1);
    if (id.empty()) {
      *error = "--clauses: empty clause id in '" + text + "'";
      return std::nullopt;
    }
    if (!Known(catalogue, id)) {
      *error = "--clauses: unknown clause id " + id + " (see clauses.json in the data directory)";
      return std::nullopt;
    }
    ids.insert(id);
  }
  if (ids.empty()) {
    *error = "--clauses: no clause ids given";
    return std::nullopt;
  }
  return ids;
}

}  // namespace hsmbackup::conformance
