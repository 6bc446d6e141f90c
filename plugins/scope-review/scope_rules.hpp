#pragma once
// The scope heuristics: what an issue mentions (paths, identifiers), what a diff changes,
// and the findings that compare the two. Pure functions over text, so every rule is
// explained by its test case (tests/plugins/scope-review).

#include <fanout/sdk/reviewer.hpp>

#include <string>
#include <vector>

namespace fanout::reviewers::scope {

/// What the issue text names.
struct Mentions {
  std::vector<std::string> paths;       ///< "src/app.py", "app.py", "tests/" (normalized, unique)
  std::vector<std::string> identifiers; ///< "add_todo", "/health", "PORT" (from backticks, unique)
  bool dependencies = false;            ///< the issue talks about dependencies (so lockfiles may change)
};

/// Paths: backticked or bare tokens that look like files (a known extension, or a slash
/// with a dot in the last part) or directories (ending in "/"). Identifiers: other
/// backticked spans of one word of 3+ characters (commands with spaces are skipped).
Mentions extract_mentions(const std::string& issue_text);

/// One file of a unified diff.
struct FileChange {
  std::string path;      ///< new path ("b/" side); the old path when deleted
  bool added = false;
  bool deleted = false;
  int lines_added = 0;
  int lines_removed = 0;
  std::string changed_text; ///< the added and removed lines, without their +/- marks
};

/// Parses `git diff` output (diff --git headers, /dev/null for added and deleted files).
std::vector<FileChange> parse_diff(const std::string& diff);

/// Thresholds and severities (the plugin's config).
struct Rules {
  sdk::Severity missing_path = sdk::Severity::important;
  sdk::Severity missing_identifier = sdk::Severity::suggestion;
  sdk::Severity unrelated = sdk::Severity::suggestion;
  sdk::Severity large_unrelated = sdk::Severity::important;
  int large_lines = 200; ///< an unrelated file with more changed lines than this is "large"
};

/// Compares the diff with the issue. Findings, in this order:
///  - "issue mentions "X" but the diff does not touch it" (paths, then identifiers)
///  - "the diff deletes test file "F"" (important)
///  - "lockfile "F" changes but the issue does not ask for dependency changes" (important)
///  - "the diff changes "F", which the issue does not mention" (+ "large" variant)
/// A changed file is related when the issue names it or its directory, its name (without
/// extension) appears in the issue, it is a test of a related file, or its changed lines
/// contain a mentioned identifier. Relatedness is judged only when the issue names at
/// least one path or identifier: an issue in pure prose gives nothing to compare with.
std::vector<sdk::Finding> compare(const Mentions& mentions, const std::string& issue_text,
                                  const std::vector<FileChange>& changes, const Rules& rules);

/// True for files that hold tests: a tests/test/spec/__tests__ directory, test_*.ext,
/// *_test.ext, *.test.ext, *.spec.ext.
bool is_test_file(const std::string& path);

/// True for dependency lockfiles (package-lock.json, yarn.lock, Cargo.lock, go.sum, ...).
bool is_lockfile(const std::string& path);

} // namespace fanout::reviewers::scope
