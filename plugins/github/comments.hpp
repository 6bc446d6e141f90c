#pragma once
// A pull request's comments of all three kinds, and replies to them.

#include "api.hpp"

#include <fanout/sdk/code_host.hpp>

#include <string>
#include <vector>

namespace fanout::github {

/// Review comments (GET /pulls/{n}/comments), the bodies of submitted reviews (GET
/// /pulls/{n}/reviews, empty ones left out) and conversation comments (GET /issues/{n}/comments),
/// all pages, oldest first. Ids are GitHub's anchors, unique across the kinds:
/// "discussion_r<id>", "pullrequestreview-<id>", "issuecomment-<id>".
sdk::Result<std::vector<sdk::PullRequestComment>> pull_comments(Api& api, const std::string& number,
                                                                const sdk::CancelToken& cancel);

/// Answers `to` in its thread (a line comment) or on the conversation, quoting and linking
/// it. Sent once, never retried. Returns the new comment's id.
sdk::Result<std::string> post_reply(Api& api, const std::string& number, const sdk::PullRequestComment& to,
                                    const std::string& markdown, const sdk::CancelToken& cancel);

} // namespace fanout::github
