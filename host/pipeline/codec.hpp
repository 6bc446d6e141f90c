#pragma once
// JSON forms of the SDK values a run keeps in the state store and prints in `status --json`.
// Field names are the SDK's, lower-case enum names as in sdk::to_string.

#include "host/pipeline/run_types.hpp"

#include <fanout/sdk/issue_tracker.hpp>
#include <fanout/sdk/reviewer.hpp>

#include <nlohmann/json.hpp>

namespace fanout::pipeline {

nlohmann::json to_json(const sdk::Issue& issue);
sdk::Issue issue_from_json(const nlohmann::json& json);

/// {severity, file, line, message, detail}
nlohmann::json to_json(const sdk::Finding& finding);
sdk::Finding finding_from_json(const nlohmann::json& json);

/// {reviewer, verdict, summary, findings, failure}: verdict is null when the reviewer failed.
nlohmann::json to_json(const ReviewOutcome& outcome);
ReviewOutcome outcome_from_json(const nlohmann::json& json);

} // namespace fanout::pipeline
