#pragma once
// SecretRegistry: every secret fanout reads is registered here, and everything fanout writes
// for humans (logs, transcripts, error messages, JSON output) passes through redact().

#include <mutex>
#include <set>
#include <string>
#include <string_view>

namespace fanout::services {

/// Thread-safe. Process-wide: one instance, `SecretRegistry::global()`.
class SecretRegistry {
public:
  /// The process-wide registry.
  static SecretRegistry& global();

  /// Registers a secret value, when it is credible_secret(); else ignores it (redacting a
  /// common word everywhere would mangle ordinary text, and it protects nothing). A value
  /// that is a URL with a password ("postgres://u:pw@h/db") also registers the password.
  void add(std::string value);

  /// Registers the value of every variable in `environ` (NAME=value strings, null-ended)
  /// whose name says it is a credential: it contains KEY, TOKEN, SECRET or PASSWORD
  /// (ANTHROPIC_API_KEY, GITHUB_TOKEN, PGPASSWORD). Every command calls it at start.
  void add_from_environment(char** environ);

  /// `text` with every registered secret replaced by "***", longest first, plus the
  /// credentials of URLs (user:password@ -> user:***@).
  std::string redact(std::string_view text) const;

  /// Number of registered secrets (for tests).
  size_t size() const;

private:
  mutable std::mutex m_mutex;
  std::set<std::string, std::greater<>> m_secrets; // longest-ish first is not guaranteed: see redact
};

/// Whether `value` is redacted as a secret: at least 8 characters, and not a word (a value
/// of letters only must have 16 or more). "fake", "changeme" or "development" are not;
/// "sk-ant-api03-x7Y", "ghp_0123456789" or "hunter22" are.
bool credible_secret(std::string_view value);

/// Whether a variable named `name` holds a credential by its name (KEY, TOKEN, SECRET, PASSWORD).
bool credential_name(std::string_view name);

/// Masks the password of a connection URL ("postgres://u:pw@h/db" -> "postgres://u:***@h/db").
std::string mask_url_password(std::string_view url);

} // namespace fanout::services
