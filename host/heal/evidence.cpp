#include "host/heal/evidence.hpp"

#include <algorithm>

namespace fanout::heal {

namespace {
/// Rounds are numbered from 0 without gaps; this bounds the scan of a corrupt store.
constexpr int k_max_rounds = 100;
} // namespace

Evidence collect(pipeline::RunStore& store, int recent_runs) {
  auto runs = store.all();
  std::stable_sort(runs.begin(), runs.end(),
                   [](const auto& a, const auto& b) { return a.updated_at > b.updated_at; });
  if (recent_runs > 0 && runs.size() > static_cast<size_t>(recent_runs)) runs.resize(recent_runs);
  Evidence evidence;
  for (const auto& run : runs) {
    evidence.runs.push_back(run.issue);
    for (int round = 0; round < k_max_rounds; ++round) {
      auto outcomes = store.reviews(run.issue, round);
      if (outcomes.empty()) break;
      for (const auto& outcome : outcomes) {
        if (!outcome.review) continue;
        for (const auto& finding : outcome.review->findings)
          evidence.items.push_back({run.issue, run.fetched ? run.fetched->title : "", round, outcome.reviewer, finding});
      }
    }
  }
  return evidence;
}

std::string to_markdown(const Evidence& evidence) {
  std::string out;
  for (const auto& item : evidence.items) {
    out += "- issue " + item.issue;
    if (!item.title.empty()) out += " \"" + item.title + "\"";
    out += ", round " + std::to_string(item.round) + ", " + item.reviewer + ": **" +
           std::string(sdk::to_string(item.finding.severity)) + "**";
    if (!item.finding.file.empty())
      out += " `" + item.finding.file + (item.finding.line > 0 ? ":" + std::to_string(item.finding.line) : "") + "`";
    out += ": " + item.finding.message + "\n";
  }
  return out;
}

} // namespace fanout::heal
