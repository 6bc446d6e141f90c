#pragma once
// The request bodies the webhook notifier sends, by [[notify]] format.

#include <fanout/sdk/notifier.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace webhook {

enum class Format {
  json,    ///< every field of the notification, flat (docs/dashboard.md#notifications)
  slack,   ///< {"text": "..."}: Slack incoming webhooks, Mattermost, Rocket.Chat
  discord, ///< {"content": "..."}: Discord webhooks (at most 2000 characters)
};

/// The format called `name` ("json", "slack", "discord"), or nullopt.
std::optional<Format> parse_format(std::string_view name);

/// The JSON body for `notification` in `format`.
std::string payload(const fanout::sdk::Notification& notification, Format format);

} // namespace webhook
