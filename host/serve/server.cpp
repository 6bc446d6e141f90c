#include "host/serve/server.hpp"

#include "host/app/run_actions.hpp"
#include "host/pipeline/run_status.hpp"
#include "host/serve/detached.hpp"
#include "host/serve/page.hpp"
#include "host/serve/token.hpp"
#include "host/serve/transcript_feed.hpp"
#include "host/services/secrets.hpp"
#include "host/state/state_db.hpp"
#include "host/util/error.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <httplib.h>

#include <iostream>

#include <sys/socket.h>

namespace fanout::serve {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* k_token_header = "X-Fanout-Token";
constexpr auto k_keepalive = std::chrono::seconds(15);

void security_headers(httplib::Response& response) {
  response.set_header("Cache-Control", "no-store");
  response.set_header("X-Content-Type-Options", "nosniff");
  // The token is in the address: never send it to a PR link or anywhere else.
  response.set_header("Referrer-Policy", "no-referrer");
  response.set_header("X-Frame-Options", "DENY");
}

bool wants_html(const httplib::Request& request) {
  return request.get_header_value("Accept").find("text/html") != std::string::npos;
}

void send_json(httplib::Response& response, const json& body, int status = 200) {
  response.status = status;
  response.set_content(body.dump(), "application/json");
}

void refuse(const httplib::Request& request, httplib::Response& response, int status, const std::string& message) {
  response.status = status;
  if (wants_html(request))
    response.set_content(refusal_html(status, message), "text/html; charset=utf-8");
  else
    response.set_content(json{{"error", message}}.dump(), "application/json");
}

/// One server-sent event; `data` is a single line of JSON.
bool send_event(httplib::DataSink& sink, const char* name, const std::string& data) {
  const std::string event = fmt::format("event: {}\ndata: {}\n\n", name, data);
  return sink.write(event.data(), event.size());
}

bool send_keepalive(httplib::DataSink& sink) {
  static constexpr char k_comment[] = ": keep-alive\n\n";
  return sink.write(k_comment, sizeof k_comment - 1);
}

} // namespace

