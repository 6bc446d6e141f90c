// FakeGithubServer's check routes: check runs and commit statuses of a ref, and Actions job
// logs, which GitHub answers with a 302 to a short-lived signed URL on another host.

#include "tests/support/fake_github_server.hpp"
#include "tests/support/fake_github_wire.hpp"

#include <algorithm>

namespace fanout::test {

using nlohmann::json;
using namespace github_wire;

long long FakeGithubServer::add_check_run(FakeGithubCheckRun run) {
  std::lock_guard lock(m_mutex);
  if (run.id == 0) run.id = m_next_id++;
  m_check_runs.push_back(run);
  return run.id;
}

long long FakeGithubServer::add_status(FakeGithubStatus status) {
  std::lock_guard lock(m_mutex);
  if (status.id == 0) status.id = m_next_id++;
  m_statuses.push_back(status);
  return status.id;
}

void FakeGithubServer::set_ci(std::function<std::vector<FakeGithubCheckRun>(const std::string& sha)> ci) {
  std::lock_guard lock(m_mutex);
  m_ci = std::move(ci);
}

std::string FakeGithubServer::logs_url() const {
  return m_logs->url();
}

int FakeGithubServer::logs_requests_with_authorization() const {
  return m_logs_with_authorization.load();
}

std::string FakeGithubServer::resolve_ref(const std::string& ref) const {
  for (const auto& [number, pull] : m_pulls)
    if (pull.head == ref) return pull.head_sha;
  return ref;
}

namespace {

json check_run_json(const std::string& api, const std::string& repo, const FakeGithubCheckRun& run) {
  const std::string id = std::to_string(run.id);
  const bool actions = run.app == "github-actions";
  const std::string html = actions ? "https://github.com/" + repo + "/actions/runs/1/job/" + id
                                   : "https://ci.example.com/" + run.app + "/" + id;
  return {{"id", run.id},
          {"node_id", "CR_" + id},
          {"head_sha", run.head_sha},
          {"external_id", ""},
          {"url", api + "/repos/" + repo + "/check-runs/" + id},
          {"html_url", html},
          {"details_url", html},
          {"status", run.status},
          {"conclusion", run.conclusion.empty() ? json(nullptr) : json(run.conclusion)},
          {"started_at", "2025-01-05T00:00:00Z"},
          {"completed_at", run.status == "completed" ? json("2025-01-05T00:05:00Z") : json(nullptr)},
          {"output",
           {{"title", run.title.empty() ? json(nullptr) : json(run.title)},
            {"summary", run.summary.empty() ? json(nullptr) : json(run.summary)},
            {"text", nullptr},
            {"annotations_count", 0}}},
          {"name", run.name},
          {"check_suite", {{"id", 5}}},
          {"app",
           {{"id", actions ? 15368 : 99}, {"slug", run.app}, {"name", actions ? "GitHub Actions" : run.app}}},
          {"pull_requests", json::array()}};
}

json status_json(const std::string& api, const std::string& repo, const FakeGithubStatus& status) {
  return {{"id", status.id},
          {"node_id", "SC_" + std::to_string(status.id)},
          {"url", api + "/repos/" + repo + "/statuses/" + status.sha},
          {"state", status.state},
          {"description", status.description.empty() ? json(nullptr) : json(status.description)},
          {"target_url", status.target_url.empty() ? json(nullptr) : json(status.target_url)},
          {"context", status.context},
          {"created_at", "2025-01-05T00:00:00Z"},
          {"updated_at", "2025-01-05T00:00:00Z"},
          {"creator", user_json("ci-bot", "Bot")}};
}

} // namespace

void FakeGithubServer::add_check_routes() {
  auto& s = server();
  const std::string base = "/repos/" + m_repo;

  // filter=latest (the default) keeps the newest run of each name; filter=all keeps every run.
  s.Get(base + R"(/commits/([^/]+)/check-runs)", [this](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(m_mutex);
    const std::string sha = resolve_ref(httplib::detail::decode_url(req.matches[1], false));
    const bool all = req.get_param_value("filter") == "all";
    if (m_ci && m_ci_ran.insert(sha).second)
      for (auto run : m_ci(sha)) {
        run.head_sha = sha;
        if (run.id == 0) run.id = m_next_id++;
        m_check_runs.push_back(std::move(run));
      }
    std::map<std::string, const FakeGithubCheckRun*> latest;
    std::vector<const FakeGithubCheckRun*> runs;
    for (const auto& run : m_check_runs) {
      if (run.head_sha != sha) continue;
      if (all)
        runs.push_back(&run);
      else if (auto& kept = latest[run.name]; !kept || kept->id < run.id)
        kept = &run;
    }
    for (const auto& [name, run] : latest)
      runs.push_back(run);
    std::sort(runs.begin(), runs.end(), [](auto* a, auto* b) { return a->id < b->id; });
    json items = json::array();
    for (const auto* run : runs)
      items.push_back(check_run_json(url(), m_repo, *run));
    paginate(req, res, items, "check_runs");
  });

  // Every status of the ref, newest first (one context can have many).
  s.Get(base + R"(/commits/([^/]+)/statuses)", [this](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(m_mutex);
    const std::string sha = resolve_ref(httplib::detail::decode_url(req.matches[1], false));
    json items = json::array();
    for (auto it = m_statuses.rbegin(); it != m_statuses.rend(); ++it)
      if (it->sha == sha) items.push_back(status_json(url(), m_repo, *it));
    paginate(req, res, items);
  });

  s.Get(base + R"(/actions/jobs/(\d+)/logs)", [this](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(m_mutex);
    const long long id = std::stoll(req.matches[1]);
    auto run =
        std::find_if(m_check_runs.begin(), m_check_runs.end(), [&](const auto& r) { return r.id == id; });
    if (run == m_check_runs.end() || run->app != "github-actions" || run->log.empty())
      return send_error(res, 404, "Not Found");
    res.status = 302;
    res.set_header("Location",
                   m_logs->url() + "/job-logs/" + std::to_string(id) + "?sig=fake-signature&se=2025-01-05");
  });

  // The signed URL's host: no token wanted (a request carrying one is counted), the signature is.
  m_logs->server().Get(R"(/job-logs/(\d+))", [this](const httplib::Request& req, httplib::Response& res) {
    if (req.has_header("Authorization")) ++m_logs_with_authorization;
    if (req.get_param_value("sig") != "fake-signature") {
      res.status = 403;
      res.set_content("<Error><Code>AuthenticationFailed</Code></Error>", "application/xml");
      return;
    }
    std::lock_guard lock(m_mutex);
    const long long id = std::stoll(req.matches[1]);
    auto run =
        std::find_if(m_check_runs.begin(), m_check_runs.end(), [&](const auto& r) { return r.id == id; });
    if (run == m_check_runs.end()) {
      res.status = 404;
      return;
    }
    res.status = 200;
    res.set_content(run->log, "text/plain");
  });
}

} // namespace fanout::test
