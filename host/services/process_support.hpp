#pragma once
// Small pieces of LocalProcessRunner that are worth testing alone: file descriptors, the
// child's environment, PATH lookup, and splitting a byte stream into lines.

#include "host/services/secrets.hpp"

#include <fanout/sdk/process.hpp>

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace fanout::services {

/// An owned file descriptor; closed on destruction. -1 means none.
class Fd {
public:
  Fd() = default;
  explicit Fd(int fd) : m_fd(fd) {}
  Fd(Fd&& other) noexcept : m_fd(std::exchange(other.m_fd, -1)) {}
  Fd& operator=(Fd&& other) noexcept;
  ~Fd() { reset(); }
  int get() const { return m_fd; }
  explicit operator bool() const { return m_fd >= 0; }
  void reset();

private:
  int m_fd = -1;
};

/// Both ends of a pipe, close-on-exec (posix_spawn's dup2 clears it on the child's copy).
struct Pipe {
  Fd read;
  Fd write;
};
/// A new pipe, or nullopt with errno set.
std::optional<Pipe> make_pipe();

/// An environment as "KEY=value" strings plus the char** execve wants.
class EnvBlock {
public:
  explicit EnvBlock(const std::map<std::string, std::string>& env);
  char* const* pointers() const { return m_pointers.data(); }
  /// The value of `key`, or "" when absent.
  std::string value(const std::string& key) const;

private:
  std::map<std::string, std::string> m_env;
  std::vector<std::string> m_strings;
  std::vector<char*> m_pointers;
};

/// The child's environment: `spec.env` alone when replace_env, else the host's environment
/// (minus variables whose value holds a registered secret) overlaid with `spec.env`.
std::map<std::string, std::string> child_environment(const sdk::ProcessSpec& spec, const SecretRegistry* secrets);

/// The file to execute for `name`: a name with a slash is taken relative to `workdir`; a
/// bare name is searched on `path_var` (the child's PATH; "" means the system default).
/// Failure not_found: `executable "claude" not found on PATH`, or
/// `executable "./bin/x" not found` for a path.
sdk::Result<std::string> resolve_executable(const std::string& name, const std::string& path_var,
                                            const std::filesystem::path& workdir);

/// Splits one stream into lines for a LineCallback and keeps its last `keep_bytes` bytes.
class LineSplitter {
public:
  explicit LineSplitter(size_t keep_bytes) : m_keep(keep_bytes) {}
  /// Delivers every complete line in `data` (without "\n", and without a "\r" before it)
  /// until `on_line` returns LineAction::stop; the rest is only kept in the tail.
  /// Returns stop when `on_line` asked for it.
  sdk::LineAction feed(const char* data, size_t size, sdk::Stream stream, const sdk::LineCallback& on_line);
  /// Delivers the unterminated last line, if any.
  sdk::LineAction finish(sdk::Stream stream, const sdk::LineCallback& on_line);
  /// The kept tail of the raw stream.
  std::string take_tail();

private:
  sdk::LineAction deliver(std::string& line, sdk::Stream stream, const sdk::LineCallback& on_line);
  size_t m_keep;
  std::string m_pending;
  std::string m_tail;
};

} // namespace fanout::services
