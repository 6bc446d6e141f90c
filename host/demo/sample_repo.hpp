#pragma once
// The sample repository of `fanout demo`: a tiny todo web app (Python standard library,
// reads PORT and DATABASE_URL, SQLite), its tests, agent rules, three issues in the local
// tracker, a fanout.toml with the local tracker and code host, the sqlite brancher and three
// reviewers, and (for the replay agent) the bundled recordings. Sources: config/demo/.

#include "host/demo/agent_choice.hpp"

#include <fanout/sdk/process.hpp>

#include <filesystem>
#include <string>

namespace fanout::demo {

/// config/demo of the installed fanout (<exe>/../share/fanout/demo), else of the source tree.
std::filesystem::path shipped_demo_dir();

/// The fanout.toml of the sample repository for `agent`.
std::string sample_config(AgentKind agent);

/// Creates the sample repository in `dir` (made if missing; it must be empty): files, the
/// main SQLite database data/app.db with two todos, .fanout/issues/{1,2,3}.md, for replay
/// .fanout/recordings, then `git init -b main` and one commit. Throws UserError naming what
/// failed ("directory \"x\" is not empty", "git init failed: ...").
void create_sample_repo(const std::filesystem::path& dir, AgentKind agent, sdk::ProcessRunner& processes);

} // namespace fanout::demo
