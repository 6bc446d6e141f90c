#include "host/agent/transcript.hpp"

#include "host/agent/result_json.hpp"
#include "host/util/private_mode.hpp"

#include <chrono>
#include <ctime>

namespace fanout::agent {

std::string_view to_string(sdk::Permission permission) noexcept {
  switch (permission) {
  case sdk::Permission::read_only: return "read_only";
  case sdk::Permission::edit: return "edit";
  case sdk::Permission::full: return "full";
  }
  return "read_only";
}

std::string utc_timestamp() {
  auto now = std::chrono::system_clock::now();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[40];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[48];
  std::snprintf(out, sizeof out, "%s.%03dZ", buffer, static_cast<int>(ms));
  return out;
}

void redact_json(nlohmann::json& value, const services::SecretRegistry& secrets) {
  if (value.is_string()) {
    value = secrets.redact(value.get_ref<const std::string&>());
  } else if (value.is_structured()) {
    for (auto& item : value) redact_json(item, secrets);
  }
}

sdk::Result<std::unique_ptr<TranscriptWriter>> TranscriptWriter::open(const std::filesystem::path& path,
                                                                      const services::SecretRegistry& secrets) {
  std::error_code ec;
  if (path.has_parent_path()) {
    std::filesystem::create_directories(path.parent_path(), ec);
    util::private_dir(path.parent_path());
  }
  util::private_file(path); // what an agent printed may be private
  std::ofstream file(path, std::ios::app);
  if (!file) return sdk::fail(sdk::FailureKind::error, "cannot write transcript \"" + path.string() + "\"");
  return std::unique_ptr<TranscriptWriter>(new TranscriptWriter(path, std::move(file), secrets));
}

std::filesystem::path TranscriptWriter::path_for(const std::filesystem::path& repo_root, std::string_view issue,
                                                 std::string_view stage) {
  return repo_root / ".fanout" / "runs" / std::string(issue) / (std::string(stage) + ".jsonl");
}

TranscriptWriter::TranscriptWriter(std::filesystem::path path, std::ofstream file,
                                   const services::SecretRegistry& secrets)
    : m_path(std::move(path)), m_file(std::move(file)), m_secrets(secrets) {}

void TranscriptWriter::start(std::string_view provider, const sdk::SessionRequest& request) {
  nlohmann::json line = {{"type", "start"},
                         {"provider", provider},
                         {"model", request.model},
                         {"permission", to_string(request.permission)},
                         {"workdir", request.workdir.string()},
                         {"prompt", request.prompt}};
  if (!request.resume_session_id.empty()) line["resume_session_id"] = request.resume_session_id;
  write(std::move(line));
}

void TranscriptWriter::event(const sdk::AgentEvent& event) {
  auto line = event_to_json(event);
  if (!event.raw.empty()) line["raw"] = event.raw;
  write(std::move(line));
}

void TranscriptWriter::result(const sdk::SessionResult& result) {
  auto line = result_to_json(result);
  line["type"] = "result";
  write(std::move(line));
}

void TranscriptWriter::write(nlohmann::json line) {
  redact_json(line, m_secrets);
  nlohmann::json ordered = {{"ts", utc_timestamp()}};
  ordered.update(line);
  std::string text = ordered.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::lock_guard lock(m_mutex);
  m_file << text << '\n';
  m_file.flush();
}

} // namespace fanout::agent
