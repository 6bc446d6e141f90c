#include "support/cli_session.hpp"

#include "support/json_access.hpp"

#include <atomic>
#include <chrono>
#include <fstream>

namespace fanout::support {

namespace {

constexpr std::size_t k_stderr_keep = 4096;

} // namespace

std::string session_model(const sdk::SessionRequest& request, const nlohmann::json& config) {
  return request.model.empty() ? string_at(config, "model") : request.model;
}

sdk::ProcessSpec session_process(const sdk::SessionRequest& request, const nlohmann::json& config) {
  sdk::ProcessSpec spec;
  spec.workdir = request.workdir;
  spec.env = request.env;
  for (auto& [name, value] : string_map_at(config, "env"))
    spec.env[name] = std::move(value);
  spec.replace_env = true;
  spec.timeout = request.timeout;
  return spec;
}

sdk::Result<SessionFile> SessionFile::write(const std::filesystem::path& dir, const std::string& prefix,
                                            const std::string& suffix, const std::string& content,
                                            const std::string& what) {
  static std::atomic<unsigned> counter{0};
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  SessionFile file;
  file.m_path =
      dir / (prefix + "-" + std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()) +
             "-" + std::to_string(counter++) + suffix);
  std::ofstream out(file.m_path, std::ios::binary);
  out << content;
  out.close();
  if (!out)
    return sdk::fail(sdk::FailureKind::error,
                     "cannot write " + what + " to \"" + file.m_path.string() + "\"");
  return file;
}

SessionFile& SessionFile::operator=(SessionFile&& other) noexcept {
  if (this != &other) {
    std::error_code ec;
    if (!m_path.empty()) std::filesystem::remove(m_path, ec);
    m_path = std::move(other.m_path);
    other.m_path.clear();
  }
  return *this;
}

SessionFile::~SessionFile() {
  std::error_code ec;
  if (!m_path.empty()) std::filesystem::remove(m_path, ec);
}

void StderrTail::add(const std::string& line) {
  m_text += line + "\n";
  if (m_text.size() > k_stderr_keep) m_text.erase(0, m_text.size() - k_stderr_keep);
}

std::string StderrTail::text() const {
  std::string out = m_text;
  while (!out.empty() && out.back() == '\n')
    out.pop_back();
  return out;
}

} // namespace fanout::support
