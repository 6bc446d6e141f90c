#pragma once
// Prompt templates: the tiny placeholder language of config/prompts/*.md, shared by the
// host (plan, build, fix, heal prompts) and by reviewers that prompt an agent. Header-only.
//
//   {{issue.title}}            the value of "issue.title"
//   {{#pr.url}}...{{/pr.url}}  the inner text only when "pr.url" is set and not empty
//   {{^plan}}...{{/plan}}      the inner text only when "plan" is unset or empty
//
// A plain placeholder whose name is not in the values is left as written, so a prompt that
// quotes template syntax of its own (Jinja, Handlebars) survives, and a typo is visible in
// the transcript instead of silently empty. Values are inserted verbatim and never expanded
// again: an issue body containing "{{diff}}" stays literal. Sections do not nest with the
// same name; different names nest.

#include <cctype>
#include <map>
#include <string>
#include <string_view>

namespace fanout::sdk {

/// Placeholder names ("issue.title") to their values.
using TemplateValues = std::map<std::string, std::string, std::less<>>;

namespace detail {
/// Whether `name` may be a placeholder: letters, digits, '.', '_' and '-', not empty.
inline bool is_placeholder_name(std::string_view name) noexcept {
  if (name.empty()) return false;
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-')) return false;
  return true;
}
} // namespace detail

/// Renders `text` with `values` (see the top of this file). Never fails: malformed tags
/// (an unclosed section, "{{ }}") are copied as written.
inline std::string render_template(std::string_view text, const TemplateValues& values) {
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  while (pos < text.size()) {
    size_t open = text.find("{{", pos);
    if (open == std::string_view::npos) break;
    size_t close = text.find("}}", open + 2);
    if (close == std::string_view::npos) break;
    out.append(text.substr(pos, open - pos));
    std::string_view tag = text.substr(open + 2, close - open - 2);
    size_t after = close + 2;
    char sigil = tag.empty() ? '\0' : tag.front();
    if ((sigil == '#' || sigil == '^') && detail::is_placeholder_name(tag.substr(1))) {
      std::string_view name = tag.substr(1);
      std::string end_tag = "{{/" + std::string(name) + "}}";
      size_t end = text.find(end_tag, after);
      if (end == std::string_view::npos) { // unclosed: keep the tag as written
        out.append(text.substr(open, after - open));
        pos = after;
        continue;
      }
      auto it = values.find(name);
      bool set = it != values.end() && !it->second.empty();
      if (set == (sigil == '#')) out += render_template(text.substr(after, end - after), values);
      pos = end + end_tag.size();
      // A section tag alone on its line leaves no blank line behind.
      if (pos < text.size() && text[pos] == '\n' && (out.empty() || out.back() == '\n')) ++pos;
      continue;
    }
    auto it = detail::is_placeholder_name(tag) ? values.find(tag) : values.end();
    if (it != values.end()) out += it->second;
    else out.append(text.substr(open, after - open));
    pos = after;
  }
  out.append(text.substr(pos));
  return out;
}

} // namespace fanout::sdk
