#pragma once
// The review JSON contract: the JSON Schema a reviewing agent's final answer must follow,
// and a tolerant parser that turns an agent's final text into a validated sdk::Review.
// Header-only. Used by agent-review; any reviewer that asks an agent for a verdict may use it.
//
// Shape (every finding key is required by the schema so that strict structured-output
// modes accept it; the parser is kinder and defaults `file` to "", `line` to 0, `detail` to ""):
//
//   {"verdict": "approve" | "approve_with_changes" | "request_changes",
//    "summary": "markdown, a few lines",
//    "findings": [{"severity": "critical" | "important" | "suggestion",
//                  "file": "src/app.py", "line": 12, "message": "one sentence",
//                  "detail": "evidence"}]}

#include "fanout/sdk/result.hpp"
#include "fanout/sdk/reviewer.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fanout::sdk {

/// The JSON Schema (draft 2020-12 subset accepted by Claude's --json-schema and Codex's
/// --output-schema) for a review. Pass it as SessionRequest::output_schema. It carries no
/// "$schema" key: claude 2.1.332 rejects a schema that names the 2020-12 meta-schema.
inline constexpr std::string_view k_review_schema = R"json({
  "title": "fanout review",
  "type": "object",
  "additionalProperties": false,
  "required": ["verdict", "summary", "findings"],
  "properties": {
    "verdict": {"type": "string", "enum": ["approve", "approve_with_changes", "request_changes"]},
    "summary": {"type": "string"},
    "findings": {
      "type": "array",
      "items": {
        "type": "object",
        "additionalProperties": false,
        "required": ["severity", "file", "line", "message", "detail"],
        "properties": {
          "severity": {"type": "string", "enum": ["critical", "important", "suggestion"]},
          "file": {"type": "string"},
          "line": {"type": "integer", "minimum": 0},
          "message": {"type": "string"},
          "detail": {"type": "string"}
        }
      }
    }
  }
})json";

/// "approve" -> Verdict::approve; nullopt for anything else (case-sensitive).
inline std::optional<Verdict> verdict_from_string(std::string_view text) noexcept {
  if (text == "approve") return Verdict::approve;
  if (text == "approve_with_changes") return Verdict::approve_with_changes;
  if (text == "request_changes") return Verdict::request_changes;
  return std::nullopt;
}

/// "critical" -> Severity::critical; nullopt for anything else (case-sensitive).
inline std::optional<Severity> severity_from_string(std::string_view text) noexcept {
  if (text == "critical") return Severity::critical;
  if (text == "important") return Severity::important;
  if (text == "suggestion") return Severity::suggestion;
  return std::nullopt;
}

/// A Review as JSON in the schema's shape.
inline nlohmann::json review_to_json(const Review& review) {
  nlohmann::json findings = nlohmann::json::array();
  for (const auto& f : review.findings)
    findings.push_back({{"severity", to_string(f.severity)}, {"file", f.file}, {"line", f.line},
                        {"message", f.message}, {"detail", f.detail}});
  return {{"verdict", to_string(review.verdict)}, {"summary", review.summary}, {"findings", findings}};
}

