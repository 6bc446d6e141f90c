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

  /// Registers a secret value. Values shorter than 4 characters are ignored (redacting
  /// them would mangle ordinary text and they are not credible credentials).
  void add(std::string value);

  /// `text` with every registered secret replaced by "***", longest first, plus the
  /// credentials of URLs (user:password@ -> user:***@).
  std::string redact(std::string_view text) const;

  /// Number of registered secrets (for tests).
  size_t size() const;

private:
  mutable std::mutex m_mutex;
  std::set<std::string, std::greater<>> m_secrets; // longest-ish first is not guaranteed: see redact
};

/// Masks the password of a connection URL ("postgres://u:pw@h/db" -> "postgres://u:***@h/db").
std::string mask_url_password(std::string_view url);

} // namespace fanout::services
