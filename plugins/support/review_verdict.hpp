#pragma once
// The verdict a reviewer's findings call for, for reviewers whose verdict follows from their
// findings alone (command-review, scope-review's heuristics).

#include <fanout/sdk/reviewer.hpp>

#include <vector>

namespace fanout::support {

/// request_changes with a critical finding, else approve_with_changes with an important
/// one, else approve (suggestions alone approve).
inline sdk::Verdict verdict_for(const std::vector<sdk::Finding>& findings) {
  bool important = false;
  for (const auto& f : findings) {
    if (f.severity == sdk::Severity::critical) return sdk::Verdict::request_changes;
    important |= f.severity == sdk::Severity::important;
  }
  return important ? sdk::Verdict::approve_with_changes : sdk::Verdict::approve;
}

} // namespace fanout::support
