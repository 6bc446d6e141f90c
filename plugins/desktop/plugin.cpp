// desktop: a notifier that shows each notification on the desktop with `notify-send`
// (libnotify), run through the host's process runner. Where notify-send is missing (a
// server, a container) every delivery fails at once with a message that says how to get
// it; the host does not retry that.
#include <fanout/sdk/plugin.hpp>

#include <stdexcept>

namespace {

using namespace fanout::sdk;

class DesktopNotifier final : public Notifier {
public:
  explicit DesktopNotifier(Host& host) : m_host(host) {
    const auto& config = host.config();
    m_urgency = config.value("urgency", "normal");
    if (m_urgency != "low" && m_urgency != "normal" && m_urgency != "critical")
      throw std::runtime_error("unknown urgency \"" + m_urgency + "\" (expected low, normal or critical)");
    m_app_name = config.value("app_name", "fanout");
  }

  Result<void> notify(const Notification& notification, const CancelToken& cancel) override {
    ProcessSpec spec;
    spec.argv = {"notify-send", "--app-name=" + m_app_name, "--urgency=" + m_urgency, "--", notification.title,
                 notification.text};
    spec.workdir = m_host.repo_root();
    spec.timeout = std::chrono::seconds(10);
    auto ran = m_host.processes().run(spec, nullptr, cancel);
    if (!ran.ok()) {
      if (ran.failure().kind == FailureKind::not_found && ran.failure().message.find("notify-send") != std::string::npos)
        return fail(FailureKind::unsupported,
                    "\"notify-send\" was not found on PATH: install it (Debian and Ubuntu: apt install "
                    "libnotify-bin) to get desktop notifications, or remove the desktop [[notify]] table");
      return fail(ran.failure().kind, "notify-send: " + ran.failure().message);
    }
    if (ran->timed_out) return fail(FailureKind::timeout, "notify-send did not finish within 10s");
    if (ran->cancelled) return fail(FailureKind::cancelled, "notify-send was cancelled");
    if (ran->signaled || ran->exit_code != 0) {
      std::string err = ran->err.substr(0, 300);
      while (!err.empty() && (err.back() == '\n' || err.back() == '\r')) err.pop_back();
      return fail(FailureKind::error, "notify-send exited with " +
                                          (ran->signaled ? "signal " + std::to_string(ran->signal)
                                                         : "code " + std::to_string(ran->exit_code)) +
                                          (err.empty() ? "" : ": " + err));
    }
    return {};
  }

private:
  Host& m_host;
  std::string m_urgency;
  std::string m_app_name;
};

struct Desktop {
  static constexpr const char* name = "desktop";
  static constexpr const char* version = "0.1.0";
  static constexpr const char* description = "shows notifications on the desktop with notify-send";
  static constexpr Kind kinds[] = {Kind::notifier};
  static constexpr ConfigKey config_keys[] = {
      {.name = "urgency", .type = ConfigType::string, .default_value = "\"normal\"",
       .doc = "notification urgency: low, normal or critical"},
      {.name = "app_name", .type = ConfigType::string, .default_value = "\"fanout\"",
       .doc = "application name the notification is shown under"},
  };
  static std::unique_ptr<Notifier> make_notifier(Host& host) { return std::make_unique<DesktopNotifier>(host); }
};

} // namespace

FANOUT_PLUGIN(Desktop)
