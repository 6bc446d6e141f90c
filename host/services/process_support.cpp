#include "host/services/process_support.hpp"

#include "host/services/process_runner.hpp"

#include <sstream>

#include <fcntl.h>
#include <unistd.h>

extern char** environ;

namespace fanout::services {

Fd& Fd::operator=(Fd&& other) noexcept {
  if (this != &other) {
    reset();
    m_fd = std::exchange(other.m_fd, -1);
  }
  return *this;
}

void Fd::reset() {
  if (m_fd >= 0) close(m_fd);
  m_fd = -1;
}

std::optional<Pipe> make_pipe() {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return std::nullopt;
  return Pipe{Fd(fds[0]), Fd(fds[1])};
}

EnvBlock::EnvBlock(const std::map<std::string, std::string>& env) : m_env(env) {
  for (const auto& [key, value] : env) m_strings.push_back(key + "=" + value);
  for (auto& entry : m_strings) m_pointers.push_back(entry.data());
  m_pointers.push_back(nullptr);
}

std::string EnvBlock::value(const std::string& key) const {
  auto it = m_env.find(key);
  return it == m_env.end() ? std::string() : it->second;
}

std::map<std::string, std::string> child_environment(const sdk::ProcessSpec& spec, const SecretRegistry* secrets) {
  if (spec.replace_env) return spec.env;
  std::map<std::string, std::string> env;
  for (char** entry = environ; entry && *entry; ++entry) {
    std::string_view text(*entry);
    auto eq = text.find('=');
    if (eq == std::string_view::npos) continue;
    std::string value(text.substr(eq + 1));
    if (secrets && secrets->redact(value) != value) continue;
    env.emplace(std::string(text.substr(0, eq)), std::move(value));
  }
  for (const auto& [key, value] : spec.env) env[key] = value;
  return env;
}

namespace {

bool executable_file(const std::filesystem::path& path) {
  std::error_code ec;
  return std::filesystem::is_regular_file(path, ec) && access(path.c_str(), X_OK) == 0;
}

} // namespace

sdk::Result<std::string> resolve_executable(const std::string& name, const std::string& path_var,
                                            const std::filesystem::path& workdir) {
  if (name.find('/') != std::string::npos) {
    std::filesystem::path path(name);
    if (path.is_relative() && !workdir.empty()) path = workdir / path;
    if (executable_file(path)) return path.string();
    return sdk::fail(sdk::FailureKind::not_found, "executable \"" + name + "\" not found");
  }
  std::istringstream dirs(path_var.empty() ? "/usr/local/bin:/usr/bin:/bin" : path_var);
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (dir.empty()) continue; // an empty entry means the cwd: too surprising to honour
    auto candidate = std::filesystem::path(dir) / name;
    if (executable_file(candidate)) return candidate.string();
  }
  return sdk::fail(sdk::FailureKind::not_found, "executable \"" + name + "\" not found on PATH");
}

sdk::LineAction LineSplitter::feed(const char* data, size_t size, sdk::Stream stream,
                                   const sdk::LineCallback& on_line) {
  m_tail.append(data, size);
  if (m_tail.size() > 2 * m_keep + 65536) m_tail.erase(0, m_tail.size() - m_keep);
  // After a stop the lines are still split (so the pending line stays bounded) but no
  // longer delivered.
  auto action = sdk::LineAction::keep;
  const sdk::LineCallback none;
  size_t start = 0;
  for (size_t i = 0; i < size; ++i) {
    if (data[i] != '\n') continue;
    m_pending.append(data + start, i - start);
    if (deliver(m_pending, stream, action == sdk::LineAction::stop ? none : on_line) == sdk::LineAction::stop)
      action = sdk::LineAction::stop;
    start = i + 1;
  }
  m_pending.append(data + start, size - start);
  while (m_pending.size() >= k_max_line_bytes) {
    std::string piece = m_pending.substr(0, k_max_line_bytes);
    m_pending.erase(0, k_max_line_bytes);
    if (deliver(piece, stream, action == sdk::LineAction::stop ? none : on_line) == sdk::LineAction::stop)
      action = sdk::LineAction::stop;
  }
  return action;
}

sdk::LineAction LineSplitter::finish(sdk::Stream stream, const sdk::LineCallback& on_line) {
  if (m_pending.empty()) return sdk::LineAction::keep;
  return deliver(m_pending, stream, on_line);
}

std::string LineSplitter::take_tail() {
  if (m_tail.size() > m_keep) m_tail.erase(0, m_tail.size() - m_keep);
  return std::move(m_tail);
}

sdk::LineAction LineSplitter::deliver(std::string& line, sdk::Stream stream, const sdk::LineCallback& on_line) {
  if (!line.empty() && line.back() == '\r') line.pop_back();
  const auto action = on_line ? on_line(stream, line) : sdk::LineAction::keep;
  line.clear();
  return action;
}

} // namespace fanout::services
