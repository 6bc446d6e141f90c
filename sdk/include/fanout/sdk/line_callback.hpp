#pragma once
// LineCallback: how a plugin reads a child's output line by line, and how it stops the child
// from inside that output (ProcessRunner::run, process.hpp).

#include <cstddef>
#include <functional>
#include <string>
#include <type_traits>

namespace fanout::sdk {

/// Which stream a line came from: the child's stdout or its stderr.
enum class Stream { out, err };

/// What a line callback wants after a line: `keep` reading, or `stop` the process.
/// After `stop` the callback is not called again, the host stops the process as it does
/// on cancel (SIGTERM to everything it started, SIGKILL after `kill_grace`) and run()
/// returns with ProcessResult::stopped set. This is how a plugin ends a process from
/// inside its output (a flood, a turn limit): never by throwing through the host.
enum class LineAction { keep, stop };

/// Called for every complete line (without its newline), in order per stream, on the
/// thread that called `run`. A final unterminated line is delivered at exit. Built from
/// any callable taking (Stream, const std::string&) that returns LineAction, or returns
/// nothing (then it never stops the process); empty (`{}` or `nullptr`) reads no lines.
/// The callable must not throw: return LineAction::stop instead.
class LineCallback {
public:
  using Function = std::function<LineAction(Stream stream, const std::string& line)>;

  LineCallback() = default;
  LineCallback(std::nullptr_t) {}
  template <typename F>
    requires(!std::is_same_v<std::remove_cvref_t<F>, LineCallback> &&
             std::is_invocable_v<F&, Stream, const std::string&>)
  LineCallback(F f) {
    using R = std::invoke_result_t<F&, Stream, const std::string&>;
    if constexpr (std::is_void_v<R>) {
      m_function = [f = std::move(f)](Stream stream, const std::string& line) mutable {
        f(stream, line);
        return LineAction::keep;
      };
    } else {
      static_assert(std::is_same_v<R, LineAction>, "a line callback returns LineAction or nothing");
      m_function = std::move(f);
    }
  }

  explicit operator bool() const noexcept { return static_cast<bool>(m_function); }
  /// Calls the callable; an empty callback keeps reading.
  LineAction operator()(Stream stream, const std::string& line) const {
    return m_function ? m_function(stream, line) : LineAction::keep;
  }

private:
  Function m_function;
};

} // namespace fanout::sdk
