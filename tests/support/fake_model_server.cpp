#include "tests/support/fake_model_server.hpp"

#include "tests/support/model_api_wire.hpp"

#include <cctype>
#include <functional>

namespace fanout::test {

using nlohmann::json;
namespace wire = model_wire;

// Designated initializers name each turn's fields; the rest keep their defaults.
ModelTurn ModelTurn::answer(std::string text, ModelUsage usage) { return {.text = std::move(text), .usage = usage}; }

ModelTurn ModelTurn::tool_call(std::string tool, json input, ModelUsage usage) {
  return {.kind = Kind::tool_call, .tool = std::move(tool), .input = std::move(input), .usage = usage};
}

ModelTurn ModelTurn::shell(std::string command, ModelUsage usage) {
  return {.kind = Kind::shell, .text = std::move(command), .usage = usage};
}

ModelTurn ModelTurn::write_file(std::string path, std::string content, ModelUsage usage) {
  return {.kind = Kind::write_file, .path = std::move(path), .content = std::move(content), .usage = usage};
}

ModelTurn ModelTurn::structured(json output, ModelUsage usage) {
  return {.kind = Kind::structured, .input = std::move(output), .usage = usage};
}

ModelTurn ModelTurn::http_error(int status, std::string type, std::string message, int retry_after) {
  return {.kind = Kind::http_error,
          .status = status,
          .error_type = std::move(type),
          .error_message = std::move(message),
          .retry_after = retry_after};
}

ModelTurn ModelTurn::unauthorized() { return http_error(401, "authentication_error", "invalid x-api-key"); }

ModelTurn ModelTurn::rate_limited(int retry_after) {
  return http_error(429, "rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit",
                    retry_after);
}

ModelTurn ModelTurn::server_error() { return http_error(500, "api_error", "Internal server error"); }

ModelTurn ModelTurn::overloaded() { return http_error(529, "overloaded_error", "Overloaded"); }

ModelTurn ModelTurn::stream_error(std::string type, std::string message) {
  return {.kind = Kind::stream_error, .error_type = std::move(type), .error_message = std::move(message)};
}

ModelTurn ModelTurn::stream_cut() { return {.kind = Kind::stream_cut}; }

ModelTurn ModelTurn::hang() { return {.kind = Kind::hang}; }

ModelTurn ModelTurn::times(int count) && {
  repeat = count;
  return std::move(*this);
}

namespace {

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

/// The OpenAI error code for an Anthropic-style error type (turns are written once for both).
std::string openai_code(const std::string& type) {
  if (type == "authentication_error") return "invalid_api_key";
  if (type == "rate_limit_error") return "rate_limit_exceeded";
  if (type == "overloaded_error") return "server_is_overloaded";
  if (type == "api_error") return "server_error";
  return type;
}

void each_string(const json& value, const std::function<void(const std::string&)>& visit) {
  if (value.is_string()) visit(value.get_ref<const std::string&>());
  else if (value.is_structured())
    for (const auto& item : value) each_string(item, visit);
}

} // namespace

FakeModelServer::FakeModelServer() {
  auto& server = m_server.server();
  server.Post("/v1/messages", [this](const httplib::Request& q, httplib::Response& r) { handle(Api::anthropic, q, r); });
  server.Post("/v1/responses", [this](const httplib::Request& q, httplib::Response& r) { handle(Api::openai, q, r); });
  server.Post("/v1/messages/count_tokens", [this](const httplib::Request& q, httplib::Response& r) {
    record(q);
    // A rough count, as the CLI only shows it: about four characters a token.
    r.set_content(json{{"input_tokens", static_cast<long>(q.body.size() / 4)}}.dump(), "application/json");
  });
  auto unknown = [this](const httplib::Request& q, httplib::Response& r) {
    record(q);
    r.status = 404;
    r.set_content(wire::anthropic_error("not_found_error", "fake model server: no route " + q.path).dump(),
                  "application/json");
  };
  server.Get(".*", unknown);
  server.Post(".*", unknown);
  m_server.start();
}

FakeModelServer::~FakeModelServer() {
  release_hangs();
  m_server.stop();
}

void FakeModelServer::push(ModelTurn turn) {
  std::lock_guard lock(m_mutex);
  m_turns.push_back(std::move(turn));
}

size_t FakeModelServer::pending() const {
  std::lock_guard lock(m_mutex);
  return m_turns.size();
}

int FakeModelServer::unscripted() const {
  std::lock_guard lock(m_mutex);
  return m_unscripted;
}

void FakeModelServer::release_hangs() {
  {
    std::lock_guard lock(m_mutex);
    m_released = true;
  }
  m_released_cv.notify_all();
}

void FakeModelServer::wait_released() {
  std::unique_lock lock(m_mutex);
  m_released_cv.wait(lock, [this] { return m_released; });
}

std::vector<RecordedRequest> FakeModelServer::requests() const {
  std::lock_guard lock(m_mutex);
  return m_requests;
}

std::vector<RecordedRequest> FakeModelServer::turn_requests() const {
  std::lock_guard lock(m_mutex);
  std::vector<RecordedRequest> out;
  for (size_t i : m_turn_requests) out.push_back(m_requests[i]);
  return out;
}

bool FakeModelServer::saw_text(const std::string& needle) const {
  bool found = false;
  for (const auto& request : requests()) {
    auto body = json::parse(request.body, nullptr, false);
    if (body.is_discarded()) continue;
    each_string(body, [&](const std::string& s) { found = found || s.find(needle) != std::string::npos; });
    if (found) return true;
  }
  return false;
}

std::pair<double, double> FakeModelServer::price_per_mtok(const std::string& model) {
  if (model.rfind("claude-sonnet-4", 0) == 0) return {3, 15};
  if (model.rfind("claude-haiku-4", 0) == 0) return {1, 5};
  return {0, 0};
}

ModelBill FakeModelServer::billed(size_t from, size_t count) const {
  std::lock_guard lock(m_mutex);
  ModelBill bill;
  for (size_t i = from; i < m_billed.size() && i - from < count; ++i) {
    const auto& [model, usage] = m_billed[i];
    auto [in_price, out_price] = price_per_mtok(model);
    ++bill.turns;
    bill.input_tokens += usage.input_tokens;
    bill.output_tokens += usage.output_tokens;
    bill.cost_usd += (usage.input_tokens * in_price + usage.output_tokens * out_price) / 1e6;
  }
  return bill;
}

size_t FakeModelServer::billed_turns() const {
  std::lock_guard lock(m_mutex);
  return m_billed.size();
}

size_t FakeModelServer::record(const httplib::Request& q) {
  RecordedRequest record{q.method, q.path, q.target, {}, {}, q.body};
  for (const auto& [key, value] : q.params) record.params[key] = value;
  for (const auto& [key, value] : q.headers) record.headers[lower(key)] = value;
  std::lock_guard lock(m_mutex);
  m_requests.push_back(std::move(record));
  return m_requests.size() - 1;
}

void FakeModelServer::bill(const std::string& model, const ModelUsage& usage) {
  std::lock_guard lock(m_mutex);
  m_billed.push_back({model, usage});
}

ModelTurn FakeModelServer::next_turn(size_t request_index, bool& found) {
  std::lock_guard lock(m_mutex);
  found = !m_turns.empty();
  if (!found) {
    ++m_unscripted;
    return {};
  }
  ModelTurn turn = m_turns.front();
  if (turn.repeat > 0 && --m_turns.front().repeat == 0) m_turns.pop_front();
  m_turn_requests.push_back(request_index);
  return turn;
}

void FakeModelServer::handle(Api api, const httplib::Request& request, httplib::Response& response) {
  bool anthropic = api == Api::anthropic;
  size_t index = record(request);
  auto send_error = [&](int status, const std::string& type, const std::string& message, int retry_after) {
    response.status = anthropic || status != 529 ? status : 503;
    if (retry_after >= 0) response.set_header("retry-after", std::to_string(retry_after));
    json body = anthropic ? wire::anthropic_error(type, message) : wire::openai_error(status, openai_code(type), message);
    response.set_content(body.dump(), "application/json");
  };

  std::string key = anthropic ? request.get_header_value("x-api-key") : "";
  std::string bearer = request.get_header_value("Authorization");
  if (key != api_key() && bearer != "Bearer " + api_key())
    return send_error(401, "authentication_error", anthropic ? "invalid x-api-key" : "Incorrect API key provided", -1);

  auto body = json::parse(request.body, nullptr, false);
  std::string model = body.is_object() ? body.value("model", std::string("unknown")) : "unknown";
  bool stream = body.is_object() && body.value("stream", !anthropic);

  bool found = false;
  ModelTurn turn = next_turn(index, found);
  if (!found)
    return send_error(400, "invalid_request_error", "fake model server: no scripted turn left for this request", -1);

  std::string id;
  {
    std::lock_guard lock(m_mutex);
    id = std::to_string(++m_counter);
  }
  switch (turn.kind) {
  case ModelTurn::Kind::http_error:
    return send_error(turn.status, turn.error_type.empty() ? wire::anthropic_error_type(turn.status) : turn.error_type,
                      turn.error_message, turn.retry_after);
  case ModelTurn::Kind::hang: wait_released(); return;
  case ModelTurn::Kind::stream_error:
    // A request that asked for no stream (claude's fallback after a broken stream) gets
    // the same error as an HTTP status.
    if (!stream)
      return send_error(turn.error_type == "overloaded_error" ? 529 : 500, turn.error_type, turn.error_message, -1);
    break;
  default: break;
  }

  auto content = anthropic ? wire::for_anthropic(turn) : wire::for_openai(turn);
  std::vector<std::string> events =
      anthropic ? wire::anthropic_stream(content, turn.usage, model, id) : wire::openai_stream(content, turn.usage, model, id);
  bool cut = false;
  if (turn.kind == ModelTurn::Kind::stream_error) {
    std::string failure = anthropic ? wire::sse("error", wire::anthropic_error(turn.error_type, turn.error_message))
                                    : wire::openai_failed(openai_code(turn.error_type), turn.error_message, model, id);
    events = {events.front(), failure};
  } else if (turn.kind == ModelTurn::Kind::stream_cut) {
    events = {events.front()};
    cut = true;
  } else {
    bill(model, turn.usage);
  }

  if (anthropic && !stream && !cut) {
    response.set_content(wire::anthropic_message(content, turn.usage, model, id).dump(), "application/json");
    return;
  }
  response.set_header("Cache-Control", "no-cache");
  response.set_chunked_content_provider("text/event-stream", [events, cut](size_t, httplib::DataSink& sink) {
    for (const auto& event : events)
      if (!sink.write(event.data(), event.size())) return false;
    if (cut) return false; // closes the connection mid-stream
    sink.done();
    return true;
  });
}

} // namespace fanout::test
