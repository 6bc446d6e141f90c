#pragma once
// Issue files: a front-matter header between "---" lines, then a Markdown body.
//
//   ---
//   title: Add a health endpoint
//   state: open
//   labels: [api, small]
//   ---
//   Body in Markdown ...

#include <fanout/sdk/result.hpp>

#include <string>
#include <vector>

namespace fanout::local {

struct IssueFile {
  std::vector<std::string> header; ///< the lines between the markers, verbatim (unknown keys survive)
  std::string title;
  std::string state = "open";
  std::vector<std::string> labels;
  std::string body; ///< everything after the closing marker, leading blank lines removed
};

/// Parses an issue file. `shown` names the file in messages, which give its line:
///   .fanout/issues/x.md:3: front matter: expected "key: value", got "title Add"
/// (FailureKind::invalid_input).
sdk::Result<IssueFile> parse_issue(const std::string& text, const std::string& shown);

/// A file with an optional front-matter header (comments on local pull requests).
struct FrontMatterFile {
  std::vector<std::pair<std::string, std::string>> fields; ///< key, value (unquoted), in order
  std::string body; ///< everything after the header (the whole text without one), leading blank lines removed

  /// The value of `key`, or "" when absent.
  std::string field(const std::string& key) const;
};

/// Parses a file whose header is optional: without a "---" first line, all of it is the
/// body. Errors name `shown` and the line, like parse_issue's (FailureKind::invalid_input).
sdk::Result<FrontMatterFile> parse_front_matter(const std::string& text, const std::string& shown);

/// Sets `key: value` in the header, replacing the line that has the key or adding one.
void set_header(IssueFile& issue, const std::string& key, const std::string& value);

/// "[a, b]" (labels with a comma, bracket or quote are double-quoted).
std::string format_labels(const std::vector<std::string>& labels);

/// The file text: markers, header lines, blank line, body.
std::string render_issue(const IssueFile& issue);

} // namespace fanout::local
