#pragma once
// LocalTracker: issues as Markdown files <issues_dir>/<KEY>.md (see front_matter.hpp).
// Comments are appended under a "## Comments" heading; a comment made with put_comment is
// fenced by "<!-- comment ID -->" markers so it can be edited in place. Safe for several threads: writes
// are serialized per instance and each file is replaced atomically.

#include <fanout/sdk/host.hpp>
#include <fanout/sdk/issue_tracker.hpp>

#include <filesystem>
#include <mutex>

namespace fanout::local {

class LocalTracker final : public sdk::IssueTracker {
public:
  /// Reads `issues_dir` (relative to the repo root) and `author` from the host's config.
  explicit LocalTracker(sdk::Host& host);

  sdk::Result<std::vector<sdk::Issue>> list(const sdk::IssueQuery& query, const sdk::CancelToken& cancel) override;
  sdk::Result<sdk::Issue> get(const std::string& key, const sdk::CancelToken& cancel) override;
  sdk::Result<void> comment(const std::string& key, const std::string& markdown, const sdk::CancelToken& cancel) override;
  sdk::Result<std::string> put_comment(const std::string& key, const std::string& comment_id, const std::string& markdown,
                                       const sdk::CancelToken& cancel) override;
  sdk::Result<void> set_state(const std::string& key, const std::string& state, const sdk::CancelToken& cancel) override;
  sdk::Result<void> set_labels(const std::string& key, const std::vector<std::string>& add,
                               const std::vector<std::string>& remove, const sdk::CancelToken& cancel) override;

private:
  std::filesystem::path path_of(const std::string& key) const;
  std::string shown(const std::string& key) const;
  sdk::Result<sdk::Issue> read(const std::string& key) const;

  sdk::Host& m_host;
  std::filesystem::path m_dir;      ///< absolute
  std::string m_dir_shown;          ///< as configured: ".fanout/issues"
  std::string m_author;
  std::mutex m_write;
};

} // namespace fanout::local
