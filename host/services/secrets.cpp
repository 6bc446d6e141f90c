#include "host/services/secrets.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

namespace fanout::services {

SecretRegistry& SecretRegistry::global() {
  static SecretRegistry registry;
  return registry;
}

bool credible_secret(std::string_view value) {
  if (value.size() < 8) return false;
  const bool letters_only = std::all_of(value.begin(), value.end(), [](unsigned char c) { return std::isalpha(c); });
  return !letters_only || value.size() >= 16;
}

bool credential_name(std::string_view name) {
  for (const char* marker : {"KEY", "TOKEN", "SECRET", "PASSWORD"})
    if (name.find(marker) != std::string_view::npos) return true;
  return false;
}

void SecretRegistry::add(std::string value) {
  // The password of a URL: "scheme://user:password@host".
  if (const size_t scheme = value.find("://"); scheme != std::string::npos) {
    const size_t at = value.find('@', scheme + 3);
    const size_t colon = value.find(':', scheme + 3);
    const size_t end = value.find_first_of("/?#", scheme + 3);
    if (at != std::string::npos && colon < at && (end == std::string::npos || at < end))
      add(value.substr(colon + 1, at - colon - 1));
  }
  if (!credible_secret(value)) return;
  std::lock_guard lock(m_mutex);
  m_secrets.insert(std::move(value));
}

void SecretRegistry::add_from_environment(char** environ) {
  for (char** entry = environ; entry && *entry; ++entry) {
    const std::string_view item(*entry);
    const size_t equals = item.find('=');
    if (equals == std::string_view::npos) continue;
    if (credential_name(item.substr(0, equals))) add(std::string(item.substr(equals + 1)));
  }
}

size_t SecretRegistry::size() const {
  std::lock_guard lock(m_mutex);
  return m_secrets.size();
}

std::string SecretRegistry::redact(std::string_view text) const {
  std::vector<std::string> secrets;
  {
    std::lock_guard lock(m_mutex);
    secrets.assign(m_secrets.begin(), m_secrets.end());
  }
  // Longest first, so a secret that contains another is replaced whole.
  std::sort(secrets.begin(), secrets.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
  std::string out(text);
  for (const auto& secret : secrets) {
    for (size_t pos = out.find(secret); pos != std::string::npos; pos = out.find(secret, pos + 3))
      out.replace(pos, secret.size(), "***");
  }
  return mask_url_password(out);
}

std::string mask_url_password(std::string_view url) {
  std::string out(url);
  size_t search_from = 0;
  while (true) {
    const size_t scheme = out.find("://", search_from);
    if (scheme == std::string::npos) break;
    const size_t authority = scheme + 3;
    const size_t end = out.find_first_of("/ \t\n\"'?#", authority);
    const size_t at = out.find('@', authority);
    if (at != std::string::npos && (end == std::string::npos || at < end)) {
      const size_t colon = out.find(':', authority);
      if (colon != std::string::npos && colon < at && out.compare(colon + 1, at - colon - 1, "***") != 0)
        out.replace(colon + 1, at - colon - 1, "***");
    }
    search_from = authority;
  }
  return out;
}

} // namespace fanout::services
