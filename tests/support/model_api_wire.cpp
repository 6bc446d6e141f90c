#include "tests/support/model_api_wire.hpp"

#include "tests/support/shell.hpp"

namespace fanout::test::model_wire {

using nlohmann::json;

Rendered for_anthropic(const ModelTurn& turn) {
  switch (turn.kind) {
  case ModelTurn::Kind::tool_call: return {true, "", turn.tool, turn.input};
  case ModelTurn::Kind::shell: return {true, "", "Bash", {{"command", turn.text}, {"description", "run a command"}}};
  case ModelTurn::Kind::write_file:
    return {true, "", "Write", {{"file_path", turn.path}, {"content", turn.content}}};
  case ModelTurn::Kind::structured: return {true, "", "StructuredOutput", turn.input};
  default: return {false, turn.text, "", nullptr};
  }
}

Rendered for_openai(const ModelTurn& turn) {
  switch (turn.kind) {
  case ModelTurn::Kind::tool_call: return {true, "", turn.tool, turn.input};
  case ModelTurn::Kind::shell: return {true, "", "exec_command", {{"cmd", turn.text}}};
  case ModelTurn::Kind::write_file:
    return {true, "", "exec_command", {{"cmd", "printf '%s' " + shell_quote(turn.content) + " > " + shell_quote(turn.path)}}};
  case ModelTurn::Kind::structured: return {false, turn.input.dump(), "", nullptr};
  default: return {false, turn.text, "", nullptr};
  }
}

std::string sse(const std::string& name, const json& data) {
  return "event: " + name + "\ndata: " + data.dump() + "\n\n";
}

std::vector<std::string> anthropic_stream(const Rendered& content, const ModelUsage& usage, const std::string& model,
                                          const std::string& id) {
  std::vector<std::string> events;
  json start_usage = {{"input_tokens", usage.input_tokens},
                      {"output_tokens", 1},
                      {"cache_creation_input_tokens", 0},
                      {"cache_read_input_tokens", 0}};
  events.push_back(sse("message_start", {{"type", "message_start"},
                                         {"message",
                                          {{"id", id},
                                           {"type", "message"},
                                           {"role", "assistant"},
                                           {"model", model},
                                           {"content", json::array()},
                                           {"stop_reason", nullptr},
                                           {"stop_sequence", nullptr},
                                           {"usage", start_usage}}}}));
  events.push_back(sse("ping", {{"type", "ping"}}));
  json block, delta;
  if (content.tool) {
    block = {{"type", "tool_use"}, {"id", "toolu_" + id}, {"name", content.tool_name}, {"input", json::object()}};
    delta = {{"type", "input_json_delta"}, {"partial_json", content.input.dump()}};
  } else {
    block = {{"type", "text"}, {"text", ""}};
    delta = {{"type", "text_delta"}, {"text", content.text}};
  }
  events.push_back(sse("content_block_start", {{"type", "content_block_start"}, {"index", 0}, {"content_block", block}}));
  events.push_back(sse("content_block_delta", {{"type", "content_block_delta"}, {"index", 0}, {"delta", delta}}));
  events.push_back(sse("content_block_stop", {{"type", "content_block_stop"}, {"index", 0}}));
  events.push_back(
      sse("message_delta", {{"type", "message_delta"},
                            {"delta", {{"stop_reason", content.tool ? "tool_use" : "end_turn"}, {"stop_sequence", nullptr}}},
                            {"usage", {{"output_tokens", usage.output_tokens}}}}));
  events.push_back(sse("message_stop", {{"type", "message_stop"}}));
  return events;
}

json anthropic_message(const Rendered& content, const ModelUsage& usage, const std::string& model,
                       const std::string& id) {
  json block = content.tool ? json{{"type", "tool_use"}, {"id", "toolu_" + id}, {"name", content.tool_name},
                                   {"input", content.input}}
                            : json{{"type", "text"}, {"text", content.text}};
  return {{"id", id},
          {"type", "message"},
          {"role", "assistant"},
          {"model", model},
          {"content", json::array({block})},
          {"stop_reason", content.tool ? "tool_use" : "end_turn"},
          {"stop_sequence", nullptr},
          {"usage", {{"input_tokens", usage.input_tokens}, {"output_tokens", usage.output_tokens}}}};
}

json anthropic_error(const std::string& type, const std::string& message) {
  return {{"type", "error"}, {"error", {{"type", type}, {"message", message}}}};
}

std::string anthropic_error_type(int status) {
  switch (status) {
  case 400: return "invalid_request_error";
  case 401: return "authentication_error";
  case 403: return "permission_error";
  case 404: return "not_found_error";
  case 413: return "request_too_large";
  case 429: return "rate_limit_error";
  case 529: return "overloaded_error";
  default: return "api_error";
  }
}

namespace {

json openai_response(const std::string& id, const std::string& model, const std::string& status, json output) {
  return {{"id", "resp_" + id}, {"object", "response"}, {"created_at", 1700000000}, {"status", status},
          {"model", model},     {"output", std::move(output)}, {"error", nullptr}};
}

} // namespace

std::vector<std::string> openai_stream(const Rendered& content, const ModelUsage& usage, const std::string& model,
                                       const std::string& id) {
  std::vector<std::string> events;
  int seq = 0;
  auto event = [&](const std::string& type, json data) {
    data["type"] = type;
    data["sequence_number"] = seq++;
    events.push_back(sse(type, data));
  };
  event("response.created", {{"response", openai_response(id, model, "in_progress", json::array())}});
  json item;
  if (content.tool) {
    std::string arguments = content.input.dump();
    item = {{"type", "function_call"}, {"id", "fc_" + id},      {"call_id", "call_" + id},
            {"name", content.tool_name}, {"arguments", ""}, {"status", "in_progress"}};
    event("response.output_item.added", {{"output_index", 0}, {"item", item}});
    event("response.function_call_arguments.delta", {{"item_id", "fc_" + id}, {"output_index", 0}, {"delta", arguments}});
    event("response.function_call_arguments.done",
          {{"item_id", "fc_" + id}, {"output_index", 0}, {"arguments", arguments}});
    item["arguments"] = arguments;
  } else {
    std::string item_id = "msg_" + id;
    item = {{"type", "message"}, {"id", item_id}, {"status", "in_progress"}, {"role", "assistant"}, {"content", json::array()}};
    event("response.output_item.added", {{"output_index", 0}, {"item", item}});
    json part = {{"type", "output_text"}, {"text", ""}, {"annotations", json::array()}};
    auto at = [&](const char* key, json value) {
      return json{{"item_id", item_id}, {"output_index", 0}, {"content_index", 0}, {key, std::move(value)}};
    };
    event("response.content_part.added", at("part", part));
    event("response.output_text.delta", at("delta", content.text));
    event("response.output_text.done", at("text", content.text));
    part["text"] = content.text;
    event("response.content_part.done", at("part", part));
    item["content"] = json::array({part});
  }
  item["status"] = "completed";
  event("response.output_item.done", {{"output_index", 0}, {"item", item}});
  json done = openai_response(id, model, "completed", json::array({item}));
  done["usage"] = {{"input_tokens", usage.input_tokens},
                   {"input_tokens_details", {{"cached_tokens", 0}}},
                   {"output_tokens", usage.output_tokens},
                   {"output_tokens_details", {{"reasoning_tokens", 0}}},
                   {"total_tokens", usage.input_tokens + usage.output_tokens}};
  event("response.completed", {{"response", done}});
  return events;
}

std::string openai_failed(const std::string& code, const std::string& message, const std::string& model,
                          const std::string& id) {
  json failed = openai_response(id, model, "failed", json::array());
  failed["error"] = {{"code", code}, {"message", message}};
  return sse("response.failed", {{"type", "response.failed"}, {"sequence_number", 1}, {"response", failed}});
}

json openai_error(int status, const std::string& code, const std::string& message) {
  std::string type = status == 401 ? "invalid_request_error"
                     : status == 429 ? "requests"
                     : status >= 500 ? "server_error"
                                     : "invalid_request_error";
  return {{"error", {{"message", message}, {"type", type}, {"param", nullptr}, {"code", code}}}};
}

} // namespace fanout::test::model_wire
