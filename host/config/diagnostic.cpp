#include "host/config/diagnostic.hpp"

namespace fanout::config {

std::string Diagnostic::str() const {
  std::string out;
  if (!position.file.empty()) {
    out += position.file;
    if (position.line > 0) out += ":" + std::to_string(position.line) + ":" + std::to_string(position.column);
    out += ": ";
  }
  if (!where.empty()) out += where + ": ";
  return out + message;
}

std::string format_diagnostics(const Diagnostics& diagnostics) {
  std::string out;
  for (const auto& diagnostic : diagnostics) {
    if (!out.empty()) out += "\n";
    out += diagnostic.str();
  }
  return out;
}

} // namespace fanout::config
