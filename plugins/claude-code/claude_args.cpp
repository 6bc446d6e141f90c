#include "claude_args.hpp"

#include <cstdio>
#include <fstream>
#include <regex>
#include <sstream>

namespace claude_code {

using fanout::sdk::Permission;
using nlohmann::json;

namespace {

// Read-only sessions may look around and read history, never write.
const std::vector<std::string> k_read_only_allowed = {"Read", "Grep", "Glob", "LS", "Bash(git diff:*)",
                                                      "Bash(git log:*)", "Bash(git show:*)", "Bash(git status:*)"};
const std::vector<std::string> k_read_only_disallowed = {"Edit", "MultiEdit", "Write", "NotebookEdit"};
const std::vector<std::string> k_edit_allowed = {"Bash", "Read", "Grep", "Glob", "LS", "Edit", "MultiEdit", "Write",
                                                 "NotebookEdit"};

std::vector<std::string> strings(const json& config, const char* key) {
  std::vector<std::string> out;
  if (auto it = config.find(key); it != config.end() && it->is_array())
    for (const auto& v : *it)
      if (v.is_string()) out.push_back(v.get<std::string>());
  return out;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ",") + item;
  return out;
}

std::string number(double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.6g", value);
  return buffer;
}

} // namespace

const char* permission_mode(Permission permission) {
  switch (permission) {
  case Permission::read_only: return "default";
  case Permission::edit: return "acceptEdits";
  case Permission::full: return "bypassPermissions";
  }
  return "default";
}

fanout::sdk::ProcessSpec build_spec(const fanout::sdk::SessionRequest& request, const json& config,
                                    const std::string& prompt) {
  fanout::sdk::ProcessSpec spec;
  auto& argv = spec.argv;
  argv.push_back(config.value("command", std::string("claude")));
  argv.push_back("-p");
  bool prompt_last = !prompt.empty() && prompt.front() == '-';
  if (!prompt_last) argv.push_back(prompt);
  argv.insert(argv.end(), {"--output-format", "stream-json", "--verbose"});
  if (config.value("bare", false)) argv.push_back("--bare");
  std::string model = request.model.empty() ? config.value("model", std::string()) : request.model;
  if (!model.empty()) argv.insert(argv.end(), {"--model", model});
  argv.insert(argv.end(), {"--permission-mode", permission_mode(request.permission)});

  std::vector<std::string> allowed, disallowed;
  if (request.permission == Permission::read_only) {
    allowed = k_read_only_allowed;
    disallowed = k_read_only_disallowed;
  } else if (request.permission == Permission::edit) {
    allowed = k_edit_allowed;
  }
  // Config widens only sessions that may edit anyway: a read-only plan or review session
  // keeps its fixed tool list whatever allowed_tools says (a repo could add "Bash").
  if (request.permission != Permission::read_only)
    for (auto& tool : strings(config, "allowed_tools")) allowed.push_back(tool);
  for (auto& tool : strings(config, "disallowed_tools")) disallowed.push_back(tool);
  // "=" keeps these variadic options from swallowing the next argument.
  if (!allowed.empty()) argv.push_back("--allowedTools=" + join(allowed));
  if (!disallowed.empty()) argv.push_back("--disallowedTools=" + join(disallowed));

  if (request.max_turns > 0) argv.insert(argv.end(), {"--max-turns", std::to_string(request.max_turns)});
  if (request.max_cost_usd > 0) argv.insert(argv.end(), {"--max-budget-usd", number(request.max_cost_usd)});
  if (!request.append_system_prompt.empty())
    argv.insert(argv.end(), {"--append-system-prompt", request.append_system_prompt});
  if (!request.resume_session_id.empty()) argv.insert(argv.end(), {"--resume", request.resume_session_id});
  if (!request.output_schema.empty()) {
    json schema = json::parse(request.output_schema, nullptr, false);
    argv.insert(argv.end(), {"--json-schema", schema.is_discarded() ? request.output_schema : schema.dump()});
  }
  for (auto& arg : strings(config, "args")) argv.push_back(arg);
  if (prompt_last) argv.insert(argv.end(), {"--", prompt});

  spec.workdir = request.workdir;
  spec.env = request.env;
  if (auto it = config.find("env"); it != config.end() && it->is_object())
    for (const auto& [key, value] : it->items())
      if (value.is_string()) spec.env[key] = value.get<std::string>();
  // A claude started from inside a Claude Code session must not think it is nested.
  spec.env.erase("CLAUDECODE");
  spec.replace_env = true;
  spec.timeout = request.timeout;
  return spec;
}

std::optional<std::string> slash_command_name(const std::string& prompt) {
  static const std::regex pattern(R"(^/([A-Za-z0-9_][A-Za-z0-9_:.-]*)(\s|$))");
  std::smatch match;
  if (!std::regex_search(prompt, match, pattern)) return std::nullopt;
  return match[1].str();
}

std::optional<std::string> inline_slash_command(const std::string& prompt, const std::filesystem::path& workdir) {
  auto name = slash_command_name(prompt);
  if (!name || name->find(':') != std::string::npos) return std::nullopt;
  std::ifstream file(workdir / ".claude" / "commands" / (*name + ".md"));
  if (!file) return std::nullopt;
  std::stringstream content;
  content << file.rdbuf();
  std::string body = content.str();
  // Front matter (--- ... ---) configures the command; it is not part of the prompt.
  if (body.rfind("---\n", 0) == 0)
    if (auto end = body.find("\n---", 4); end != std::string::npos) {
      auto after = body.find('\n', end + 4);
      body = after == std::string::npos ? "" : body.substr(after + 1);
    }
  std::string arguments = prompt.substr(1 + name->size());
  arguments.erase(0, arguments.find_first_not_of(" \t\n"));
  std::vector<std::string> positional;
  std::istringstream words(arguments);
  for (std::string word; words >> word;) positional.push_back(word);

  std::string out;
  for (size_t i = 0; i < body.size(); ++i) {
    if (body[i] == '$' && body.compare(i, 10, "$ARGUMENTS") == 0) {
      out += arguments;
      i += 9;
    } else if (body[i] == '$' && i + 1 < body.size() && body[i + 1] >= '1' && body[i + 1] <= '9') {
      size_t index = static_cast<size_t>(body[i + 1] - '1');
      if (index < positional.size()) out += positional[index];
      ++i;
    } else {
      out += body[i];
    }
  }
  return out;
}

} // namespace claude_code
