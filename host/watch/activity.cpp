#include "host/watch/activity.hpp"

#include "host/agent/transcript.hpp"
#include "host/pipeline/run_status.hpp"
#include "host/services/secrets.hpp"
#include "host/util/private_mode.hpp"

#include <nlohmann/json.hpp>

#include <fstream>

namespace fanout::watch {

void note(const std::filesystem::path& runs_dir, const std::string& issue, const std::string& stage,
          const std::string& text) {
  try {
    const auto dir = pipeline::run_dir(runs_dir, issue);
    util::private_dir(dir);
    const auto file = dir / (stage + ".jsonl");
    util::private_file(file);
    const nlohmann::json line = {{"ts", agent::utc_timestamp()},
                                 {"type", "note"},
                                 {"text", services::SecretRegistry::global().redact(text)}};
    std::ofstream(file, std::ios::app) << line.dump() << "\n";
  } catch (const std::exception&) {
  }
}

} // namespace fanout::watch
