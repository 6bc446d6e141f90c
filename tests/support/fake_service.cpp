#include "tests/support/fake_service.hpp"

#include <cctype>

namespace fanout::test {

namespace {

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

} // namespace

std::string RecordedRequest::header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

namespace {
// The request being handled on this server thread: the body is read after pre-routing,
// so the post-routing handler fills it in.
thread_local size_t t_current = 0;
} // namespace

FakeService::FakeService() { install_handlers(); }

FakeService::FakeService(const ServerTls& tls) : m_server(tls) { install_handlers(); }

void FakeService::install_handlers() {
  server().set_post_routing_handler([this](const httplib::Request& req, httplib::Response&) {
    std::lock_guard lock(m_mutex);
    if (t_current < m_requests.size() && m_requests[t_current].body.empty()) m_requests[t_current].body = req.body;
  });
  server().set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    RecordedRequest record{req.method, req.path, req.target, {}, {}, req.body};
    for (const auto& [key, value] : req.params) record.params[key] = value;
    for (const auto& [key, value] : req.headers) record.headers[lower(key)] = value;
    FakeFailure failure = FakeFailure::none;
    bool forbid = false;
    {
      std::lock_guard lock(m_mutex);
      t_current = m_requests.size();
      m_requests.push_back(std::move(record));
      if (m_forbid > 0) {
        --m_forbid;
        forbid = true;
      } else if (!m_queued.empty()) {
        failure = m_queued.front();
        m_queued.pop_front();
      } else {
        failure = m_always;
      }
    }
    if (!forbid && failure == FakeFailure::none && !authorized(req)) failure = FakeFailure::unauthorized;
    if (!forbid && failure == FakeFailure::none) return httplib::Server::HandlerResponse::Unhandled;
    const auto answers = failure_answers();
    const CannedAnswer& answer = forbid ? answers.forbidden : answers.failures.at(failure);
    if (failure == FakeFailure::rate_limited) res.set_header("Retry-After", std::to_string(m_retry_after.load()));
    for (const auto& [name, value] : answer.headers) res.set_header(name, value);
    res.status = answer.status;
    res.set_content(answer.body, answer.content_type);
    return httplib::Server::HandlerResponse::Handled;
  });
}

FakeService::~FakeService() { m_server.stop(); }

void FakeService::start() { m_server.start(); }

void FakeService::stop() { m_server.stop(); }

void FakeService::fail_next(FakeFailure failure, int count) {
  std::lock_guard lock(m_mutex);
  for (int i = 0; i < count; ++i) m_queued.push_back(failure);
}

void FakeService::forbid_next(int count) {
  std::lock_guard lock(m_mutex);
  m_forbid += count;
}

void FakeService::fail_always(FakeFailure failure) {
  std::lock_guard lock(m_mutex);
  m_always = failure;
}

void FakeService::set_retry_after(int seconds) {
  m_retry_after = seconds;
}

std::vector<RecordedRequest> FakeService::requests() const {
  std::lock_guard lock(m_mutex);
  return m_requests;
}

std::vector<RecordedRequest> FakeService::requests(const std::string& method, const std::string& path) const {
  std::vector<RecordedRequest> out;
  for (auto& r : requests())
    if (r.method == method && r.path == path) out.push_back(r);
  return out;
}

} // namespace fanout::test
