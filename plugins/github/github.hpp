#pragma once
// The github plugin's two kinds, each bound to a shared Api for its host.

#include "api.hpp"

#include <fanout/sdk/code_host.hpp>
#include <fanout/sdk/issue_tracker.hpp>

#include <memory>

namespace fanout::github {

/// Issues of the configured repository, pull requests left out.
std::unique_ptr<sdk::IssueTracker> make_tracker(sdk::Host& host);
/// Pull requests and reviews on the configured repository; pushes with the user's git.
std::unique_ptr<sdk::CodeHost> make_code_host(sdk::Host& host);

/// "42" from "42", "#42" or "owner/name#42"; "" when `key` is not an issue number.
std::string issue_number(const std::string& key);

} // namespace fanout::github
