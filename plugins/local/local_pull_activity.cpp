// LocalCodeHost after a pull request is open: checks from the trusted ci_command, comments
// and replies as files under <prs_dir>/<id>/, and the merge state from git itself.

#include "local_code_host.hpp"

#include "files.hpp"
#include "front_matter.hpp"

#include "support/text_tail.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <ctime>
#include <sstream>

namespace fanout::local {
namespace fs = std::filesystem;
using nlohmann::json;
using sdk::FailureKind;

namespace {

constexpr const char* k_check_name = "ci";
constexpr const char* k_check_prefix = "ci-";
constexpr const char* k_comment_prefix = "comment-";
constexpr const char* k_reply_prefix = "reply-";

bool is_hex(const std::string& text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isxdigit(c); });
}

std::string first_line(const std::string& text) {
  return text.substr(0, text.find('\n'));
}

/// Fails when `<prs_dir>/<id>/<folder>` or `<prs_dir>/<id>` is a symbolic link: the
/// repository is untrusted, and a link would make fanout read or write outside prs_dir.
sdk::Result<void> no_links(const fs::path& prs_dir, const std::string& id, const std::string& folder,
                           const std::string& shown) {
  std::error_code ec;
  for (const fs::path& path : {prs_dir / id, prs_dir / id / folder})
    if (fs::is_symlink(path, ec))
      return sdk::fail(FailureKind::invalid_input,
                       (fs::path(shown) / path.lexically_relative(prs_dir)).string() +
                           " is a symbolic link; fanout reads and writes only real folders there");
  return {};
}

/// Comment files in `dir` (*.md with a safe stem, no symbolic links), by name.
std::vector<fs::path> markdown_files(const fs::path& dir) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    if (it->path().extension() == ".md" && it->is_regular_file(ec) && !it->is_symlink(ec) &&
        is_safe_file_key(it->path().stem().string()))
      out.push_back(it->path());
  std::sort(out.begin(), out.end());
  return out;
}

/// The file's modification time as "2024-05-01T12:34:56Z", for comments without created_at.
std::string modified_at(const fs::path& path) {
  std::error_code ec;
  const auto written = fs::last_write_time(path, ec);
  if (ec) return "";
  const auto system = std::chrono::time_point_cast<std::chrono::system_clock::duration>(
      std::chrono::file_clock::to_sys(written));
  const std::time_t seconds = std::chrono::system_clock::to_time_t(system);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

sdk::Check check_from(const json& record) {
  sdk::Check check;
  check.id = k_check_prefix + record.value("sha", "");
  check.name = k_check_name;
  check.conclusion = record.value("conclusion", "");
  check.state = check.conclusion == "success" ? sdk::CheckState::success : sdk::CheckState::failure;
  check.summary = record.value("summary", "");
  check.url = record.value("log_url", "");
  return check;
}

} // namespace

sdk::Result<sdk::ProcessResult> LocalCodeHost::git(const std::vector<std::string>& args,
                                                   const sdk::CancelToken& cancel,
                                                   const fs::path& workdir) const {
  sdk::ProcessSpec spec;
  spec.argv = {"git"};
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  spec.workdir = workdir.empty() ? m_host.repo_root() : workdir;
  spec.timeout = std::chrono::minutes(2);
  return m_host.processes().run(spec, nullptr, cancel);
}

sdk::Result<std::string> LocalCodeHost::branch_head(const std::string& branch,
                                                    const sdk::CancelToken& cancel) const {
  auto ran = git({"rev-parse", "--verify", "-q", "refs/heads/" + branch + "^{commit}"}, cancel);
  if (!ran) return std::move(ran).failure();
  if (ran->signaled || ran->exit_code != 0) return std::string();
  return first_line(ran->out);
}

sdk::Result<void> LocalCodeHost::fill_merge_state(sdk::PullRequest& pr,
                                                  const sdk::CancelToken& cancel) const {
  auto head = branch_head(pr.head, cancel);
  if (!head) return std::move(head).failure();
  pr.head_sha = *head;
  if (pr.state != sdk::PullRequestState::open || pr.head_sha.empty()) return {};
  // Merges in memory, touching no worktree: 0 clean, 1 conflicts (git 2.38+).
  auto ran =
      git({"merge-tree", "--write-tree", "--no-messages", "refs/heads/" + pr.base, "refs/heads/" + pr.head},
          cancel);
  if (!ran) return std::move(ran).failure();
  if (!ran->signaled && ran->exit_code == 0)
    pr.mergeable = sdk::Mergeable::clean;
  else if (!ran->signaled && ran->exit_code == 1)
    pr.mergeable = sdk::Mergeable::conflicting;
  else
    m_host.log(sdk::LogLevel::debug, "git merge-tree for pull request " + pr.id + " failed: " + ran->err);
  return {};
}

