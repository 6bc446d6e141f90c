#include "tests/support/fake_neon_server.hpp"

#include <cstdio>

namespace fanout::test {
namespace {

using json = nlohmann::json;

const char* k_created_at = "2026-01-01T00:00:00Z";

void reply(httplib::Response& response, int status, const json& body) {
  response.status = status;
  response.set_content(body.dump(), "application/json");
}

void error(httplib::Response& response, int status, const std::string& message) {
  reply(response, status, {{"code", ""}, {"message", message}});
}

std::string hex_id(int n) {
  char out[16];
  std::snprintf(out, sizeof out, "%04d", n);
  return out;
}

} // namespace

FakeNeonServer::FakeNeonServer(std::string project_id, std::string api_key)
    : m_project_id(std::move(project_id)), m_api_key(std::move(api_key)) {
  m_branches.push_back({{"id", default_branch_id()}, {"project_id", m_project_id}, {"name", "main"},
                        {"current_state", "ready"}, {"default", true}, {"protected", false},
                        {"created_at", k_created_at}, {"updated_at", k_created_at}});
  m_endpoints.push_back({{"id", "ep-main-0000"}, {"branch_id", default_branch_id()}, {"type", "read_write"},
                         {"host", "ep-main-0000.us-east-2.aws.neon.tech"}, {"current_state", "active"}});
  routes();
  start();
}

FakeNeonServer::~FakeNeonServer() { stop(); }

void FakeNeonServer::configure(const Options& options) {
  std::lock_guard lock(m_mutex);
  m_options = options;
}

std::string FakeNeonServer::uri_for(const std::string& endpoint_host, bool pooled) {
  std::string host = endpoint_host;
  if (pooled) host.insert(host.find('.'), "-pooler");
  return "postgresql://neondb_owner:npg_fakepassword@" + host + "/neondb?sslmode=require&channel_binding=require";
}

bool FakeNeonServer::authorized(const httplib::Request& request) const {
  return request.get_header_value("Authorization") == "Bearer " + m_api_key;
}

FailureAnswers FakeNeonServer::failure_answers() const {
  const auto error = [](int status, const std::string& message) {
    return CannedAnswer{status, json{{"code", ""}, {"message", message}}.dump(), "application/json", {}};
  };
  return {{{FakeFailure::unauthorized, error(401, "authentication required")},
           {FakeFailure::not_found, error(404, "project not found")},
           {FakeFailure::rate_limited, error(429, "rate limit exceeded")},
           {FakeFailure::server_error, error(500, "internal error")},
           {FakeFailure::garbage, {200, "<html>upstream hiccup</html>", "text/html", {}}}}};
}

std::string FakeNeonServer::add_branch(const std::string& name) {
  std::lock_guard lock(m_mutex);
  const std::string id = "br-seed-" + hex_id(m_next_id++);
  m_branches.push_back({{"id", id}, {"project_id", m_project_id}, {"parent_id", default_branch_id()}, {"name", name},
                        {"current_state", "ready"}, {"default", false}, {"created_at", k_created_at}});
  m_endpoints.push_back({{"id", "ep-" + id.substr(3)}, {"branch_id", id}, {"type", "read_write"},
                         {"host", "ep-" + id.substr(3) + ".us-east-2.aws.neon.tech"}, {"current_state", "active"}});
  return id;
}

std::vector<std::string> FakeNeonServer::branch_names() const {
  std::lock_guard lock(m_mutex);
  std::vector<std::string> out;
  for (const auto& b : m_branches) out.push_back(b["name"]);
  return out;
}

std::vector<std::string> FakeNeonServer::operation_ids() const {
  std::lock_guard lock(m_mutex);
  return m_operation_order;
}

std::vector<json> FakeNeonServer::posted_branches() const {
  std::lock_guard lock(m_mutex);
  return m_posted;
}

json FakeNeonServer::branch(const std::string& name) {
  std::lock_guard lock(m_mutex);
  settle_branches();
  for (const auto& b : m_branches)
    if (b["name"] == name) return b;
  return nullptr;
}

json FakeNeonServer::new_operation(const std::string& branch_id, const std::string& endpoint_id, const std::string& action) {
  const std::string id = "a1b2c3d4-0000-4000-8000-" + std::string(8, '0') + hex_id(m_next_id++);
  json op = {{"id", id}, {"project_id", m_project_id}, {"branch_id", branch_id}, {"action", action},
             {"status", "running"}, {"failures_count", 0}, {"created_at", k_created_at}, {"updated_at", k_created_at}};
  if (!endpoint_id.empty()) op["endpoint_id"] = endpoint_id;
  m_operations[id] = {{"operation", op}, {"polls", 0}};
  m_operation_order.push_back(id);
  return op;
}

bool FakeNeonServer::project_busy() const {
  for (const auto& [id, entry] : m_operations.items())
    if (entry["operation"]["status"] == "running") return true;
  return false;
}

bool FakeNeonServer::take_lock() {
  if (m_options.locked_calls > 0) {
    --m_options.locked_calls;
    return true;
  }
  return project_busy();
}

// A branch is ready once none of its operations is running.
void FakeNeonServer::settle_branches() {
  for (auto& b : m_branches) {
    bool pending = false;
    for (const auto& [id, entry] : m_operations.items())
      if (entry["operation"]["branch_id"] == b["id"] && entry["operation"]["status"] == "running") pending = true;
    b["current_state"] = pending ? "init" : "ready";
  }
}

void FakeNeonServer::routes() {
  const std::string project = "/api/v2/projects/([^/]+)";
  auto known = [this](const httplib::Request& req, httplib::Response& res) {
    if (req.matches[1] == m_project_id) return true;
    error(res, 404, "project not found");
    return false;
  };

  server().Get(project + "/branches", [this, known](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(m_mutex);
    if (!known(req, res)) return;
    settle_branches();
    if (m_options.page_size <= 0) return reply(res, 200, {{"branches", m_branches}});
    const size_t start = req.has_param("cursor") ? std::stoul(req.get_param_value("cursor")) : 0;
    json page = json::array();
    for (size_t i = start; i < m_branches.size() && page.size() < size_t(m_options.page_size); ++i)
      page.push_back(m_branches[i]);
    json body = {{"branches", page}};
    const size_t next = start + page.size();
    if (next < m_branches.size()) body["pagination"] = {{"next", std::to_string(next)}};
    reply(res, 200, body);
  });

  server().Post(project + "/branches", [this, known](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(m_mutex);
    if (!known(req, res)) return;
    if (take_lock()) {
      m_posted.push_back(json::parse(req.body, nullptr, false));
      return error(res, 423, "project already has running conflicting operations, scheduling of new ones is prohibited");
    }
    const json body = json::parse(req.body, nullptr, false);
    m_posted.push_back(body.is_discarded() ? json(req.body) : body);
    if (body.is_discarded()) return error(res, 400, "invalid JSON body");
    const json spec = body.value("branch", json::object());
    const std::string name = spec.value("name", "br-auto-" + hex_id(m_next_id));
    for (const auto& b : m_branches)
      if (b["name"] == name) return error(res, 409, "branch with name \"" + name + "\" already exists");
    const std::string parent = spec.value("parent_id", default_branch_id());
    bool parent_known = false;
    for (const auto& b : m_branches) parent_known |= b["id"] == parent;
    if (!parent_known) return error(res, 404, "parent branch not found");

    const std::string id = "br-" + name.substr(0, 8) + "-" + hex_id(m_next_id++);
    json branch = {{"id", id}, {"project_id", m_project_id}, {"parent_id", parent}, {"parent_lsn", "0/1F2A3B8"},
                   {"name", name}, {"current_state", "init"}, {"pending_state", "ready"}, {"default", false},
                   {"protected", false}, {"created_at", k_created_at}, {"updated_at", k_created_at}};
    m_branches.push_back(branch);
    json out = {{"branch", branch}, {"endpoints", json::array()}, {"operations", json::array()}};
    out["operations"].push_back(new_operation(id, "", "create_branch"));
    for (const auto& e : body.value("endpoints", json::array())) {
      if (e.value("type", "") != "read_write") continue;
      const std::string ep = "ep-" + id.substr(3);
      json endpoint = {{"id", ep}, {"host", ep + ".us-east-2.aws.neon.tech"}, {"branch_id", id},
                       {"type", "read_write"}, {"current_state", "init"}, {"pending_state", "active"},
                       {"region_id", "aws-us-east-2"}, {"autoscaling_limit_min_cu", 0.25},
                       {"autoscaling_limit_max_cu", 0.25}, {"pooler_enabled", false}, {"pooler_mode", "transaction"},
                       {"proxy_host", "us-east-2.aws.neon.tech"}};
      m_endpoints.push_back(endpoint);
      out["endpoints"].push_back(endpoint);
      out["operations"].push_back(new_operation(id, ep, "start_compute"));
      if (m_options.connection_uris_in_create) {
        out["roles"] = json::array({{{"branch_id", id}, {"name", "neondb_owner"}, {"protected", false}}});
        out["databases"] = json::array({{{"branch_id", id}, {"name", "neondb"}, {"owner_name", "neondb_owner"}}});
        out["connection_uris"] = json::array(
            {{{"connection_uri", uri_for(endpoint["host"], false)},
              {"connection_parameters",
               {{"database", "neondb"}, {"role", "neondb_owner"}, {"password", "npg_fakepassword"},
                {"host", endpoint["host"]}, {"pooler_host", ep + "-pooler.us-east-2.aws.neon.tech"}}}}});
      }
    }
    reply(res, m_options.create_status, out);
  });

  server().Get(project + "/branches/([^/]+)", [this, known](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(m_mutex);
    if (!known(req, res)) return;
    settle_branches();
    for (const auto& b : m_branches)
      if (b["id"] == req.matches[2]) return reply(res, 200, {{"branch", b}});
    error(res, 404, "branch not found");
  });

  server().Delete(project + "/branches/([^/]+)", [this, known](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(m_mutex);
    if (!known(req, res)) return;
    if (take_lock()) return error(res, 423, "project already has running conflicting operations, scheduling of new ones is prohibited");
    for (size_t i = 0; i < m_branches.size(); ++i) {
      if (m_branches[i]["id"] != req.matches[2]) continue;
      if (m_branches[i].value("default", false)) return error(res, 400, "cannot delete the default branch");
      json branch = m_branches[i];
      m_branches.erase(i);
      const std::string id = branch["id"];
      json out = {{"branch", branch}, {"operations", json::array()}};
      out["operations"].push_back(new_operation(id, "", "suspend_compute"));
      out["operations"].push_back(new_operation(id, "", "delete_timeline"));
      return reply(res, 200, out);
    }
    error(res, 404, "branch not found");
  });

  server().Get(project + "/operations/([^/]+)", [this, known](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(m_mutex);
    if (!known(req, res)) return;
    const std::string id = req.matches[2];
    if (!m_operations.contains(id)) return error(res, 404, "operation not found");
    auto& entry = m_operations[id];
    entry["polls"] = entry["polls"].get<int>() + 1;
    if (entry["operation"]["status"] == "running" && entry["polls"].get<int>() >= m_options.polls_until_done)
      entry["operation"]["status"] = m_options.fail_operations ? "failed" : "finished";
    reply(res, 200, {{"operation", entry["operation"]}});
  });

  server().Get(project + "/connection_uri", [this, known](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(m_mutex);
    if (!known(req, res)) return;
    if (!req.has_param("database_name") || !req.has_param("role_name"))
      return error(res, 400, "database_name and role_name are required");
    if (req.get_param_value("database_name") != "neondb") return error(res, 404, "database not found");
    if (req.get_param_value("role_name") != "neondb_owner") return error(res, 404, "role not found");
    const std::string branch_id = req.has_param("branch_id") ? req.get_param_value("branch_id") : default_branch_id();
    for (const auto& e : m_endpoints)
      if (e["branch_id"] == branch_id && e["type"] == "read_write")
        return reply(res, 200, {{"uri", uri_for(e["host"], req.get_param_value("pooled") == "true")}});
    error(res, 404, "read_write endpoint not found for branch");
  });
}

} // namespace fanout::test
