#include "tests/support/notifier_harness.hpp"

#include "tests/support/built_plugins.hpp"

#include <catch2/catch.hpp>

namespace fanout::test::notifiers {

std::variant<LoadedNotifier, std::string> try_load_notifier(const std::string& plugin, const nlohmann::json& config,
                                                            const std::filesystem::path& repo_root,
                                                            std::map<std::string, std::string> env) {
  auto validated = validate_plugin_config(plugin, "[[notify]]", config);
  if (auto* error = std::get_if<std::string>(&validated)) return *error;
  plugins::HostServices services;
  auto vars = std::make_shared<std::map<std::string, std::string>>(std::move(env));
  services.getenv = [vars](const char* name) -> const char* {
    auto it = vars->find(name);
    return it == vars->end() ? nullptr : it->second.c_str();
  };
  auto loaded = host_plugin<sdk::Notifier>(plugin, std::move(services), std::get<nlohmann::json>(validated), repo_root,
                                           repo_root / ".fanout" / "data" / plugin);
  if (!loaded.ok()) return loaded.failure().message;
  return std::move(loaded).value();
}

LoadedNotifier load_notifier(const std::string& plugin, const nlohmann::json& config,
                             const std::filesystem::path& repo_root, std::map<std::string, std::string> env) {
  auto loaded = try_load_notifier(plugin, config, repo_root, std::move(env));
  if (auto* error = std::get_if<std::string>(&loaded)) FAIL("cannot load the " << plugin << " notifier: " << *error);
  return std::move(std::get<LoadedNotifier>(loaded));
}

sdk::Notification sample(sdk::NotifyEvent event, const std::string& issue) {
  sdk::Notification n;
  n.event = event;
  n.title = "fanout: " + issue + " needs a human";
  n.text = "Issue " + issue + " \"add a health endpoint\" needs a human: changes still requested";
  n.repo = "shop";
  n.issue = issue;
  n.issue_title = "add a health endpoint";
  n.issue_url = "https://example.invalid/issues/" + issue;
  n.state = "needs_human";
  n.stage = "report";
  n.reason = "changes still requested after 1 fix round(s)";
  n.pr_url = "https://example.invalid/pull/7";
  n.action = "fanout status";
  return n;
}

WebhookReceiver::WebhookReceiver() {
  m_server.server().Post(R"(/.*)", [this](const httplib::Request& request, httplib::Response& response) {
    std::lock_guard lock(m_mutex);
    m_posts.push_back({request.path, request.get_header_value("Content-Type"), request.body});
    int status = 200;
    if (!m_statuses.empty()) {
      status = m_statuses.front();
      m_statuses.pop_front();
    }
    response.status = status;
    response.set_content(status < 300 ? "ok" : "receiver says no", "text/plain");
    m_arrived.notify_all();
  });
  m_server.start();
}

void WebhookReceiver::answer(std::vector<int> statuses) {
  std::lock_guard lock(m_mutex);
  m_statuses.assign(statuses.begin(), statuses.end());
}

std::string WebhookReceiver::url() const { return m_server.url() + "/hook"; }

std::vector<Post> WebhookReceiver::posts() const {
  std::lock_guard lock(m_mutex);
  return m_posts;
}

bool WebhookReceiver::wait_for(size_t count) const {
  std::unique_lock lock(m_mutex);
  return m_arrived.wait_for(lock, std::chrono::seconds(30), [&] { return m_posts.size() >= count; });
}

} // namespace fanout::test::notifiers
