#pragma once
// Diagnostic: one positioned config error, printed as
//   fanout.toml:12:9: [run] parallel: expected a positive integer, got "five"

#include "host/config/config.hpp"

#include <string>
#include <vector>

namespace fanout::config {

struct Diagnostic {
  Position position;   ///< line 0: no position (the file alone is shown)
  std::string where;   ///< "[run] parallel", "[tracker]", "" for a TOML syntax error
  std::string message; ///< lower-case, values quoted

  /// "file:line:col: where: message" (parts that are empty are left out).
  std::string str() const;
};

using Diagnostics = std::vector<Diagnostic>;

/// All diagnostics, one per line, for a UserError: fanout prints "fanout: error: " first.
std::string format_diagnostics(const Diagnostics& diagnostics);

} // namespace fanout::config
