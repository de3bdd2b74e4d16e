// The facts a transcript must carry (clauses.json `lines`).
//
// Lines the seed quotes are judged exactly elsewhere (Output checks). Lines
// in the project's wording are judged here only on the facts they must
// carry: handles, names, CKR names, counts and byte figures. A vendor's own
// wording passes when it carries the same facts.
#ifndef HSMBACKUP_CONFORMANCE_MODEL_TEXT_H_
#define HSMBACKUP_CONFORMANCE_MODEL_TEXT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "conformance/model.h"

namespace hsmbackup::conformance::model {

// JudgeText checks `p.said` against the transcript; list and contents
// figures are taken from the observed state `observed` (what the target
// reports through `observe` is what its own listing must show).
std::vector<Mismatch> JudgeText(const Prediction& p, const Outcome& outcome, const Json& observed);

// Trim drops surrounding blanks, the seed page's no-break spaces included.
std::string Trim(std::string s);
// LineForm is the form in which a printed line is compared with one the
// seed quotes (clauses.json `wording`): Trim, then every run of blanks
// inside read as one space.
std::string LineForm(const std::string& line);

// The separators a figure may group its thousands with (clauses.json
// `placeholders`): comma, full stop, apostrophe, blank, no-break space,
// thin space and narrow no-break space.
inline constexpr std::string_view kThousandsSeparators[] = {
    ",", ".", "'", " ", "\xc2\xa0", "\xe2\x80\x89", "\xe2\x80\xaf"};

// HasFigure: `line` shows the number `n`, as one token of decimal digits or
// (from 1000) with its thousands grouped by one of kThousandsSeparators,
// the same throughout ("16,777,216", "1 232"), never as part of a longer
// figure.
bool HasFigure(const std::string& line, uint64_t n);

// HandleList writes handles as a failure names them: "70, 69".
std::string HandleList(const std::vector<uint32_t>& handles);

// Tokens splits a line into lower-cased runs of letters, digits, '_' and
// '-' (so a handle, a CKR name or an OUID is one token).
std::vector<std::string> Tokens(const std::string& line);
// HasToken: one of `line`'s Tokens is `token`, lower-cased.
bool HasToken(const std::string& line, const std::string& token);
// Lower is `s` with its ASCII letters lower-cased.
std::string Lower(std::string s);

// JudgeList and JudgeContents (listing.cc) add to `out` what a `partition
// archive list` (ARCHIVE-LIST) or `contents` (ARCHIVE-CONTENTS) transcript
// fails to show of the observed slot `p.said.list_slot` /
// `p.said.contents_slot`: each entry's figures, origin, label, handle, size
// and class, in any usual spelling. JudgeText calls them.
void JudgeList(const Prediction& p, const Outcome& outcome, const Json& observed,
               std::vector<Mismatch>& out);
void JudgeContents(const Prediction& p, const Outcome& outcome, const Json& observed,
                   std::vector<Mismatch>& out);

}  // namespace hsmbackup::conformance::model

#endif  // HSMBACKUP_CONFORMANCE_MODEL_TEXT_H_
