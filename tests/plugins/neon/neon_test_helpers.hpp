#pragma once
// The neon brancher as `fanout up` uses it: config validated against its declared keys, the
// real CurlHttpClient (back-off waits recorded, not slept), talking to a FakeNeonServer.

#include "tests/support/brancher_harness.hpp"
#include "tests/support/fake_neon_server.hpp"
#include "tests/support/tracker_harness.hpp"

namespace fanout::test::branchers {

inline const sdk::CancelToken k_no_cancel;

struct NeonFixture {
  FakeNeonServer neon;
  std::unique_ptr<trackers::Services> services;

  explicit NeonFixture(std::map<std::string, std::string> env = {});
  /// The plugin's config: project and API of the fake, fast polls; `extra` overrides keys.
  nlohmann::json config(const nlohmann::json& extra = nlohmann::json::object()) const;
  /// Loads the brancher with `config()` + `extra`; config errors fail the test.
  LoadedBrancher load(const nlohmann::json& extra = nlohmann::json::object());
  /// Same, returning the creation failure instead of failing the test.
  sdk::Result<LoadedBrancher> try_load(const nlohmann::json& extra = nlohmann::json::object());
  /// Requests the fake got with `method` whose path ends with `suffix`.
  std::vector<RecordedRequest> calls(const std::string& method, const std::string& suffix) const;
  /// "/api/v2/projects/<id>"
  std::string project_path() const { return "/api/v2/projects/" + neon.project_id(); }
};

} // namespace fanout::test::branchers
