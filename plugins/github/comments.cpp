#include "comments.hpp"

#include "support/json_access.hpp"

#include <algorithm>

namespace fanout::github {

using nlohmann::json;
using sdk::CommentKind;
using sdk::fail;
using sdk::FailureKind;
using support::int_at;
using support::string_at;

namespace {

constexpr const char* k_line_prefix = "discussion_r";
constexpr const char* k_review_prefix = "pullrequestreview-";
constexpr const char* k_conversation_prefix = "issuecomment-";

/// Author, bot flag, body and url, which every kind carries alike.
sdk::PullRequestComment common(const json& row, CommentKind kind, const std::string& prefix) {
  sdk::PullRequestComment comment;
  comment.id = prefix + std::to_string(int_at(row, "id"));
  comment.kind = kind;
  if (auto user = row.find("user"); user != row.end() && user->is_object()) {
    comment.author = string_at(*user, "login");
    comment.author_is_bot = string_at(*user, "type") == "Bot";
  }
  comment.body = string_at(row, "body");
  comment.url = string_at(row, "html_url");
  comment.created_at = string_at(row, "created_at");
  return comment;
}

/// The number after `prefix` in an id of ours, or "" when `id` is not of that kind.
std::string number_after(const std::string& id, const std::string& prefix) {
  if (id.rfind(prefix, 0) != 0 || id.size() == prefix.size()) return "";
  const std::string rest = id.substr(prefix.size());
  return std::all_of(rest.begin(), rest.end(), [](unsigned char c) { return c >= '0' && c <= '9'; }) ? rest
                                                                                                     : "";
}

/// "> " before each of the first lines of `body` (each cut at 200 bytes, never inside a
/// UTF-8 character), for a reply on the conversation.
std::string quoted(const std::string& body) {
  std::string out;
  size_t start = 0;
  for (int lines = 0; start < body.size() && lines < 4; ++lines) {
    size_t end = body.find('\n', start);
    if (end == std::string::npos) end = body.size();
    size_t cut = std::min<size_t>(end, start + 200);
    while (cut > start && cut < end && (static_cast<unsigned char>(body[cut]) & 0xC0) == 0x80)
      --cut;
    out += "> " + body.substr(start, cut - start) + (cut < end ? "...\n" : "\n");
    start = end + 1;
  }
  if (start < body.size()) out += "> ...\n";
  return out;
}

} // namespace

sdk::Result<std::vector<sdk::PullRequestComment>> pull_comments(Api& api, const std::string& number,
                                                                const sdk::CancelToken& cancel) {
  auto is_object = [](const json& row) { return row.is_object(); };
  auto lines = api.list("/pulls/" + number + "/comments?per_page=100", cancel, 0, is_object);
  if (!lines) return std::move(lines).failure();
  auto reviews = api.list("/pulls/" + number + "/reviews?per_page=100", cancel, 0, [](const json& row) {
    // A pending review is the viewer's unsent draft; an empty body says nothing to answer.
    return row.is_object() && !string_at(row, "body").empty() && string_at(row, "state") != "PENDING";
  });
  if (!reviews) return std::move(reviews).failure();
  auto conversation = api.list("/issues/" + number + "/comments?per_page=100", cancel, 0, is_object);
  if (!conversation) return std::move(conversation).failure();

  std::vector<sdk::PullRequestComment> out;
  for (const auto& row : *lines) {
    sdk::PullRequestComment comment = common(row, CommentKind::line, k_line_prefix);
    comment.path = string_at(row, "path");
    comment.line = static_cast<int>(int_at(row, "line")); // null when outdated: 0
    if (const auto parent = int_at(row, "in_reply_to_id"))
      comment.in_reply_to = k_line_prefix + std::to_string(parent);
    out.push_back(std::move(comment));
  }
  for (const auto& row : *reviews) {
    sdk::PullRequestComment comment = common(row, CommentKind::review, k_review_prefix);
    comment.created_at = string_at(row, "submitted_at");
    out.push_back(std::move(comment));
  }
  for (const auto& row : *conversation)
    out.push_back(common(row, CommentKind::conversation, k_conversation_prefix));
  // GitHub's timestamps are all "YYYY-MM-DDTHH:MM:SSZ": text order is time order.
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& a, const auto& b) { return a.created_at < b.created_at; });
  return out;
}

sdk::Result<std::string> post_reply(Api& api, const std::string& number, const sdk::PullRequestComment& to,
                                    const std::string& markdown, const sdk::CancelToken& cancel) {
  const CallOptions once{.max_retries = 0};
  const std::string missing = "github pull request \"" + number + "\" or its comment \"" + to.id +
                              "\" not found in \"" + api.repo() + "\"";
  if (to.kind == CommentKind::line) {
    // GitHub threads replies under a thread's first comment and refuses replies to replies.
    const std::string root = number_after(to.in_reply_to.empty() ? to.id : to.in_reply_to, k_line_prefix);
    if (root.empty())
      return fail(FailureKind::invalid_input, "\"" + to.id + "\" is not a github review comment id");
    json body = {{"body", markdown}};
    auto row =
        api.call("POST", "/pulls/" + number + "/comments/" + root + "/replies", &body, cancel, missing, once);
    if (!row) return std::move(row).failure();
    return k_line_prefix + std::to_string(int_at(*row, "id"));
  }
  // "@login" notifies the person that their comment was answered.
  const std::string who = to.author.empty() ? "a comment" : "@" + to.author;
  const std::string link = to.url.empty() ? who : who + " ([comment](" + to.url + "))";
  json body = {{"body", "In reply to " + link + ":\n\n" + quoted(to.body) + "\n" + markdown}};
  auto row = api.call("POST", "/issues/" + number + "/comments", &body, cancel, missing, once);
  if (!row) return std::move(row).failure();
  return k_conversation_prefix + std::to_string(int_at(*row, "id"));
}

} // namespace fanout::github
