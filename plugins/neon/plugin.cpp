// The neon database brancher: each workspace gets a Neon branch with its own compute.
// See docs/databases.md.

#include "neon_brancher.hpp"

#include <fanout/sdk/plugin.hpp>

namespace {

using fanout::sdk::ConfigType;

struct NeonPlugin {
  static constexpr const char* name = "neon";
  static constexpr const char* version = "1.0.0";
  static constexpr const char* description = "branches a Neon Postgres project per workspace";
  static constexpr fanout::sdk::ConfigKey config_keys[] = {
      {"api_url", ConfigType::string, "\"https://console.neon.tech/api/v2\"", "Neon API base URL", true},
      {"project_id", ConfigType::string, nullptr, "the Neon project to branch", false},
      {"token_env", ConfigType::string, "\"NEON_API_KEY\"", "environment variable holding the Neon API key", true},
      {"parent", ConfigType::string, nullptr, "branch to branch from (name or br-... id); default: the project's default branch", false},
      {"database", ConfigType::string, "\"neondb\"", "database name in the connection URL", false},
      {"role", ConfigType::string, "\"neondb_owner\"", "role in the connection URL", false},
      {"pooled", ConfigType::boolean, "false", "use the pooled (-pooler) host in the connection URL", false},
      {"prefix", ConfigType::string, "\"fanout-\"", "prefix of the Neon branch names fanout makes", false},
      {"poll_interval", ConfigType::duration, "\"1s\"", "pause between polls of a running operation (and first 423 backoff)", false},
      {"wait_timeout", ConfigType::duration, "\"5m\"", "longest wait for a branch to be ready or the project to unlock", false},
  };

  static std::unique_ptr<fanout::sdk::DatabaseBrancher> make_database_brancher(fanout::sdk::Host& host) {
    return std::make_unique<fanout::neon::NeonBrancher>(host, fanout::neon::read_settings(host.config()));
  }
};

} // namespace

FANOUT_PLUGIN(NeonPlugin)
