#include "local_code_host.hpp"

#include "files.hpp"

#include <algorithm>

namespace fanout::local {
namespace fs = std::filesystem;
using sdk::FailureKind;
using nlohmann::json;

namespace {

const char* state_name(sdk::PullRequestState state) {
  switch (state) {
  case sdk::PullRequestState::open: return "open";
  case sdk::PullRequestState::closed: return "closed";
  case sdk::PullRequestState::merged: return "merged";
  }
  return "open";
}

sdk::PullRequestState state_of(const std::string& name) {
  if (name == "merged") return sdk::PullRequestState::merged;
  if (name == "closed") return sdk::PullRequestState::closed;
  return sdk::PullRequestState::open;
}

const char* event_name(sdk::ReviewEvent event) {
  switch (event) {
  case sdk::ReviewEvent::approve: return "approve";
  case sdk::ReviewEvent::request_changes: return "request_changes";
  case sdk::ReviewEvent::comment: return "comment";
  }
  return "comment";
}

std::string render_markdown(const sdk::PullRequest& pr, const json& reviews) {
  std::string out = "# " + pr.title + "\n\n";
  out += "- id: " + pr.id + "\n- head: " + pr.head + "\n- base: " + pr.base + "\n- state: " + state_name(pr.state) +
         (pr.draft ? " (draft)" : "") + "\n\n" + pr.body;
  if (!pr.body.empty() && pr.body.back() != '\n') out += "\n";
  if (!reviews.empty()) out += "\n## Reviews\n";
  for (const auto& review : reviews) {
    out += "\n### " + review.value("event", "comment") + " (" + review.value("created_at", "") + ")\n\n" +
           review.value("body", "") + "\n";
    for (const auto& comment : review.value("comments", json::array()))
      out += "\n- `" + comment.value("path", "") + ":" + std::to_string(comment.value("line", 0)) + "` " +
             comment.value("body", "") + "\n";
  }
  return out;
}

} // namespace

LocalCodeHost::LocalCodeHost(sdk::Host& host)
    : m_host(host), m_dir_shown(host.config().value("prs_dir", ".fanout/prs")),
      m_author(host.config().value("author", "fanout")), m_ci_command(host.config().value("ci_command", "")),
      m_ci_timeout(host.config().value("ci_timeout", std::int64_t{30 * 60 * 1000})) {
  const fs::path dir(m_dir_shown);
  m_dir = (dir.is_absolute() ? dir : host.repo_root() / dir).lexically_normal();
}

fs::path LocalCodeHost::record_path(const std::string& id) const { return m_dir / (id + ".json"); }

std::string LocalCodeHost::shown(const std::string& file) const { return (fs::path(m_dir_shown) / file).string(); }

sdk::Result<void> LocalCodeHost::push(const fs::path&, const std::string&, const sdk::PushOptions&, const sdk::CancelToken&) {
  return {};
}

sdk::Result<sdk::PullRequest> LocalCodeHost::read(const std::string& id) const {
  if (!is_safe_file_key(id)) return sdk::fail(FailureKind::invalid_input, "invalid pull request id \"" + id + "\"");
  std::error_code ec;
  if (!fs::is_regular_file(record_path(id), ec))
    return sdk::fail(FailureKind::not_found, "pull request \"" + id + "\" not found in " + m_dir_shown);
  auto text = read_text(record_path(id), shown(id + ".json"));
  if (!text) return std::move(text).failure();
  try {
    const json record = json::parse(*text);
    sdk::PullRequest pr;
    pr.id = id;
    pr.title = record.at("title").get<std::string>();
    pr.body = record.value("body", "");
    pr.head = record.at("head").get<std::string>();
    pr.base = record.at("base").get<std::string>();
    pr.state = state_of(record.value("state", "open"));
    pr.draft = record.value("draft", false);
    pr.url = "file://" + (m_dir / (id + ".md")).string();
    return pr;
  } catch (const json::exception& e) {
    return sdk::fail(FailureKind::error, shown(id + ".json") + ": malformed pull request record: " + e.what());
  }
}

sdk::Result<void> LocalCodeHost::write(const sdk::PullRequest& pr, const json& extra) {
  json record = extra;
  record["id"] = pr.id;
  record["number"] = std::stoll(pr.id);
  record["title"] = pr.title;
  record["body"] = pr.body;
  record["head"] = pr.head;
  record["base"] = pr.base;
  record["state"] = state_name(pr.state);
  record["draft"] = pr.draft;
  record["updated_at"] = utc_timestamp();
  if (auto done = write_atomic(record_path(pr.id), record.dump(2) + "\n", shown(pr.id + ".json")); !done) return done;
  json reviews = json::array();
  if (auto text = read_text(m_dir / (pr.id + "-reviews.json"), ""); text) reviews = json::parse(*text, nullptr, false);
  if (!reviews.is_array()) reviews = json::array();
  return write_atomic(m_dir / (pr.id + ".md"), render_markdown(pr, reviews), shown(pr.id + ".md"));
}

sdk::Result<sdk::PullRequest> LocalCodeHost::refresh(sdk::PullRequest pr, const sdk::CancelToken& cancel) {
  if (pr.state != sdk::PullRequestState::open) return pr;
  sdk::ProcessSpec spec;
  spec.argv = {"git", "merge-base", "--is-ancestor", "refs/heads/" + pr.head, "refs/heads/" + pr.base};
  spec.workdir = m_host.repo_root();
  spec.timeout = std::chrono::seconds(30);
  auto ran = m_host.processes().run(spec, [](sdk::Stream, const std::string&) {}, cancel);
  if (!ran) return std::move(ran).failure();
  if (ran->signaled || ran->exit_code != 0) {
    // 1: not merged; anything else (a branch that no longer exists): keep what we know.
    if (ran->exit_code != 1)
      m_host.log(sdk::LogLevel::debug, "git merge-base for pull request " + pr.id + " failed: " + ran->err);
    return pr;
  }
  pr.state = sdk::PullRequestState::merged;
  std::lock_guard lock(m_write);
  auto record = read_text(record_path(pr.id), shown(pr.id + ".json"));
  json extra = record ? json::parse(*record, nullptr, false) : json::object();
  if (!extra.is_object()) extra = json::object();
  if (auto done = write(pr, extra); !done) return std::move(done).failure();
  return pr;
}

sdk::Result<std::optional<sdk::PullRequest>> LocalCodeHost::find(const std::string& branch, const sdk::CancelToken& cancel) {
  std::vector<long long> ids;
  std::error_code ec;
  for (fs::directory_iterator it(m_dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string stem = it->path().stem().string();
    if (it->path().extension() == ".json" && !stem.empty() &&
        std::all_of(stem.begin(), stem.end(), [](char c) { return c >= '0' && c <= '9'; }))
      ids.push_back(std::stoll(stem));
  }
  std::sort(ids.rbegin(), ids.rend()); // newest first: a reopened branch finds its latest PR
  for (long long id : ids) {
    auto pr = read(std::to_string(id));
    if (!pr) return std::move(pr).failure();
    if (pr->head == branch) {
      auto fresh = refresh(std::move(*pr), cancel);
      if (!fresh) return std::move(fresh).failure();
      return std::optional<sdk::PullRequest>(std::move(*fresh));
    }
  }
  return std::optional<sdk::PullRequest>();
}

sdk::Result<sdk::PullRequest> LocalCodeHost::open(const sdk::PullRequestDraft& draft, const sdk::CancelToken&) {
  if (draft.head.empty() || draft.base.empty())
    return sdk::fail(FailureKind::invalid_input, "a pull request needs a head and a base branch");
  std::lock_guard lock(m_write);
  sdk::PullRequest pr;
  pr.title = draft.title;
  pr.body = draft.body;
  pr.head = draft.head;
  pr.base = draft.base;
  pr.draft = draft.draft;
  const json created = {{"created_at", utc_timestamp()}};
  // Claim the next id with O_EXCL so two fanout processes never share one.
  for (long long id = 1;; ++id) {
    pr.id = std::to_string(id);
    auto claimed = create_exclusive(record_path(pr.id), "{}\n", shown(pr.id + ".json"));
    if (!claimed) return std::move(claimed).failure();
    if (*claimed) break;
  }
  pr.url = "file://" + (m_dir / (pr.id + ".md")).string();
  if (auto done = write(pr, created); !done) return std::move(done).failure();
  return pr;
}

sdk::Result<sdk::PullRequest> LocalCodeHost::update(const sdk::PullRequest& pr, const sdk::CancelToken&) {
  std::lock_guard lock(m_write);
  auto current = read(pr.id);
  if (!current) return std::move(current).failure();
  current->title = pr.title;
  current->body = pr.body;
  auto record = read_text(record_path(pr.id), shown(pr.id + ".json"));
  json extra = record ? json::parse(*record, nullptr, false) : json::object();
  if (!extra.is_object()) extra = json::object();
  if (auto done = write(*current, extra); !done) return std::move(done).failure();
  return current;
}

sdk::Result<sdk::PullRequest> LocalCodeHost::get(const std::string& id, const sdk::CancelToken& cancel) {
  auto pr = read(id);
  if (!pr) return std::move(pr).failure();
  auto fresh = refresh(std::move(*pr), cancel);
  if (!fresh) return fresh;
  if (auto filled = fill_merge_state(*fresh, cancel); !filled) return std::move(filled).failure();
  return fresh;
}

sdk::Result<void> LocalCodeHost::review(const sdk::PullRequest& pr, const sdk::PullRequestReview& review,
                                        const sdk::CancelToken&) {
  std::lock_guard lock(m_write);
  auto current = read(pr.id);
  if (!current) return std::move(current).failure();
  const fs::path path = m_dir / (pr.id + "-reviews.json");
  json reviews = json::array();
  if (auto text = read_text(path, shown(pr.id + "-reviews.json")); text) reviews = json::parse(*text, nullptr, false);
  if (!reviews.is_array()) return sdk::fail(FailureKind::error, shown(pr.id + "-reviews.json") + ": not a JSON array");
  json comments = json::array();
  for (const auto& c : review.comments) comments.push_back({{"path", c.path}, {"line", c.line}, {"body", c.body}});
  reviews.push_back({{"event", event_name(review.event)}, {"body", review.body}, {"comments", comments},
                     {"created_at", utc_timestamp()}});
  if (auto done = write_atomic(path, reviews.dump(2) + "\n", shown(pr.id + "-reviews.json")); !done) return done;
  return write_atomic(m_dir / (pr.id + ".md"), render_markdown(*current, reviews), shown(pr.id + ".md"));
}

} // namespace fanout::local