fs::path LocalCodeHost::clean_worktree_of(const std::string& branch, const std::string& sha,
                                          const sdk::CancelToken& cancel) const {
  auto list = git({"worktree", "list", "--porcelain"}, cancel);
  if (!list || list->signaled || list->exit_code != 0) return {};
  fs::path path;
  std::string head;
  std::istringstream in(list->out + "\n");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("worktree ", 0) == 0)
      path = line.substr(9);
    else if (line.rfind("HEAD ", 0) == 0)
      head = line.substr(5);
    else if (line == "branch refs/heads/" + branch && head == sha) {
      auto status = git({"status", "--porcelain", "--untracked-files=no"}, cancel, path);
      if (status && !status->signaled && status->exit_code == 0 && status->out.empty()) return path;
    }
  }
  return {};
}

sdk::Result<json> LocalCodeHost::run_ci(const std::string& id, const std::string& branch,
                                        const std::string& sha, const sdk::CancelToken& cancel) {
  // In the branch's own worktree when it is at this commit and unchanged (its dependencies
  // are there); otherwise in a detached checkout made for this run and removed after it.
  fs::path workdir = clean_worktree_of(branch, sha, cancel);
  fs::path scratch;
  if (workdir.empty()) {
    std::string pattern = (fs::temp_directory_path() / "fanout-ci-XXXXXX").string();
    if (!mkdtemp(pattern.data()))
      return sdk::fail(FailureKind::error, "could not make a folder for a checkout of \"" + branch + "\"");
    scratch = pattern;
    workdir = scratch / "checkout";
    auto added = git({"worktree", "add", "--detach", "-q", workdir.string(), sha}, cancel);
    if (!added || added->signaled || added->exit_code != 0) {
      std::error_code ec;
      fs::remove_all(scratch, ec);
      if (!added) return std::move(added).failure();
      return sdk::fail(FailureKind::error,
                       "git worktree add for a checkout of \"" + branch + "\" failed: " + added->err);
    }
  }
  sdk::ProcessSpec spec;
  spec.argv = {"/bin/sh", "-c", m_ci_command};
  spec.workdir = workdir;
  spec.timeout = m_ci_timeout;
  std::string log;
  auto ran = m_host.processes().run(
      spec, [&](sdk::Stream, const std::string& line) { log += line + "\n"; }, cancel);
  if (!scratch.empty()) { // what this run made, and only that
    auto removed = git({"worktree", "remove", "--force", workdir.string()}, sdk::CancelToken());
    if (!removed || removed->exit_code != 0)
      m_host.log(sdk::LogLevel::warn, "could not remove the CI checkout " + workdir.string());
    std::error_code ec;
    fs::remove_all(scratch, ec);
  }
  if (!ran) return std::move(ran).failure();
  if (ran->cancelled)
    return sdk::fail(FailureKind::cancelled, "the check of pull request " + id + " was cancelled");

  const std::string conclusion = ran->timed_out                            ? "timed_out"
                                 : (!ran->signaled && ran->exit_code == 0) ? "success"
                                                                           : "failure";
  const std::string summary = ran->timed_out ? "ci_command timed out"
                              : ran->signaled
                                  ? "ci_command was killed by signal " + std::to_string(ran->signal)
                                  : "ci_command exited with " + std::to_string(ran->exit_code);
  if (auto real = no_links(m_dir, id, "checks", m_dir_shown); !real) return std::move(real).failure();
  const fs::path dir = m_dir / id / "checks";
  const json record = {{"sha", sha},
                       {"conclusion", conclusion},
                       {"summary", summary},
                       {"log_url", "file://" + (dir / (sha + ".log")).string()},
                       {"finished_at", utc_timestamp()}};
  const std::string shown_dir = id + "/checks/" + sha;
  if (auto done = write_atomic(dir / (sha + ".log"), log, shown(shown_dir + ".log")); !done)
    return std::move(done).failure();
  if (auto done = write_atomic(dir / (sha + ".json"), record.dump(2) + "\n", shown(shown_dir + ".json"));
      !done)
    return std::move(done).failure();
  return record;
}

sdk::Result<std::vector<sdk::Check>> LocalCodeHost::checks(const sdk::PullRequest& pr,
                                                           const sdk::CancelToken& cancel) {
  if (m_ci_command.empty())
    return sdk::fail(FailureKind::unsupported,
                     "the local code host runs no checks: set ci_command in the trusted [codehost] config");
  auto current = read(pr.id);
  if (!current) return std::move(current).failure();
  std::string sha = pr.head_sha;
  if (sha.empty()) {
    auto head = branch_head(current->head, cancel);
    if (!head) return std::move(head).failure();
    sha = *head;
  }
  if (!is_hex(sha))
    return sdk::fail(FailureKind::not_found,
                     "branch \"" + current->head + "\" of pull request " + pr.id + " does not exist");
  // One run per head commit: a recorded result is the check until the branch moves.
  if (auto real = no_links(m_dir, pr.id, "checks", m_dir_shown); !real) return std::move(real).failure();
  const fs::path recorded = m_dir / pr.id / "checks" / (sha + ".json");
  if (auto text = read_text(recorded, ""); text) {
    const json record = json::parse(*text, nullptr, false);
    if (record.is_object()) return std::vector<sdk::Check>{check_from(record)};
  }
  auto record = run_ci(pr.id, current->head, sha, cancel);
  if (!record) return std::move(record).failure();
  return std::vector<sdk::Check>{check_from(*record)};
}

