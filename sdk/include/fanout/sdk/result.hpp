#pragma once
// Result<T>: the value of an SDK call, or the reason it failed.
// Nothing throws across the plugin boundary; every fallible SDK call returns one of these.

#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace fanout::sdk {

/// Why a call failed. The host decides retries and messages from the kind, so choose the
/// most specific one that is true.
enum class FailureKind {
  error,         ///< anything not covered below
  timeout,       ///< the operation ran out of time
  auth,          ///< credentials missing, wrong or lacking a scope
  not_found,     ///< the thing asked for does not exist
  rate_limited,  ///< the service asked us to slow down and retries did not help
  unsupported,   ///< this plugin does not do that operation
  cancelled,     ///< the host's cancel token fired
  invalid_input, ///< the caller (or the config) passed something malformed
  conflict,      ///< the remote state changed under us (HTTP 409, a rejected push lease, a merge conflict); since ABI 3.0
};

/// Lower-case name of a failure kind ("not_found"), stable for JSON and logs.
constexpr std::string_view to_string(FailureKind kind) noexcept {
  switch (kind) {
  case FailureKind::error: return "error";
  case FailureKind::timeout: return "timeout";
  case FailureKind::auth: return "auth";
  case FailureKind::not_found: return "not_found";
  case FailureKind::rate_limited: return "rate_limited";
  case FailureKind::unsupported: return "unsupported";
  case FailureKind::cancelled: return "cancelled";
  case FailureKind::invalid_input: return "invalid_input";
  case FailureKind::conflict: return "conflict";
  }
  return "error";
}

/// A failure: its kind and a user-facing message (lower-case, values quoted, no secrets).
struct Failure {
  FailureKind kind = FailureKind::error;
  std::string message;
};

/// Shorthand to build a failure: `return fail(FailureKind::auth, "token rejected");`
inline Failure fail(FailureKind kind, std::string message) { return Failure{kind, std::move(message)}; }

/// Either a T or a Failure. Cheap to move; check `ok()` before `value()`.
template <typename T> class [[nodiscard]] Result {
public:
  Result(T value) : m_data(std::in_place_index<0>, std::move(value)) {}
  Result(Failure failure) : m_data(std::in_place_index<1>, std::move(failure)) {}

  bool ok() const noexcept { return m_data.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  /// The value; only valid when ok().
  T& value() & { return std::get<0>(m_data); }
  const T& value() const& { return std::get<0>(m_data); }
  T&& value() && { return std::get<0>(std::move(m_data)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  /// The failure; only valid when !ok().
  const Failure& failure() const& { return std::get<1>(m_data); }
  Failure&& failure() && { return std::get<1>(std::move(m_data)); }

private:
  std::variant<T, Failure> m_data;
};

/// Result of a call that returns nothing on success.
template <> class [[nodiscard]] Result<void> {
public:
  Result() = default;
  Result(Failure failure) : m_failure(std::move(failure)), m_ok(false) {}

  bool ok() const noexcept { return m_ok; }
  explicit operator bool() const noexcept { return m_ok; }
  const Failure& failure() const& { return m_failure; }
  Failure&& failure() && { return std::move(m_failure); }

private:
  Failure m_failure;
  bool m_ok = true;
};

} // namespace fanout::sdk
