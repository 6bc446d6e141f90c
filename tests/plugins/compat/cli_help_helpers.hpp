#pragma once
// The options a CLI lists in its --help, parsed: commander.js's layout (claude: `  -r,
// --resume [value]   text`, choices as `(choices: "a", "b")`) and clap's (codex: `  -s,
// --sandbox <MODE>` then indented text, choices as `[possible values: a, b]`).

#include <map>
#include <set>
#include <string>

namespace fanout::test::compat {

struct HelpOption {
  std::set<std::string> choices; ///< empty when the option lists none
};

/// Every option name ("--resume", "-r", "--allowed-tools"...) listed in `help`, with the
/// choices its description lists. Aliases on one line share the entry's choices.
std::map<std::string, HelpOption> parse_help(const std::string& help);

} // namespace fanout::test::compat
