#pragma once
// Test harness for notifier plugins: the real built plugin loaded through the host's
// Registry, its config validated against the keys it declares (defaults filled in, as
// `fanout run` does), hosted in a PluginHost with the real process runner and HTTP client.
// And a webhook receiver: a local HTTP server on 127.0.0.1 that records every POST and
// answers with scripted statuses.

#include "tests/support/hosted_plugin.hpp"
#include "tests/support/local_server.hpp"

#include <fanout/sdk/notifier.hpp>

#include <nlohmann/json.hpp>

#include <condition_variable>
#include <deque>
#include <filesystem>
#include <map>
#include <mutex>
#include <variant>
#include <string>
#include <vector>

namespace fanout::test::notifiers {

/// A notifier instance and everything it is bound to.
using LoadedNotifier = HostedPlugin<sdk::Notifier>;

/// Makes plugin `plugin`'s notifier with `config` (a [[notify]] table's plugin keys as JSON,
/// validated like fanout.toml's) for a repository at `repo_root`. `env` answers the
/// plugin's Host::secret() (the real environment is never read). Returns the creation
/// failure's message instead of an instance when the plugin refuses.
std::variant<LoadedNotifier, std::string> try_load_notifier(const std::string& plugin, const nlohmann::json& config,
                                                            const std::filesystem::path& repo_root,
                                                            std::map<std::string, std::string> env = {});

/// try_load_notifier() that fails the test case when the plugin refuses.
LoadedNotifier load_notifier(const std::string& plugin, const nlohmann::json& config,
                             const std::filesystem::path& repo_root, std::map<std::string, std::string> env = {});

/// A notification of `event` for issue `issue` with every field filled.
sdk::Notification sample(sdk::NotifyEvent event, const std::string& issue = "42");

/// One POST the receiver got.
struct Post {
  std::string path;
  std::string content_type;
  std::string body;
};

/// Records POSTs to any path; answers each with the next scripted status (200 once the
/// script is used up).
class WebhookReceiver {
public:
  WebhookReceiver();
  /// The statuses of the next answers, in order ("500 then 200": {500}).
  void answer(std::vector<int> statuses);
  /// "http://127.0.0.1:<port>/hook"
  std::string url() const;
  std::vector<Post> posts() const;
  /// Blocks until `count` POSTs arrived or 30 s passed; false on timeout.
  bool wait_for(size_t count) const;

private:
  mutable std::mutex m_mutex;
  mutable std::condition_variable m_arrived;
  std::deque<int> m_statuses;
  std::vector<Post> m_posts;
  LocalServer m_server;
};

} // namespace fanout::test::notifiers
