#pragma once
// The wire shapes of the two model APIs the fake model server speaks, from their public
// references: Anthropic Messages (SSE events message_start, content_block_start/delta/stop,
// message_delta, message_stop, error; the message object; the error body) and OpenAI
// Responses (SSE events response.created, response.output_item.added/done,
// response.output_text.delta, response.function_call_arguments.delta, response.completed,
// response.failed; the error body). Pure functions: tests/support/fake_model_server.cpp
// does the serving.

#include "tests/support/fake_model_server.hpp"

#include <string>

namespace fanout::test::model_wire {

/// The content a turn renders to, in the neutral form both APIs are made from: either text
/// or one tool call (name + input).
struct Rendered {
  bool tool = false;
  std::string text;
  std::string tool_name;
  nlohmann::json input;
};
/// Anthropic: shell -> Bash, write_file -> Write, structured -> StructuredOutput.
Rendered for_anthropic(const ModelTurn& turn);
/// OpenAI (codex): shell and write_file -> exec_command, structured -> the JSON as text.
Rendered for_openai(const ModelTurn& turn);

/// One SSE event: "event: <name>\ndata: <json>\n\n".
std::string sse(const std::string& name, const nlohmann::json& data);

/// Messages API stream of a successful turn, split where a failing stream may stop: the
/// first element is message_start, the rest follow.
std::vector<std::string> anthropic_stream(const Rendered& content, const ModelUsage& usage, const std::string& model,
                                          const std::string& id);
/// The non-streaming message object.
nlohmann::json anthropic_message(const Rendered& content, const ModelUsage& usage, const std::string& model,
                                 const std::string& id);
/// {"type":"error","error":{"type":...,"message":...}}
nlohmann::json anthropic_error(const std::string& type, const std::string& message);
/// The default Anthropic error type of an HTTP status (401 authentication_error, ...).
std::string anthropic_error_type(int status);

/// Responses API stream of a successful turn: the first element is response.created.
std::vector<std::string> openai_stream(const Rendered& content, const ModelUsage& usage, const std::string& model,
                                       const std::string& id);
/// A response.failed event after response.created (the stream's own error).
std::string openai_failed(const std::string& code, const std::string& message, const std::string& model,
                          const std::string& id);
/// {"error":{"message":...,"type":...,"param":null,"code":...}}
nlohmann::json openai_error(int status, const std::string& code, const std::string& message);

} // namespace fanout::test::model_wire
