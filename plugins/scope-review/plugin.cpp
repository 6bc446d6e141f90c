// scope-review: compares the diff with the issue. What the issue names that the diff does
// not touch, and what the diff changes that the issue did not ask for (unrelated files,
// lockfile churn, deleted tests). Optionally an agent judges scope too. See docs/reviewers.md.

#include "scope_rules.hpp"

#include "support/review_session.hpp"
#include "support/review_verdict.hpp"

#include <fanout/sdk/plugin.hpp>
#include <fanout/sdk/review_schema.hpp>

namespace fanout::reviewers {
namespace {

sdk::Verdict stricter(sdk::Verdict a, sdk::Verdict b) { return static_cast<int>(a) > static_cast<int>(b) ? a : b; }

class ScopeReviewer final : public sdk::Reviewer {
public:
  explicit ScopeReviewer(sdk::Host& host) : m_host(host) {}

  sdk::Result<sdk::Review> review(const sdk::ReviewRequest& request, const sdk::CancelToken& cancel) override {
    const auto& config = m_host.config();
    scope::Rules rules;
    for (auto [key, target] : {std::pair{"missing_path_severity", &rules.missing_path},
                               std::pair{"missing_identifier_severity", &rules.missing_identifier},
                               std::pair{"unrelated_severity", &rules.unrelated}}) {
      auto it = config.find(key);
      if (it == config.end() || !it->is_string()) continue;
      auto parsed = sdk::severity_from_string(it->get<std::string>());
      if (!parsed)
        return sdk::fail(sdk::FailureKind::invalid_input,
                         std::string("\"") + key + "\" must be \"critical\", \"important\" or \"suggestion\", got " +
                             it->dump());
      *target = *parsed;
    }
    rules.large_lines = config.value("large_lines", 200);

    const std::string issue_text = request.issue.title + "\n" + request.issue.body;
    const auto changes = scope::parse_diff(request.diff);
    sdk::Review review;
    review.findings = scope::compare(scope::extract_mentions(issue_text), issue_text, changes, rules);
    review.verdict = support::verdict_for(review.findings);
    review.summary = "Scope check of " + std::to_string(changes.size()) + " changed file(s) against issue " +
                     request.issue.key + ": " + std::to_string(review.findings.size()) + " finding(s).";

    const std::string provider = config.value("provider", std::string());
    if (provider.empty()) return review;
    auto agent_review =
        support::review_with_agent(m_host, provider, config.value("prompt", std::string("scope")), request, cancel);
    if (!agent_review.ok()) return std::move(agent_review).failure();
    review.verdict = stricter(review.verdict, agent_review->verdict);
    review.summary += "\n\nAgent \"" + provider + "\": " + agent_review->summary;
    for (auto& f : agent_review->findings) review.findings.push_back(std::move(f));
    return review;
  }

private:
  sdk::Host& m_host;
};

struct ScopeReviewPlugin {
  static constexpr const char* name = "scope-review";
  static constexpr const char* version = "1.0.0";
  static constexpr const char* description = "does the diff match the issue: missing parts, unrelated changes";
  static constexpr sdk::Kind kinds[] = {sdk::Kind::reviewer};
  static constexpr sdk::ConfigKey config_keys[] = {
      {.name = "missing_path_severity", .type = sdk::ConfigType::string, .default_value = "\"important\"",
       .doc = "severity when a file the issue names is not touched"},
      {.name = "missing_identifier_severity", .type = sdk::ConfigType::string, .default_value = "\"suggestion\"",
       .doc = "severity when a `name` the issue mentions appears nowhere in the diff"},
      {.name = "unrelated_severity", .type = sdk::ConfigType::string, .default_value = "\"suggestion\"",
       .doc = "severity of a changed file the issue does not relate to"},
      {.name = "large_lines", .type = sdk::ConfigType::positive_integer, .default_value = "200",
       .doc = "an unrelated file with more changed lines than this is an important finding"},
      {.name = "provider", .type = sdk::ConfigType::string, .default_value = "\"\"",
       .doc = "agent provider that also judges scope; \"\" = heuristics only"},
      {.name = "prompt", .type = sdk::ConfigType::path, .default_value = "\"scope\"",
       .doc = "prompt for the agent mode"},
      {.name = "model", .type = sdk::ConfigType::string, .default_value = "\"\"",
       .doc = "model for the agent mode; \"\" = [agent] models.review"},
      {.name = "timeout", .type = sdk::ConfigType::duration, .default_value = "\"10m\"",
       .doc = "longest the agent mode may run"},
      {.name = "max_diff_bytes", .type = sdk::ConfigType::positive_integer, .default_value = "200000",
       .doc = "larger diffs are cut in the agent mode's prompt, with a note that says so"},
  };
  static std::unique_ptr<sdk::Reviewer> make_reviewer(sdk::Host& host) { return std::make_unique<ScopeReviewer>(host); }
};

} // namespace
} // namespace fanout::reviewers

FANOUT_PLUGIN(fanout::reviewers::ScopeReviewPlugin)