sdk::Result<std::string> LocalCodeHost::check_log(const sdk::PullRequest& pr, const sdk::Check& check,
                                                  std::size_t max_bytes, const sdk::CancelToken&) {
  const std::string sha = check.id.rfind(k_check_prefix, 0) == 0 ? check.id.substr(3) : "";
  if (!is_hex(sha) || !is_safe_file_key(pr.id))
    return sdk::fail(FailureKind::not_found, "no local check \"" + check.id + "\"");
  if (auto real = no_links(m_dir, pr.id, "checks", m_dir_shown); !real) return std::move(real).failure();
  const std::string file = pr.id + "/checks/" + sha + ".log";
  std::error_code ec;
  if (!fs::is_regular_file(m_dir / file, ec))
    return sdk::fail(FailureKind::not_found, "no log of check \"" + check.id + "\" in " + m_dir_shown);
  auto text = read_text(m_dir / file, shown(file));
  if (!text) return std::move(text).failure();
  return support::whole_lines_tail(*text, max_bytes);
}

sdk::Result<std::vector<sdk::PullRequestComment>> LocalCodeHost::comments(const sdk::PullRequest& pr,
                                                                          const sdk::CancelToken&) {
  auto current = read(pr.id);
  if (!current) return std::move(current).failure();
  std::vector<sdk::PullRequestComment> out;
  for (const char* folder : {"comments", "replies"}) {
    const bool replies = std::string(folder) == "replies";
    if (auto real = no_links(m_dir, pr.id, folder, m_dir_shown); !real) return std::move(real).failure();
    for (const auto& path : markdown_files(m_dir / pr.id / folder)) {
      const std::string name = path.stem().string();
      const std::string file = pr.id + "/" + folder + "/" + path.filename().string();
      auto text = read_text(path, shown(file));
      if (!text) return std::move(text).failure();
      auto parsed = parse_front_matter(*text, shown(file));
      if (!parsed) return std::move(parsed).failure();
      sdk::PullRequestComment comment;
      comment.id = (replies ? k_reply_prefix : k_comment_prefix) + name;
      comment.author = parsed->field("author");
      if (comment.author.empty() && replies) comment.author = m_author;
      comment.author_is_bot = parsed->field("bot") == "true";
      comment.body = parsed->body;
      comment.path = parsed->field("path");
      comment.line = std::atoi(parsed->field("line").c_str());
      comment.in_reply_to = parsed->field("in_reply_to");
      comment.kind = comment.path.empty() ? sdk::CommentKind::conversation : sdk::CommentKind::line;
      comment.url = "file://" + path.string();
      comment.created_at = parsed->field("created_at");
      if (comment.created_at.empty()) comment.created_at = modified_at(path);
      out.push_back(std::move(comment));
    }
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& a, const auto& b) { return a.created_at < b.created_at; });
  return out;
}

sdk::Result<std::string> LocalCodeHost::reply(const sdk::PullRequest& pr, const sdk::PullRequestComment& to,
                                              const std::string& markdown, const sdk::CancelToken&) {
  std::lock_guard lock(m_write);
  auto current = read(pr.id);
  if (!current) return std::move(current).failure();
  if (auto real = no_links(m_dir, pr.id, "replies", m_dir_shown); !real) return std::move(real).failure();
  std::string header =
      "---\nauthor: " + m_author + "\nin_reply_to: " + to.id + "\ncreated_at: " + utc_timestamp() + "\n";
  if (to.kind == sdk::CommentKind::line)
    header += "path: " + to.path + "\nline: " + std::to_string(to.line) + "\n";
  const std::string text =
      header + "---\n\n" + markdown + (markdown.empty() || markdown.back() == '\n' ? "" : "\n");
  for (int n = 1;; ++n) { // the next free number, claimed with O_EXCL
    const std::string file = pr.id + "/replies/" + std::to_string(n) + ".md";
    auto claimed = create_exclusive(m_dir / file, text, shown(file));
    if (!claimed) return std::move(claimed).failure();
    if (*claimed) return k_reply_prefix + std::to_string(n);
  }
}

} // namespace fanout::local
