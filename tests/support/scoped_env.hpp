#pragma once
// An environment variable of this test process set for one scope: for what reads the
// environment itself (git's config locations, PATH lookups of the process runner, a
// `fanout` child that inherits it).

#include <optional>
#include <string>

namespace fanout::test {

/// Sets `name` to `value`; on destruction gives it back its earlier value, or unsets it when
/// it had none. Not thread-safe (setenv): create it where no other thread reads the
/// environment.
class ScopedEnv {
public:
  ScopedEnv(std::string name, const std::string& value);
  ~ScopedEnv();
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

private:
  std::string m_name;
  std::optional<std::string> m_old;
};

} // namespace fanout::test
