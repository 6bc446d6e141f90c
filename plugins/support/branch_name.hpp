#pragma once
// The database branch names the host hands a brancher (sdk/database_brancher.hpp: a safe
// identifier, [a-z0-9_-], at most 48 characters), checked again by each brancher before a
// name goes into SQL, a file name or a URL.

#include <fanout/sdk/result.hpp>

#include <string>

namespace fanout::support {

/// 1-48 characters of a-z, 0-9, '_' and '-'.
inline bool valid_branch_name(const std::string& name) {
  if (name.empty() || name.size() > 48) return false;
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
  return true;
}

/// Failure invalid_input: `invalid branch name "X": expected 1-48 characters of a-z, 0-9, '_' and '-'`.
inline sdk::Result<void> check_branch_name(const std::string& name) {
  if (valid_branch_name(name)) return {};
  return sdk::fail(sdk::FailureKind::invalid_input,
                   "invalid branch name \"" + name + "\": expected 1-48 characters of a-z, 0-9, '_' and '-'");
}

} // namespace fanout::support
