#include "local_tracker.hpp"

#include <fanout/sdk/prompt_text.hpp>

#include "files.hpp"
#include "front_matter.hpp"

#include <algorithm>
#include <optional>

namespace fanout::local {
namespace fs = std::filesystem;
using sdk::FailureKind;

LocalTracker::LocalTracker(sdk::Host& host)
    : m_host(host), m_dir_shown(host.config().value("issues_dir", ".fanout/issues")),
      m_author(host.config().value("author", "fanout")) {
  const fs::path dir(m_dir_shown);
  m_dir = (dir.is_absolute() ? dir : host.repo_root() / dir).lexically_normal();
}

fs::path LocalTracker::path_of(const std::string& key) const { return m_dir / (key + ".md"); }

std::string LocalTracker::shown(const std::string& key) const { return (fs::path(m_dir_shown) / (key + ".md")).string(); }

sdk::Result<sdk::Issue> LocalTracker::read(const std::string& key) const {
  if (!is_safe_file_key(key)) return sdk::fail(FailureKind::invalid_input, "invalid issue key \"" + key + "\"");
  const fs::path path = path_of(key);
  std::error_code ec;
  if (!fs::is_regular_file(path, ec))
    return sdk::fail(FailureKind::not_found, "issue \"" + key + "\" not found in " + m_dir_shown);
  auto text = read_text(path, shown(key));
  if (!text) return std::move(text).failure();
  auto file = parse_issue(*text, shown(key));
  if (!file) return std::move(file).failure();
  // The documented body cap (docs/trackers.md) holds here as in every tracker: a 10 MB issue
  // file reaches the prompt as its first 64 KiB and a line that says so.
  return sdk::Issue{key, file->title, sdk::cap_for_prompt(file->body), file->state, file->labels,
                    "file://" + path.string()};
}

sdk::Result<std::vector<sdk::Issue>> LocalTracker::list(const sdk::IssueQuery& query, const sdk::CancelToken& cancel) {
  std::vector<std::string> keys;
  std::error_code ec;
  for (fs::directory_iterator it(m_dir, ec), end; !ec && it != end; it.increment(ec))
    if (it->is_regular_file() && it->path().extension() == ".md") keys.push_back(it->path().stem().string());
  std::sort(keys.begin(), keys.end());

  // "" means open; "all" lists every state.
  const std::string state = query.state.empty() ? "open" : query.state;
  std::vector<sdk::Issue> out;
  for (const auto& key : keys) {
    if (cancel.cancelled()) return sdk::fail(FailureKind::cancelled, "listing issues was cancelled");
    auto issue = read(key);
    // One unreadable file (bad front matter, no permission) is reported and skipped: it
    // must not hide every other issue.
    if (!issue) {
      m_host.log(sdk::LogLevel::warn, issue.failure().message + " (skipped)");
      continue;
    }
    if (state != "all" && issue->state != state) continue;
    const bool has_labels = std::all_of(query.labels.begin(), query.labels.end(), [&](const std::string& label) {
      return std::find(issue->labels.begin(), issue->labels.end(), label) != issue->labels.end();
    });
    if (!has_labels) continue;
    out.push_back(std::move(*issue));
    if (query.limit > 0 && static_cast<int>(out.size()) >= query.limit) break;
  }
  return out;
}

sdk::Result<sdk::Issue> LocalTracker::get(const std::string& key, const sdk::CancelToken&) { return read(key); }

namespace {

/// Reads, edits and atomically rewrites one issue file.
template <typename Edit>
sdk::Result<void> rewrite(const fs::path& path, const std::string& shown, Edit&& edit) {
  auto text = read_text(path, shown);
  if (!text) return std::move(text).failure();
  auto file = parse_issue(*text, shown);
  if (!file) return std::move(file).failure();
  edit(*file);
  return write_atomic(path, render_issue(*file), shown);
}

} // namespace

namespace {

/// Makes sure the body ends with the "## Comments" heading's section and a newline.
void open_comments(IssueFile& file) {
  if (!file.body.empty() && file.body.back() != '\n') file.body += "\n";
  const bool has_heading = file.body.rfind("## Comments\n", 0) == 0 || file.body.find("\n## Comments\n") != std::string::npos;
  if (!has_heading) file.body += (file.body.empty() ? "" : "\n") + std::string("## Comments\n");
}

std::string with_newline(std::string text) {
  if (!text.empty() && text.back() != '\n') text += "\n";
  return text;
}

std::string start_marker(const std::string& id) { return "<!-- comment " + id + " -->"; }
std::string end_marker(const std::string& id) { return "<!-- /comment " + id + " -->\n"; }

/// Where the comment `id` starts (its heading line) and ends (after its end marker) in
/// `body`, searched after the Comments heading only; nullopt when it is not there.
std::optional<std::pair<size_t, size_t>> find_comment(const std::string& body, const std::string& id) {
  size_t from = body.rfind("## Comments\n", 0) == 0 ? 0 : body.find("\n## Comments\n");
  if (from == std::string::npos) return std::nullopt;
  const size_t marker = body.find(start_marker(id) + "\n", from);
  const size_t end = marker == std::string::npos ? marker : body.find(end_marker(id), marker);
  if (end == std::string::npos) return std::nullopt;
  const size_t heading = body.rfind("\n### ", marker);
  return std::pair(heading == std::string::npos || heading < from ? marker : heading + 1, end + end_marker(id).size());
}

/// "c1", "c2", ...: the first id no comment of the file uses.
std::string free_id(const std::string& body) {
  for (int n = 1;; ++n)
    if (body.find(start_marker("c" + std::to_string(n))) == std::string::npos) return "c" + std::to_string(n);
}

} // namespace

sdk::Result<void> LocalTracker::comment(const std::string& key, const std::string& markdown, const sdk::CancelToken&) {
  std::lock_guard lock(m_write);
  if (auto found = read(key); !found) return std::move(found).failure();
  return rewrite(path_of(key), shown(key), [&](IssueFile& file) {
    open_comments(file);
    file.body += "\n### " + utc_timestamp() + " " + m_author + "\n\n" + with_newline(markdown);
  });
}

sdk::Result<std::string> LocalTracker::put_comment(const std::string& key, const std::string& comment_id,
                                                   const std::string& markdown, const sdk::CancelToken&) {
  std::lock_guard lock(m_write);
  if (auto found = read(key); !found) return std::move(found).failure();
  std::string id = comment_id;
  auto written = rewrite(path_of(key), shown(key), [&](IssueFile& file) {
    open_comments(file);
    const auto at = id.empty() ? std::nullopt : find_comment(file.body, id);
    if (!at) id = free_id(file.body); // new, or a person deleted it
    const std::string text = "### " + utc_timestamp() + " " + m_author + " " + start_marker(id) + "\n\n" +
                             with_newline(markdown) + end_marker(id);
    if (at) file.body.replace(at->first, at->second - at->first, text);
    else file.body += "\n" + text;
  });
  if (!written) return std::move(written).failure();
  return id;
}

sdk::Result<void> LocalTracker::set_state(const std::string& key, const std::string& state, const sdk::CancelToken&) {
  std::lock_guard lock(m_write);
  if (auto found = read(key); !found) return std::move(found).failure();
  return rewrite(path_of(key), shown(key), [&](IssueFile& file) { set_header(file, "state", state); });
}

sdk::Result<void> LocalTracker::set_labels(const std::string& key, const std::vector<std::string>& add,
                                           const std::vector<std::string>& remove, const sdk::CancelToken&) {
  std::lock_guard lock(m_write);
  if (auto found = read(key); !found) return std::move(found).failure();
  return rewrite(path_of(key), shown(key), [&](IssueFile& file) {
    std::vector<std::string> labels;
    for (const auto& label : file.labels)
      if (std::find(remove.begin(), remove.end(), label) == remove.end()) labels.push_back(label);
    for (const auto& label : add)
      if (std::find(labels.begin(), labels.end(), label) == labels.end()) labels.push_back(label);
    set_header(file, "labels", format_labels(labels));
  });
}

} // namespace fanout::local
