#pragma once
// FakeModelServer: a local model-API server that the REAL agent CLIs (claude, codex) talk
// to in tests, written from the public API references: the Anthropic Messages API
// (`POST /v1/messages`, streaming SSE and not, `POST /v1/messages/count_tokens`) and the
// OpenAI Responses API (`POST /v1/responses`, SSE). The test scripts the conversation.
//
// Usage:
//   FakeModelServer api;                                  // 127.0.0.1:<random port>
//   api.push(ModelTurn::write_file("hello.txt", "hi\n")); // claude: Write tool; codex: a shell command
//   api.push(ModelTurn::shell("git add -A && git commit -qm 'add hello'"));
//   api.push(ModelTurn::answer("done", {1200, 80}));      // final text, billed 1200 in / 80 out
//   auto env = real_agents::claude_env(api, home);        // tests/support/real_agents.hpp
//   ... run claude or codex ...
//   CHECK(api.saw_text("the title"));             // the prompt arrived
//   CHECK(api.billed().cost_usd == Approx(result.cost_usd));
//
// Every request takes the next turn from ONE queue, whichever API it came in on; the turn
// is rendered in that API's shape (a shell turn is a `Bash` tool_use for claude and an
// `exec_command` function_call for codex). A test driving both CLIs uses one server each.
// A request with no turn left is answered 400 ("no scripted turn left") and counted in
// unscripted(). Requests without the right key (api_key(): `x-api-key` for Anthropic,
// `Authorization: Bearer` for OpenAI) are answered 401 and take no turn.
// Thread-safe; hanging requests are released by release_hangs() or destruction.

#include "tests/support/fake_service.hpp"
#include "tests/support/local_server.hpp"

#include <nlohmann/json.hpp>

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

namespace fanout::test {

/// Tokens a turn bills (what the usage fields of the answer say).
struct ModelUsage {
  long input_tokens = 10;
  long output_tokens = 5;
};

/// One scripted answer of the model (or failure of the API).
struct ModelTurn {
  enum class Kind {
    answer,       ///< final text (`end_turn` / a completed message)
    tool_call,    ///< a tool call by name and input (`tool_use` / `function_call`)
    shell,        ///< run `text` with the CLI's shell tool
    write_file,   ///< write `content` to `path` (claude: Write; codex: a shell command)
    structured,   ///< structured output `input` (claude: StructuredOutput tool; codex: the JSON as text)
    http_error,   ///< HTTP `status` with the API's error body (and retry-after when >= 0)
    stream_error, ///< 200, the stream starts, then the API's error event of `error_type` (a
                  ///< request without `stream` gets the error as HTTP 500, or 529 when overloaded)
    stream_cut,   ///< 200, the stream starts, then the connection closes
    hang,         ///< never answers (until release_hangs() or the server stops)
  };
  Kind kind = Kind::answer;
  std::string text;     ///< answer text, or the shell command
  std::string tool;     ///< tool_call: the tool's name
  nlohmann::json input; ///< tool_call / structured: the input
  std::string path, content;
  ModelUsage usage;
  int status = 0;
  std::string error_type; ///< Anthropic error type ("overloaded_error") or OpenAI error code
  std::string error_message;
  int retry_after = -1;
  /// Served this many times in a row (-1: for every request from then on).
  int repeat = 1;

  static ModelTurn answer(std::string text, ModelUsage usage = {});
  static ModelTurn tool_call(std::string tool, nlohmann::json input, ModelUsage usage = {});
  static ModelTurn shell(std::string command, ModelUsage usage = {});
  static ModelTurn write_file(std::string path, std::string content, ModelUsage usage = {});
  static ModelTurn structured(nlohmann::json output, ModelUsage usage = {});
  static ModelTurn http_error(int status, std::string type, std::string message, int retry_after = -1);
  static ModelTurn unauthorized();                 ///< 401 authentication_error / invalid_api_key
  static ModelTurn rate_limited(int retry_after); ///< 429 with retry-after
  static ModelTurn server_error();                 ///< 500 api_error / server_error
  static ModelTurn overloaded();                   ///< 529 overloaded_error (OpenAI: 503)
  static ModelTurn stream_error(std::string type = "overloaded_error", std::string message = "Overloaded");
  static ModelTurn stream_cut();
  static ModelTurn hang();
  /// This turn for `count` requests in a row (-1: forever).
  ModelTurn times(int count) &&;
};

/// What the server billed: the sum of the usage of the turns it answered.
struct ModelBill {
  int turns = 0;
  long input_tokens = 0;
  long output_tokens = 0;
  /// At the list price of the requested model (price_per_mtok()); 0 for unknown models.
  double cost_usd = 0;
};

class FakeModelServer {
public:
  FakeModelServer();
  ~FakeModelServer();
  FakeModelServer(const FakeModelServer&) = delete;
  FakeModelServer& operator=(const FakeModelServer&) = delete;

  /// "http://127.0.0.1:<port>" (Anthropic base URL; OpenAI's is url() + "/v1").
  std::string url() const { return m_server.url(); }
  /// The API key the server accepts.
  static std::string api_key() { return "sk-fanout-test-3f9c1e7a"; }

  /// Appends a turn to the script.
  void push(ModelTurn turn);
  /// Turns not yet served.
  size_t pending() const;
  /// Requests that found no turn left.
  int unscripted() const;
  /// Ends every hanging request (their clients see the connection close).
  void release_hangs();

  /// Every request received (count_tokens and refused ones included), in order.
  std::vector<RecordedRequest> requests() const;
  /// The model requests (`/v1/messages`, `/v1/responses`) that took a turn.
  std::vector<RecordedRequest> turn_requests() const;
  /// True when some string in some request body contains `needle` (prompts, tool results).
  bool saw_text(const std::string& needle) const;
  /// Usage billed for `count` answered turns from number `from` on (0-based, in serving
  /// order; failed turns are not billed and not counted).
  ModelBill billed(size_t from = 0, size_t count = SIZE_MAX) const;
  /// Number of turns answered with usage so far (a mark for billed(from)).
  size_t billed_turns() const;

  /// USD per million input and output tokens of the Anthropic list price for `model`
  /// ("claude-sonnet-4-5": 3 and 15; what claude 2.1.332 charges); {0, 0} when unknown.
  static std::pair<double, double> price_per_mtok(const std::string& model);

private:
  enum class Api { anthropic, openai };
  void handle(Api api, const httplib::Request& request, httplib::Response& response);
  /// Records the request; its index in m_requests.
  size_t record(const httplib::Request& request);
  ModelTurn next_turn(size_t request_index, bool& found);
  void bill(const std::string& model, const ModelUsage& usage);
  void wait_released();

  mutable std::mutex m_mutex;
  std::condition_variable m_released_cv;
  bool m_released = false;
  std::deque<ModelTurn> m_turns;
  std::vector<RecordedRequest> m_requests;
  std::vector<size_t> m_turn_requests; ///< indexes into m_requests
  struct Billed {
    std::string model;
    ModelUsage usage;
  };
  std::vector<Billed> m_billed;
  int m_unscripted = 0;
  int m_counter = 0;
  LocalServer m_server; ///< last: stops first
};

} // namespace fanout::test
