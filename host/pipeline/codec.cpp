#include "host/pipeline/codec.hpp"

#include <fanout/sdk/review_schema.hpp>

namespace fanout::pipeline {
namespace {

/// A stored severity; one this build does not know reads as important.
sdk::Severity parse_severity(const std::string& name) {
  return sdk::severity_from_string(name).value_or(sdk::Severity::important);
}

/// A stored verdict; one this build does not know reads as request_changes (the strictest).
sdk::Verdict parse_verdict(const std::string& name) {
  return sdk::verdict_from_string(name).value_or(sdk::Verdict::request_changes);
}

} // namespace

nlohmann::json to_json(const sdk::Issue& issue) {
  return {{"key", issue.key},     {"title", issue.title},   {"body", issue.body},
          {"state", issue.state}, {"labels", issue.labels}, {"url", issue.url}};
}

sdk::Issue issue_from_json(const nlohmann::json& json) {
  sdk::Issue issue;
  issue.key = json.value("key", "");
  issue.title = json.value("title", "");
  issue.body = json.value("body", "");
  issue.state = json.value("state", "");
  issue.labels = json.value("labels", std::vector<std::string>{});
  issue.url = json.value("url", "");
  return issue;
}

nlohmann::json to_json(const sdk::Finding& finding) {
  return {{"severity", std::string(sdk::to_string(finding.severity))},
          {"file", finding.file},
          {"line", finding.line},
          {"message", finding.message},
          {"detail", finding.detail}};
}

sdk::Finding finding_from_json(const nlohmann::json& json) {
  sdk::Finding finding;
  finding.severity = parse_severity(json.value("severity", "important"));
  finding.file = json.value("file", "");
  finding.line = json.value("line", 0);
  finding.message = json.value("message", "");
  finding.detail = json.value("detail", "");
  return finding;
}

nlohmann::json to_json(const ReviewOutcome& outcome) {
  nlohmann::json json{{"reviewer", outcome.reviewer}};
  if (outcome.review) {
    json["verdict"] = std::string(sdk::to_string(outcome.review->verdict));
    json["summary"] = outcome.review->summary;
    json["findings"] = nlohmann::json::array();
    for (const auto& finding : outcome.review->findings) json["findings"].push_back(to_json(finding));
    json["failure"] = nullptr;
  } else {
    json["verdict"] = nullptr;
    json["summary"] = "";
    json["findings"] = nlohmann::json::array();
    json["failure"] = outcome.failure;
  }
  return json;
}

ReviewOutcome outcome_from_json(const nlohmann::json& json) {
  ReviewOutcome outcome;
  outcome.reviewer = json.value("reviewer", "");
  if (json.contains("verdict") && json["verdict"].is_string()) {
    sdk::Review review;
    review.verdict = parse_verdict(json["verdict"].get<std::string>());
    review.summary = json.value("summary", "");
    for (const auto& finding : json.value("findings", nlohmann::json::array()))
      review.findings.push_back(finding_from_json(finding));
    outcome.review = std::move(review);
  } else {
    outcome.failure = json.value("failure", "");
    if (outcome.failure.empty()) outcome.failure = "reviewer failed";
  }
  return outcome;
}

} // namespace fanout::pipeline