/// Validates a parsed JSON value against the schema. Failure (invalid_input) names the
/// first problem: `"findings[1].severity" must be one of "critical", "important",
/// "suggestion", got "high"`. Unknown keys are ignored.
inline Result<Review> review_from_json(const nlohmann::json& json) {
  auto bad = [](std::string message) { return fail(FailureKind::invalid_input, std::move(message)); };
  if (!json.is_object()) return bad("the review must be a JSON object");
  Review review;
  auto verdict = json.find("verdict");
  if (verdict == json.end()) return bad("missing \"verdict\"");
  auto parsed_verdict = verdict->is_string() ? verdict_from_string(verdict->get<std::string>()) : std::nullopt;
  if (!parsed_verdict)
    return bad("\"verdict\" must be one of \"approve\", \"approve_with_changes\", \"request_changes\", got " +
               verdict->dump());
  review.verdict = *parsed_verdict;
  auto summary = json.find("summary");
  if (summary == json.end()) return bad("missing \"summary\"");
  if (!summary->is_string()) return bad("\"summary\" must be a string, got " + summary->dump());
  review.summary = summary->get<std::string>();
  auto findings = json.find("findings");
  if (findings == json.end()) return bad("missing \"findings\"");
  if (!findings->is_array()) return bad("\"findings\" must be an array, got " + findings->dump());
  for (size_t i = 0; i < findings->size(); ++i) {
    const auto& item = (*findings)[i];
    const std::string where = "\"findings[" + std::to_string(i) + "]";
    if (!item.is_object()) return bad(where + "\" must be an object");
    Finding finding;
    auto severity = item.find("severity");
    if (severity == item.end()) return bad("missing " + where + ".severity\"");
    auto parsed = severity->is_string() ? severity_from_string(severity->get<std::string>()) : std::nullopt;
    if (!parsed)
      return bad(where + ".severity\" must be one of \"critical\", \"important\", \"suggestion\", got " +
                 severity->dump());
    finding.severity = *parsed;
    auto message = item.find("message");
    if (message == item.end()) return bad("missing " + where + ".message\"");
    if (!message->is_string() || message->get<std::string>().empty())
      return bad(where + ".message\" must be a non-empty string");
    finding.message = message->get<std::string>();
    if (auto file = item.find("file"); file != item.end() && !file->is_null()) {
      if (!file->is_string()) return bad(where + ".file\" must be a string, got " + file->dump());
      finding.file = file->get<std::string>();
    }
    if (auto line = item.find("line"); line != item.end() && !line->is_null()) {
      if (!line->is_number_integer() || line->get<long long>() < 0 || line->get<long long>() > 100000000)
        return bad(where + ".line\" must be a non-negative integer, got " + line->dump());
      finding.line = line->get<int>();
    }
    if (auto detail = item.find("detail"); detail != item.end() && !detail->is_null()) {
      if (!detail->is_string()) return bad(where + ".detail\" must be a string, got " + detail->dump());
      finding.detail = detail->get<std::string>();
    }
    review.findings.push_back(std::move(finding));
  }
  return review;
}

namespace detail {

/// Spans of balanced top-level {...} blocks in `text`, braces inside JSON strings ignored.
inline std::vector<std::string_view> brace_blocks(std::string_view text) {
  std::vector<std::string_view> blocks;
  int depth = 0;
  bool in_string = false, escaped = false;
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
    } else if (c == '"' && depth > 0) {
      in_string = true;
    } else if (c == '{') {
      if (depth++ == 0) start = i;
    } else if (c == '}' && depth > 0) {
      if (--depth == 0) blocks.push_back(text.substr(start, i - start + 1));
    }
  }
  return blocks;
}

/// Bodies of ```json (or bare ```) fenced blocks, in order.
inline std::vector<std::string_view> fenced_blocks(std::string_view text) {
  std::vector<std::string_view> blocks;
  size_t pos = 0;
  while ((pos = text.find("```", pos)) != std::string_view::npos) {
    size_t body = text.find('\n', pos);
    if (body == std::string_view::npos) break;
    size_t end = text.find("```", body);
    if (end == std::string_view::npos) break;
    blocks.push_back(text.substr(body + 1, end - body - 1));
    pos = end + 3;
  }
  return blocks;
}

} // namespace detail

/// Turns an agent's final text into a validated Review. Tries, in order: the whole text as
/// JSON; the last ```json fenced block; the last balanced {...} block holding "verdict".
/// Failure (invalid_input): "no JSON object found in the reviewer's answer", or the
/// validation message of the best candidate (see review_from_json).
inline Result<Review> parse_review(std::string_view text) {
  auto try_parse = [](std::string_view candidate) -> std::optional<nlohmann::json> {
    auto json = nlohmann::json::parse(candidate.begin(), candidate.end(), nullptr, false);
    if (json.is_discarded() || !json.is_object()) return std::nullopt;
    return json;
  };
  std::vector<std::string_view> candidates{text};
  auto fences = detail::fenced_blocks(text);
  candidates.insert(candidates.end(), fences.rbegin(), fences.rend());
  auto blocks = detail::brace_blocks(text);
  candidates.insert(candidates.end(), blocks.rbegin(), blocks.rend());
  std::optional<Failure> first_invalid;
  for (auto candidate : candidates) {
    auto json = try_parse(candidate);
    if (!json) continue;
    if (!json->contains("verdict") && !first_invalid) {
      first_invalid = fail(FailureKind::invalid_input, "missing \"verdict\"");
      continue;
    }
    auto review = review_from_json(*json);
    if (review.ok()) return review;
    if (!first_invalid || first_invalid->message == "missing \"verdict\"") first_invalid = review.failure();
  }
  if (first_invalid) return *first_invalid;
  return fail(FailureKind::invalid_input, "no JSON object found in the reviewer's answer");
}

} // namespace fanout::sdk
