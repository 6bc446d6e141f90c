// The notifier project `fanout plugin new notifier NAME` writes (the other kinds are in
// scaffold_templates.cpp, which picks this one by kind).
#include "host/plugins/scaffold.hpp"

namespace fanout::plugins {

extern const char* const k_scaffold_notifier = R"tmpl(// @NAME@: a fanout notifier. It appends each notification (its event, title and text) to
// a file in the repository. Replace notify() with your own channel: the host's http() for
// a chat service, its processes() for a command.
#include <fanout/sdk/plugin.hpp>

#include <fstream>

namespace {

using namespace fanout::sdk;

class @IDENT@Notifier final : public Notifier {
public:
  explicit @IDENT@Notifier(Host& host) : m_host(host) {}

  // One attempt; the host retries a failure (with backoff) and records each delivery, so
  // an event reaches a notifier at most once.
  Result<void> notify(const Notification& notification, const CancelToken& cancel) override {
    if (cancel.cancelled()) return fail(FailureKind::cancelled, "cancelled");
    const auto file = m_host.repo_root() / m_host.config().value("file", ".fanout/notifications.log");
    std::ofstream out(file, std::ios::app);
    out << "[" << to_string(notification.event) << "] " << notification.title << "\n" << notification.text << "\n\n";
    if (!out.flush()) return fail(FailureKind::error, "cannot write \"" + file.string() + "\"");
    return {};
  }

private:
  Host& m_host;
};

struct @IDENT@ {
  static constexpr const char* name = "@NAME@";
  static constexpr const char* version = "0.1.0";
  static constexpr const char* description = "appends notifications to a file";
  static constexpr Kind kinds[] = {Kind::notifier};
  static constexpr ConfigKey config_keys[] = {
      {.name = "file", .type = ConfigType::path, .default_value = "\".fanout/notifications.log\"",
       .doc = "the file notifications are appended to, relative to the repo"},
  };
  static std::unique_ptr<Notifier> make_notifier(Host& host) { return std::make_unique<@IDENT@Notifier>(host); }
};

} // namespace

FANOUT_PLUGIN(@IDENT@)
)tmpl";

} // namespace fanout::plugins
