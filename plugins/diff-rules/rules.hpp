#pragma once
// The rules diff-rules applies to each added line. Each returns findings; none throws.

#include "unified_diff.hpp"

#include <fanout/sdk/reviewer.hpp>

#include <string>
#include <vector>

namespace diff_rules {

/// Which rules run (config keys conflict_markers, secrets, todos).
struct RuleSet {
  bool conflict_markers = true;
  bool secrets = true;
  bool todos = true;
};

/// Applies the enabled rules to every added line:
///  - conflict markers (critical): "<<<<<<< " / ">>>>>>> " / "|||||||" at line start; a bare
///    "=======" only when its file also gains a "<<<<<<<" or ">>>>>>>" (reST headings use it)
///  - likely secrets (critical): PEM private key headers, AWS access key ids (AKIA/ASIA),
///    GitHub tokens (ghp_, gho_, ghu_, ghs_, ghr_, github_pat_), Slack tokens (xox?-), and
///    `api_key = "..."`-style assignments of a long, high-entropy literal. The secret is
///    masked in both message and detail: only its first four characters are shown.
///  - TODO / FIXME added (suggestion)
std::vector<fanout::sdk::Finding> check(const std::vector<AddedLine>& lines, const RuleSet& rules);

/// "ghp_***": the first four characters of a secret, then "***".
std::string mask(const std::string& secret);

/// Shannon entropy of `text` in bits per character.
double entropy(const std::string& text);

} // namespace diff_rules