Dashboard::Dashboard(DashboardOptions options)
    : m_options(std::move(options)), m_token(random_token()), m_executable(own_executable()),
      m_server(std::make_unique<httplib::Server>()),
      m_watch(state::StateDb::path_for(m_options.repo_root), m_options.watch_interval) {
  // Each open page holds one thread for its event stream.
  m_server->new_task_queue = [] { return new httplib::ThreadPool(32); };
  m_server->set_payload_max_length(64 << 10);
  // httplib's default adds SO_REUSEPORT, which lets a second server bind the same port and
  // share its connections: a port in use must be an error instead.
  m_server->set_socket_options([](int socket) {
    int yes = 1;
    ::setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  routes();
}

Dashboard::~Dashboard() { stop(); }

void Dashboard::bind() {
  const bool bound = m_options.port == 0 ? (m_port = m_server->bind_to_any_port(m_options.listen)) > 0
                                         : m_server->bind_to_port(m_options.listen, m_options.port);
  if (!bound && m_options.port == 0)
    throw UserError(fmt::format("cannot listen on \"{}\" (not an address of this machine)", m_options.listen));
  if (!bound)
    throw UserError(fmt::format("cannot listen on {}:{} (in use, or not an address of this machine)", m_options.listen,
                                m_options.port));
  if (m_options.port != 0) m_port = m_options.port;
}

void Dashboard::serve() { m_server->listen_after_bind(); }

void Dashboard::stop() {
  m_watch.stop(); // event streams see it and end, so the server's threads can finish
  m_server->stop();
}

std::string Dashboard::url() const {
  const std::string host = m_options.listen.find(':') != std::string::npos ? "[" + m_options.listen + "]" : m_options.listen;
  return fmt::format("http://{}:{}/?token={}", host, m_port, m_token);
}

bool Dashboard::authorized(const httplib::Request& request, httplib::Response& response) const {
  const bool post = request.method != "GET" && request.method != "HEAD";
  std::string given = request.get_header_value(k_token_header);
  if (given.empty() && !post) given = request.get_param_value("token");
  if (given.empty()) {
    if (post && request.has_param("token")) { // in the address (a form body is not read yet here)
      refuse(request, response, 403,
             "actions take the access token in the X-Fanout-Token header, not in the address or a form (use the "
             "dashboard's buttons)");
      return false;
    }
    refuse(request, response, 401,
           "missing access token: open the address that \"fanout serve\" printed (it ends in ?token=...)");
    return false;
  }
  if (!token_matches(given, m_token)) {
    refuse(request, response, 403,
           "wrong access token: open the address that \"fanout serve\" printed; a restarted server has a new token");
    return false;
  }
  if (post) {
    // A page of another site cannot add our header without a CORS preflight, which this
    // server never grants; a present Origin must still be this server's own.
    const std::string origin = request.get_header_value("Origin");
    const std::string own = "http://" + request.get_header_value("Host");
    if (!origin.empty() && origin != own) {
      refuse(request, response, 403, fmt::format("cross-origin request refused (origin \"{}\")", origin));
      return false;
    }
  }
  return true;
}

void Dashboard::routes() {
  auto& server = *m_server;
  server.set_pre_routing_handler([this](const httplib::Request& request, httplib::Response& response) {
    security_headers(response);
    return authorized(request, response) ? httplib::Server::HandlerResponse::Unhandled
                                         : httplib::Server::HandlerResponse::Handled;
  });

  auto page = [](const httplib::Request&, httplib::Response& response) {
    const std::string nonce = random_token().substr(0, 32);
    response.set_header("Content-Security-Policy",
                        fmt::format("default-src 'none'; script-src 'nonce-{0}'; style-src 'nonce-{0}'; "
                                    "connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'",
                                    nonce));
    response.set_content(page_html(nonce), "text/html; charset=utf-8");
  };
  server.Get("/", page);
  server.Get("/run", page);

  server.Get("/api/fleet", [this](const httplib::Request&, httplib::Response& response) {
    send_json(response, fleet_json(m_options.repo_root, m_options.budget));
  });
  server.Get("/api/run", [this](const httplib::Request& request, httplib::Response& response) {
    const std::string issue = request.get_param_value("issue");
    auto run = run_json(m_options.repo_root, issue);
    if (!run) return refuse(request, response, 404, fmt::format("no run for issue \"{}\"", issue));
    send_json(response, *run);
  });
  server.Get("/api/diff", [this](const httplib::Request& request, httplib::Response& response) {
    response.set_content(run_diff(m_options.repo_root, request.get_param_value("issue")), "text/plain; charset=utf-8");
  });

  server.Get("/events/fleet", [this](const httplib::Request&, httplib::Response& response) {
    struct Stream {
      std::uint64_t seen = ~std::uint64_t{0};
      std::string last;
    };
    auto stream = std::make_shared<Stream>();
    response.set_chunked_content_provider("text/event-stream", [this, stream](size_t, httplib::DataSink& sink) {
      const auto generation = m_watch.wait_change(stream->seen, k_keepalive);
      if (m_watch.stopped()) return false;
      if (generation == stream->seen) return send_keepalive(sink);
      stream->seen = generation;
      std::string data = fleet_json(m_options.repo_root, m_options.budget).dump();
      if (data == stream->last) return true;
      stream->last = std::move(data);
      return send_event(sink, "fleet", stream->last);
    });
  });

  server.Get("/events/run", [this](const httplib::Request& request, httplib::Response& response) {
    struct Stream {
      std::string issue;
      std::uint64_t seen = ~std::uint64_t{0};
      std::string last;
      TranscriptFeed feed;
      std::chrono::steady_clock::time_point quiet_since = std::chrono::steady_clock::now();
    };
    const std::string issue = request.get_param_value("issue");
    auto stream = std::make_shared<Stream>(
        Stream{issue, ~std::uint64_t{0}, "", TranscriptFeed(pipeline::run_dir(pipeline::runs_dir(m_options.repo_root), issue)), {}});
    response.set_chunked_content_provider("text/event-stream", [this, stream](size_t, httplib::DataSink& sink) {
      // Transcripts are files another process appends to: look at them every 200 ms.
      const auto generation = m_watch.wait_change(stream->seen, std::chrono::milliseconds(200));
      if (m_watch.stopped()) return false;
      bool sent = false;
      if (generation != stream->seen) {
        stream->seen = generation;
        auto run = run_json(m_options.repo_root, stream->issue);
        std::string data = run ? run->dump() : json{{"error", "no run for issue \"" + stream->issue + "\""}}.dump();
        if (data != stream->last) {
          stream->last = std::move(data);
          if (!send_event(sink, "run", stream->last)) return false;
          sent = true;
        }
      }
      auto lines = stream->feed.poll();
      if (!lines.empty()) {
        if (!send_event(sink, "transcript", lines.dump())) return false;
        sent = true;
      }
      const auto now = std::chrono::steady_clock::now();
      if (sent) stream->quiet_since = now;
      if (now - stream->quiet_since > k_keepalive) {
        stream->quiet_since = now;
        return send_keepalive(sink);
      }
      return true;
    });
  });

  for (const char* name : {"approve", "resume", "review", "cancel"}) {
    const std::string path = std::string("/api/actions/") + name;
    server.Post(path, [this, name](const httplib::Request& request, httplib::Response& response) {
      action(name, request, response);
    });
    server.Get(path, [](const httplib::Request& request, httplib::Response& response) {
      refuse(request, response, 405, "actions change state: they take POST (the dashboard's buttons), never GET");
    });
  }
}

void Dashboard::action(const std::string& name, const httplib::Request& request, httplib::Response& response) {
  std::string issue = request.get_param_value("issue");
  if (issue.empty() && request.get_header_value("Content-Type").find("application/json") != std::string::npos) {
    auto body = json::parse(request.body, nullptr, false);
    if (body.is_object() && body.contains("issue") && body["issue"].is_string()) issue = body["issue"];
  }
  if (issue.empty()) return refuse(request, response, 400, "name the issue (\"issue\" in the request body)");
  auto& secrets = services::SecretRegistry::global();
  try {
    const fs::path db = state::StateDb::path_for(m_options.repo_root);
    if (!fs::exists(db)) throw UserError(fmt::format("no run for issue \"{}\" (start one with: fanout run {})", issue, issue));
    pipeline::RunStore store(db);
    std::string message;
    if (name == "cancel") {
      const auto cancelled = app::cancel(store, issue);
      message = fmt::format("asked process {} to stop run \"{}\"", cancelled.pid, issue);
      if (!cancelled.others.empty())
        message += fmt::format(" (and the runs it also drives: {})", fmt::join(cancelled.others, ", "));
    } else {
      if (name == "approve") app::approvable(store, issue);
      if (name == "resume") app::resumable(store, {issue});
      if (name == "review") app::reviewable(store, issue);
      const fs::path log = pipeline::run_dir(pipeline::runs_dir(m_options.repo_root), issue) / "dashboard.log";
      const pid_t pid =
          start_detached({m_executable.string(), "-C", m_options.repo_root.string(), name, issue}, log);
      message = fmt::format("started \"fanout {} {}\" as process {} (output: {})", name, issue, pid,
                            fs::relative(log, m_options.repo_root).string());
    }
    std::cout << "fanout serve: " << secrets.redact(message) << std::endl;
    send_json(response, redacted({{"ok", true}, {"message", message}}));
  } catch (const UserError& e) {
    refuse(request, response, 409, secrets.redact(e.what()));
  }
}

} // namespace fanout::serve
