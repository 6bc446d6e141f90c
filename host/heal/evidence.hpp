#pragma once
// The evidence `fanout heal` works from: every finding reviewers reported in recent runs
// (each one something the builder missed), with the run, round and reviewer it came from.

#include "host/pipeline/run_store.hpp"

#include <string>
#include <vector>

namespace fanout::heal {

struct EvidenceItem {
  std::string issue;    ///< the run's issue key
  std::string title;    ///< the issue's title ("" when it was never fetched)
  int round = 0;        ///< the validation round (0 = before any fix)
  std::string reviewer; ///< the [[review]] name
  sdk::Finding finding;
};

struct Evidence {
  std::vector<EvidenceItem> items;
  std::vector<std::string> runs; ///< issue keys of the runs read, most recent first
};

/// The findings of the `recent_runs` most recently updated runs, every validation round,
/// most recent run first. Reviewer failures are not findings and are left out.
Evidence collect(pipeline::RunStore& store, int recent_runs);

/// The evidence as Markdown, one line per finding:
///   - issue 2 "Mark a todo as done", round 0, command-review: **critical** `app.py:31`: message
/// Details (command output) are left out; they are in each run's reviews.
std::string to_markdown(const Evidence& evidence);

} // namespace fanout::heal
