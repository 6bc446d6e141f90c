// agent-review: any agent provider reviews the change in a fresh, read-only session with a
// prompt (`review-pr`, `adversarial`, a repo override or a repo's own file) and answers in
// the review JSON schema. See docs/reviewers.md.

#include "support/review_session.hpp"

#include <fanout/sdk/plugin.hpp>

namespace fanout::reviewers {
namespace {

class AgentReviewer final : public sdk::Reviewer {
public:
  explicit AgentReviewer(sdk::Host& host) : m_host(host) {}

  sdk::Result<sdk::Review> review(const sdk::ReviewRequest& request, const sdk::CancelToken& cancel) override {
    const auto& config = m_host.config();
    const std::string provider = config.value("provider", std::string("claude-code"));
    const std::string prompt_name = config.value("prompt", std::string("review-pr"));
    auto review = support::review_with_agent(m_host, provider, prompt_name, request, cancel);
    if (review.ok())
      m_host.log(sdk::LogLevel::debug, "agent \"" + provider + "\" with prompt \"" + prompt_name + "\": " +
                                           std::string(sdk::to_string(review->verdict)) + ", " +
                                           std::to_string(review->findings.size()) + " findings");
    return review;
  }

private:
  sdk::Host& m_host;
};

struct AgentReviewPlugin {
  static constexpr const char* name = "agent-review";
  static constexpr const char* version = "1.0.0";
  static constexpr const char* description = "an agent reviews the change in a fresh session (review-pr, adversarial, or your prompt)";
  static constexpr sdk::Kind kinds[] = {sdk::Kind::reviewer};
  static constexpr sdk::ConfigKey config_keys[] = {
      {.name = "provider", .type = sdk::ConfigType::string, .default_value = "\"claude-code\"",
       .doc = "agent provider plugin that runs the review"},
      {.name = "prompt", .type = sdk::ConfigType::path, .default_value = "\"review-pr\"",
       .doc = "prompt name (review-pr, adversarial, scope, or .fanout/prompts/<name>.md) or a file in the repo"},
      {.name = "model", .type = sdk::ConfigType::string, .default_value = "\"\"",
       .doc = "model for this reviewer; \"\" = [agent] models.review"},
      {.name = "timeout", .type = sdk::ConfigType::duration, .default_value = "\"20m\"",
       .doc = "longest the review session may run"},
      {.name = "max_turns", .type = sdk::ConfigType::integer, .default_value = "0",
       .doc = "turn limit for the session; 0 = none"},
      {.name = "max_diff_bytes", .type = sdk::ConfigType::positive_integer, .default_value = "200000",
       .doc = "larger diffs are cut in the prompt"},
      {.name = "database_env", .type = sdk::ConfigType::string, .default_value = "\"\"",
       .doc = "env var naming the workspace database URL; \"\" = DATABASE_URL when set"},
  };
  static std::unique_ptr<sdk::Reviewer> make_reviewer(sdk::Host& host) { return std::make_unique<AgentReviewer>(host); }
};

} // namespace
} // namespace fanout::reviewers

FANOUT_PLUGIN(fanout::reviewers::AgentReviewPlugin)
