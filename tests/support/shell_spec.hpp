#pragma once
// The process the runner tests start most: a /bin/sh script, so a test states in one line
// what the child prints, how it ends and what it leaves behind.

#include <fanout/sdk/process.hpp>

#include <string>

namespace fanout::test {

/// A ProcessSpec running `script` with `/bin/sh -c` (every other field at its default).
sdk::ProcessSpec shell_spec(const std::string& script);

} // namespace fanout::test
