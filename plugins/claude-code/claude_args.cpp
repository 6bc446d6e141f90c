#include "claude_args.hpp"

#include "support/cli_session.hpp"
#include "support/json_access.hpp"

#include <cstdio>
#include <fstream>
#include <regex>
#include <sstream>

namespace claude_code {

using fanout::sdk::Permission;
using nlohmann::json;
namespace support = fanout::support;
using support::strings_at;

namespace {

// Read-only sessions may look around and read history, never write.
const std::vector<std::string> k_read_only_allowed = {"Read", "Grep", "Glob", "LS", "Bash(git diff:*)",
                                                      "Bash(git log:*)", "Bash(git show:*)", "Bash(git status:*)"};
const std::vector<std::string> k_read_only_disallowed = {"Edit", "MultiEdit", "Write", "NotebookEdit"};
const std::vector<std::string> k_edit_allowed = {"Bash", "Read", "Grep", "Glob", "LS", "Edit", "MultiEdit", "Write",
                                                 "NotebookEdit"};

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
  case Permission::read_only: return "dontAsk";
  case Permission::edit: return "acceptEdits";
  case Permission::full: return "bypassPermissions";
  }
  return "dontAsk";
}

bool prompt_in_argv(const std::string& prompt) {
  return prompt.size() <= k_max_argv_prompt && slash_command_name(prompt).has_value();
}

std::optional<std::string> refusal(const fanout::sdk::SessionRequest& request,
                                   const std::map<std::string, std::string>& env, unsigned uid) {
  if (request.permission != Permission::full || uid != 0) return std::nullopt;
  if (auto it = env.find("IS_SANDBOX"); it != env.end() && it->second == "1") return std::nullopt;
  return std::string("permission \"full\" cannot be used as root: claude refuses bypassPermissions under root or "
                     "sudo. Run fanout as a non-root user, use permission \"edit\", or, when the machine is itself "
                     "a sandbox (a throwaway container), set IS_SANDBOX = \"1\" in [agent.claude-code] env");
}

std::string schema_for_claude(const std::string& schema) {
  json parsed = json::parse(schema, nullptr, false);
  if (parsed.is_discarded()) return schema;
  if (parsed.is_object()) parsed.erase("$schema");
  return parsed.dump();
}

fanout::sdk::ProcessSpec build_spec(const fanout::sdk::SessionRequest& request, const json& config,
                                    const std::string& prompt) {
  fanout::sdk::ProcessSpec spec = support::session_process(request, config);
  auto& argv = spec.argv;
  argv.push_back(config.value("command", std::string("claude")));
  argv.push_back("-p");
  // Only a slash command needs argv (claude expands commands only there); every other
  // prompt goes through stdin, where no argument-length limit applies.
  if (prompt_in_argv(prompt)) argv.push_back(prompt);
  else spec.stdin_data = prompt;
  argv.insert(argv.end(), {"--output-format", "stream-json", "--verbose"});
  if (config.value("bare", false)) argv.push_back("--bare");
  std::string model = support::session_model(request, config);
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
    for (auto& tool : strings_at(config, "allowed_tools")) allowed.push_back(tool);
  for (auto& tool : strings_at(config, "disallowed_tools")) disallowed.push_back(tool);
  // "=" keeps these variadic options from swallowing the next argument.
  if (!allowed.empty()) argv.push_back("--allowedTools=" + join(allowed));
  if (!disallowed.empty()) argv.push_back("--disallowedTools=" + join(disallowed));

  if (request.max_cost_usd > 0) argv.insert(argv.end(), {"--max-budget-usd", number(request.max_cost_usd)});
  if (!request.append_system_prompt.empty())
    argv.insert(argv.end(), {"--append-system-prompt", request.append_system_prompt});
  if (!request.resume_session_id.empty()) argv.insert(argv.end(), {"--resume", request.resume_session_id});
  if (!request.output_schema.empty())
    argv.insert(argv.end(), {"--json-schema", schema_for_claude(request.output_schema)});
  for (auto& arg : strings_at(config, "args")) argv.push_back(arg);

  // A claude started from inside a Claude Code session must not think it is nested.
  spec.env.erase("CLAUDECODE");
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

  // claude 2.1.332 numbers from zero: $0 (or $ARGUMENTS[0]) is the first word; a number
  // past the last word stays as written, as claude leaves it.
  auto word = [&](size_t index, size_t from, size_t to) {
    return index < positional.size() ? positional[index] : body.substr(from, to - from);
  };
  auto digits_at = [&](size_t at, size_t& value) {
    size_t end = at;
    value = 0;
    while (end < body.size() && end - at < 4 && body[end] >= '0' && body[end] <= '9')
      value = value * 10 + static_cast<size_t>(body[end++] - '0');
    return end - at;
  };
  std::string out;
  for (size_t i = 0; i < body.size(); ++i) {
    size_t index = 0;
    if (body[i] != '$') {
      out += body[i];
    } else if (body.compare(i, 11, "$ARGUMENTS[") == 0) {
      size_t n = digits_at(i + 11, index);
      if (n > 0 && i + 11 + n < body.size() && body[i + 11 + n] == ']') {
        out += word(index, i, i + 12 + n);
        i += 11 + n;
      } else {
        out += arguments;
        i += 9;
      }
    } else if (body.compare(i, 10, "$ARGUMENTS") == 0) {
      out += arguments;
      i += 9;
    } else if (size_t n = digits_at(i + 1, index); n > 0) {
      out += word(index, i, i + 1 + n);
      i += n;
    } else {
      out += body[i];
    }
  }
  return out;
}

} // namespace claude_code
