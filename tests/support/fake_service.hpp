#pragma once
// FakeService: what every fake remote service shares: a LocalServer, recorded requests,
// an auth check and switchable failures (401/404/429/500/garbage) answered before routing.

#include "tests/support/local_server.hpp"

#include <atomic>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace fanout::test {

/// One request as the fake received it.
struct RecordedRequest {
  std::string method;
  std::string path;   ///< without the query
  std::string target; ///< path and query, as sent
  std::map<std::string, std::string> params;
  std::map<std::string, std::string> headers; ///< names lower-cased
  std::string body;

  std::string header(const std::string& lower_name) const;
};

/// What a fake can be told to answer instead of the real thing.
enum class FakeFailure {
  none,
  unauthorized,  ///< 401 as the service sends it
  not_found,     ///< 404 as the service sends it
  rate_limited,  ///< 429 with Retry-After (or the service's own rate-limit shape)
  server_error,  ///< 500
  garbage,       ///< 200 with a body that is not JSON
};

/// An answer the fake sends whatever the route: status, body, content type, headers.
struct CannedAnswer {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
};

/// How a service answers each failure (every FakeFailure but none) and a forbidden request.
struct FailureAnswers {
  std::map<FakeFailure, CannedAnswer> failures;
  CannedAnswer forbidden{403, R"({"message":"Forbidden"})"};
};

/// Where comment `id` is among `issues`' comments, kept as `comments` with their ids side by
/// side in `comment_ids` (the Linear and Jira fakes): the issue and the index, or nullptr.
template <typename Issue>
std::pair<Issue*, size_t> find_comment(std::vector<Issue>& issues, const std::string& id) {
  for (auto& issue : issues)
    for (size_t i = 0; i < issue.comment_ids.size(); ++i)
      if (issue.comment_ids[i] == id) return {&issue, i};
  return {nullptr, 0};
}

/// Erases comment `id` (see find_comment); false when no issue has it.
template <typename Issue>
bool erase_comment(std::vector<Issue>& issues, const std::string& id) {
  auto [issue, index] = find_comment(issues, id);
  if (!issue) return false;
  issue->comments.erase(issue->comments.begin() + long(index));
  issue->comment_ids.erase(issue->comment_ids.begin() + long(index));
  return true;
}

class FakeService {
public:
  FakeService();
  /// The same over HTTPS (a Kubernetes API server has its own CA).
  explicit FakeService(const ServerTls& tls);
  virtual ~FakeService();

  /// Base URL of the fake ("http://127.0.0.1:<port>").
  std::string url() const { return m_server.url(); }

  /// Answers the next `count` requests with `failure` (queued after earlier ones).
  void fail_next(FakeFailure failure, int count = 1);
  /// Answers the next `count` requests with the service's 403 (a token without the needed
  /// scope or permission, not a rate limit); see FailureAnswers::forbidden.
  void forbid_next(int count = 1);
  /// Answers every request with `failure` until called again with FakeFailure::none.
  void fail_always(FakeFailure failure);
  /// Seconds put in Retry-After when answering FakeFailure::rate_limited.
  void set_retry_after(int seconds);

  /// Every request received so far, in order (including failed ones).
  std::vector<RecordedRequest> requests() const;
  /// Requests whose method and path match.
  std::vector<RecordedRequest> requests(const std::string& method, const std::string& path) const;

protected:
  /// Registers routes on `server()`; call start() at the end of the derived constructor.
  httplib::Server& server() { return m_server.server(); }
  void start();
  /// Stops serving. Derived destructors call it first, so no handler runs into a
  /// half-destroyed object.
  void stop();

  /// True when the request carries valid credentials. Called for every request.
  virtual bool authorized(const httplib::Request& request) const = 0;
  /// The service's own answers to failures (its 401 body, its 404 body...) and its 403.
  /// FakeService adds Retry-After (set_retry_after()) to the rate-limited one.
  virtual FailureAnswers failure_answers() const = 0;

  /// Guards the derived class's state; handlers run on the server's threads.
  mutable std::mutex m_mutex;
  std::atomic<int> m_retry_after{1};

private:
  void install_handlers();

  LocalServer m_server;
  std::deque<FakeFailure> m_queued;
  FakeFailure m_always = FakeFailure::none;
  int m_forbid = 0;
  std::vector<RecordedRequest> m_requests;
};

} // namespace fanout::test
