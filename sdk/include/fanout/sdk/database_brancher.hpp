#pragma once
// DatabaseBrancher: a private copy of the app's database for each workspace.

#include "fanout/sdk/cancel.hpp"
#include "fanout/sdk/result.hpp"

#include <string>
#include <vector>

namespace fanout::sdk {

/// A database branch. `url` is what the app gets as DATABASE_URL; it may hold a password,
/// which the host masks wherever it prints it.
struct DatabaseBranch {
  std::string name;
  std::string url;
};

/// Creates and removes branches of the configured main database, for many workspaces at
/// once. Calls block. Thread-safe, like every kind: see docs/plugin-abi.md#threading.
class DatabaseBrancher {
public:
  virtual ~DatabaseBrancher() = default;

  /// Creates branch `name` (a safe identifier chosen by the host: [a-z0-9_-], <= 48 chars),
  /// or returns it unchanged when it already exists, so that a re-run is harmless.
  virtual Result<DatabaseBranch> create(const std::string& name, const CancelToken& cancel) = 0;

  /// Removes branch `name`. Removing a branch that does not exist succeeds.
  virtual Result<void> remove(const std::string& name, const CancelToken& cancel) = 0;

  /// Every branch that this brancher made and that still exists (for `fanout doctor` and
  /// `fanout clean`). Plugins recognise their own by a naming convention, never by state.
  virtual Result<std::vector<DatabaseBranch>> list(const CancelToken& cancel) = 0;

  /// Whether a process on another machine (a remote runner's pod) can use the branches this
  /// brancher makes: false for files on this machine (SQLite) or a server on a loopback
  /// address. `fanout config check` refuses a remote `[runner]` with a brancher that says
  /// false. No I/O; callable from any thread. Default: false. Since ABI 3.0.
  virtual bool reachable_remotely() const { return false; }
};

} // namespace fanout::sdk
