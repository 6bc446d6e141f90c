// ADF -> Markdown: a recursive walk; blocks render to text, inline nodes to strings.

#include "adf.hpp"

#include <algorithm>
#include <ctime>
#include <sstream>
#include <vector>

namespace fanout::jira {

using nlohmann::json;

namespace {

std::string attr(const json& node, const char* name) {
  if (!node.contains("attrs") || !node["attrs"].is_object()) return "";
  const json& value = node["attrs"].value(name, json());
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number_integer()) return std::to_string(value.get<long long>());
  return "";
}

const json& children(const json& node) {
  static const json empty = json::array();
  auto it = node.find("content");
  return it != node.end() && it->is_array() ? *it : empty;
}

std::string type_of(const json& node) { return node.is_object() ? node.value("type", "") : ""; }

std::string render_blocks(const json& nodes);

std::string marked(const json& node) {
  std::string text = node.value("text", "");
  if (!node.contains("marks") || !node["marks"].is_array()) return text;
  std::string href;
  bool code = false, strong = false, em = false, strike = false;
  for (const auto& mark : node["marks"]) {
    const std::string type = type_of(mark);
    if (type == "code") code = true;
    else if (type == "strong") strong = true;
    else if (type == "em") em = true;
    else if (type == "strike") strike = true;
    else if (type == "link") href = attr(mark, "href");
  }
  if (code) text = "`" + text + "`";
  if (em) text = "*" + text + "*";
  if (strong) text = "**" + text + "**";
  if (strike) text = "~~" + text + "~~";
  if (!href.empty()) text = "[" + text + "](" + href + ")";
  return text;
}

std::string render_inline(const json& nodes, const std::string& line_break = "\n") {
  std::string out;
  for (const auto& node : nodes) {
    const std::string type = type_of(node);
    if (type == "text") out += marked(node);
    else if (type == "hardBreak") out += line_break;
    else if (type == "mention") {
      std::string name = attr(node, "text");
      if (name.empty()) name = attr(node, "id");
      out += name.rfind('@', 0) == 0 ? name : "@" + name;
    } else if (type == "emoji") {
      std::string text = attr(node, "text");
      out += text.empty() ? attr(node, "shortName") : text;
    } else if (type == "inlineCard") out += "<" + attr(node, "url") + ">";
    else if (type == "date") {
      std::string stamp = attr(node, "timestamp");
      std::time_t seconds = stamp.empty() ? 0 : std::time_t(std::stoll(stamp) / 1000);
      char buffer[16];
      std::tm tm{};
      gmtime_r(&seconds, &tm);
      std::strftime(buffer, sizeof buffer, "%Y-%m-%d", &tm);
      out += buffer;
    } else if (type == "status") out += "[" + attr(node, "text") + "]";
    else if (node.contains("text") && node["text"].is_string()) out += node["text"].get<std::string>();
    else out += render_inline(children(node), line_break);
  }
  return out;
}

std::string prefix_lines(const std::string& text, const std::string& first, const std::string& rest) {
  std::istringstream in(text);
  std::string out, line;
  bool is_first = true;
  while (std::getline(in, line)) {
    std::string prefix = is_first ? first : rest;
    if (line.empty()) prefix.erase(prefix.find_last_not_of(' ') + 1); // "> " -> ">", "  " -> ""
    out += prefix + line + "\n";
    is_first = false;
  }
  if (!out.empty()) out.pop_back();
  return out;
}

std::string render_list(const json& list, bool ordered) {
  int number = 1;
  if (ordered) {
    std::string start = attr(list, "order");
    if (!start.empty()) number = std::stoi(start);
  }
  std::string out;
  for (const auto& item : children(list)) {
    const std::string marker = ordered ? std::to_string(number++) + ". " : "- ";
    std::string body = render_blocks(children(item));
    // Tight list: paragraphs inside an item are separated by one newline, not two.
    std::string tight;
    for (size_t i = 0; i < body.size(); ++i) {
      if (body[i] == '\n' && i + 1 < body.size() && body[i + 1] == '\n') continue;
      tight += body[i];
    }
    out += (out.empty() ? "" : "\n") + prefix_lines(tight, marker, std::string(marker.size(), ' '));
  }
  return out;
}

std::string cell_text(const json& cell) {
  std::string text;
  for (const auto& block : children(cell)) {
    std::string part = type_of(block) == "paragraph" ? render_inline(children(block), " ") : render_blocks(json::array({block}));
    for (auto& c : part)
      if (c == '\n') c = ' ';
    text += (text.empty() ? "" : " ") + part;
  }
  std::string escaped;
  for (char c : text) escaped += c == '|' ? std::string("\\|") : std::string(1, c);
  return escaped;
}

std::string render_table(const json& table) {
  std::vector<std::vector<std::string>> rows;
  size_t width = 0;
  for (const auto& row : children(table)) {
    std::vector<std::string> cells;
    for (const auto& cell : children(row)) cells.push_back(cell_text(cell));
    width = std::max(width, cells.size());
    rows.push_back(std::move(cells));
  }
  if (rows.empty() || width == 0) return "";
  std::string out;
  for (size_t r = 0; r < rows.size(); ++r) {
    rows[r].resize(width);
    out += "|";
    for (const auto& cell : rows[r]) out += " " + cell + " |";
    out += "\n";
    if (r == 0) {
      out += "|";
      for (size_t c = 0; c < width; ++c) out += " --- |";
      out += "\n";
    }
  }
  out.pop_back();
  return out;
}

std::string render_block(const json& node) {
  const std::string type = type_of(node);
  if (type == "paragraph") return render_inline(children(node));
  if (type == "heading") {
    std::string level = attr(node, "level");
    int n = level.empty() ? 1 : std::clamp(std::stoi(level), 1, 6);
    return std::string(size_t(n), '#') + " " + render_inline(children(node));
  }
  if (type == "bulletList") return render_list(node, false);
  if (type == "orderedList") return render_list(node, true);
  if (type == "codeBlock") {
    std::string text;
    for (const auto& child : children(node)) text += child.value("text", "");
    return "```" + attr(node, "language") + "\n" + text + "\n```";
  }
  if (type == "blockquote") return prefix_lines(render_blocks(children(node)), "> ", "> ");
  if (type == "rule") return "---";
  if (type == "panel") {
    std::string kind = attr(node, "panelType");
    if (kind.empty()) kind = "info";
    kind[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(kind[0])));
    return prefix_lines("**" + kind + ":** " + render_blocks(children(node)), "> ", "> ");
  }
  if (type == "table") return render_table(node);
  if (type == "mediaSingle" || type == "mediaGroup") return render_blocks(children(node));
  if (type == "media") {
    std::string name = attr(node, "alt");
    return "[attachment" + (name.empty() ? std::string() : ": " + name) + "]";
  }
  if (type == "expand" || type == "nestedExpand") {
    std::string title = attr(node, "title");
    return (title.empty() ? "" : "**" + title + "**\n\n") + render_blocks(children(node));
  }
  if (node.contains("text") && node["text"].is_string()) return node["text"];
  // Unknown node: keep its text, whether its children are blocks or inline nodes.
  const json& kids = children(node);
  bool inline_kids = !kids.empty() && (type_of(kids[0]) == "text" || type_of(kids[0]) == "mention");
  return inline_kids ? render_inline(kids) : render_blocks(kids);
}

std::string render_blocks(const json& nodes) {
  std::string out;
  for (const auto& node : nodes) {
    std::string block = render_block(node);
    if (block.empty()) continue;
    out += (out.empty() ? "" : "\n\n") + block;
  }
  return out;
}

} // namespace

std::string adf_to_markdown(const json& doc) {
  if (doc.is_string()) return doc.get<std::string>();
  if (!doc.is_object()) return "";
  if (type_of(doc) == "doc") return render_blocks(children(doc));
  return render_block(doc);
}

} // namespace fanout::jira
