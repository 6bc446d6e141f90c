// The neon database brancher: each workspace gets a Neon branch with its own compute.
// See docs/databases.md.

#include "neon_brancher.hpp"

#include <fanout/sdk/plugin.hpp>

namespace {

using fanout::sdk::ConfigType;
using fanout::sdk::Trust;

struct NeonPlugin {
  static constexpr const char* name = "neon";
  static constexpr const char* version = "1.0.0";
  static constexpr const char* description = "branches a Neon Postgres project per workspace";
  static constexpr fanout::sdk::Kind kinds[] = {fanout::sdk::Kind::database_brancher};
  static constexpr fanout::sdk::ConfigKey config_keys[] = {
      {.name = "api_url", .type = ConfigType::string, .default_value = "\"https://console.neon.tech/api/v2\"",
       .doc = "Neon API base URL", .trust = Trust::trusted_only},
      {.name = "project_id", .type = ConfigType::string, .doc = "the Neon project to branch"},
      {.name = "token_env", .type = ConfigType::string, .default_value = "\"NEON_API_KEY\"",
       .doc = "environment variable holding the Neon API key", .trust = Trust::trusted_only},
      {.name = "parent", .type = ConfigType::string,
       .doc = "branch to branch from (name or br-... id); default: the project's default branch"},
      {.name = "database", .type = ConfigType::string, .default_value = "\"neondb\"",
       .doc = "database name in the connection URL"},
      {.name = "role", .type = ConfigType::string, .default_value = "\"neondb_owner\"",
       .doc = "role in the connection URL"},
      {.name = "pooled", .type = ConfigType::boolean, .default_value = "false",
       .doc = "use the pooled (-pooler) host in the connection URL"},
      {.name = "prefix", .type = ConfigType::string, .default_value = "\"fanout-\"",
       .doc = "prefix of the Neon branch names fanout makes"},
      {.name = "poll_interval", .type = ConfigType::duration, .default_value = "\"1s\"",
       .doc = "pause between polls of a running operation (and first 423 backoff)"},
      {.name = "wait_timeout", .type = ConfigType::duration, .default_value = "\"5m\"",
       .doc = "longest wait for a branch to be ready or the project to unlock"},
  };

  static std::unique_ptr<fanout::sdk::DatabaseBrancher> make_database_brancher(fanout::sdk::Host& host) {
    return std::make_unique<fanout::neon::NeonBrancher>(host, fanout::neon::read_settings(host.config()));
  }
};

} // namespace

FANOUT_PLUGIN(NeonPlugin)
