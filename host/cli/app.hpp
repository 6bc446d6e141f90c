#pragma once
// The command line: builds the command table, parses, runs, maps errors to exit codes.

namespace fanout::cli {

/// Runs fanout with the given arguments; returns the process exit code. The only place
/// that catches UserError and prints "fanout: error: ...".
int run(int argc, char** argv);

} // namespace fanout::cli
