// diff-rules: a reviewer that needs no service. It flags what a diff should never add:
// merge conflict markers and likely secrets (critical: request_changes), and TODO/FIXME
// lines (suggestions: approve_with_changes).
#include "rules.hpp"
#include "unified_diff.hpp"

#include <fanout/sdk/plugin.hpp>

namespace {

using namespace fanout::sdk;

class DiffRulesReviewer final : public Reviewer {
public:
  explicit DiffRulesReviewer(Host& host) : m_host(host) {
    const auto& config = host.config();
    m_rules.conflict_markers = config.value("conflict_markers", true);
    m_rules.secrets = config.value("secrets", true);
    m_rules.todos = config.value("todos", true);
  }

  Result<Review> review(const ReviewRequest& request, const CancelToken& cancel) override {
    if (cancel.cancelled()) return fail(FailureKind::cancelled, "review cancelled");
    const auto lines = diff_rules::added_lines(request.diff);
    Review review;
    review.findings = diff_rules::check(lines, m_rules);
    int critical = 0, suggestions = 0;
    for (const auto& finding : review.findings) (finding.severity == Severity::critical ? critical : suggestions)++;
    review.verdict = critical ? Verdict::request_changes : suggestions ? Verdict::approve_with_changes : Verdict::approve;
    if (review.findings.empty())
      review.summary = "diff-rules: " + std::to_string(lines.size()) +
                       " added lines checked; no conflict markers, secrets or TODOs.";
    else
      review.summary = "diff-rules: " + std::to_string(critical) + " critical finding(s) (conflict markers, secrets), " +
                       std::to_string(suggestions) + " suggestion(s) (TODO/FIXME) in " + std::to_string(lines.size()) +
                       " added lines.";
    m_host.log(LogLevel::debug, review.summary);
    return review;
  }

private:
  Host& m_host;
  diff_rules::RuleSet m_rules;
};

struct DiffRules {
  static constexpr const char* name = "diff-rules";
  static constexpr const char* version = "0.1.0";
  static constexpr const char* description = "flags added conflict markers, likely secrets and TODO/FIXME lines";
  static constexpr Kind kinds[] = {Kind::reviewer};
  static constexpr ConfigKey config_keys[] = {
      {.name = "conflict_markers", .type = ConfigType::boolean, .default_value = "true",
       .doc = "flag added merge conflict markers (critical)"},
      {.name = "secrets", .type = ConfigType::boolean, .default_value = "true",
       .doc = "flag added private keys, tokens and key-like literals (critical)"},
      {.name = "todos", .type = ConfigType::boolean, .default_value = "true",
       .doc = "flag added TODO and FIXME lines (suggestion)"},
  };
  static std::unique_ptr<Reviewer> make_reviewer(Host& host) { return std::make_unique<DiffRulesReviewer>(host); }
};

} // namespace

FANOUT_PLUGIN(DiffRules)
