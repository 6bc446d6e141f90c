// Markdown -> ADF: a line-based block parser (recursive for lists and quotes) and a small
// inline scanner. It covers what fanout writes in comments, not all of CommonMark.

#include "adf.hpp"

#include <cctype>
#include <sstream>
#include <vector>

namespace fanout::jira {

using nlohmann::json;

namespace {

using Lines = std::vector<std::string>;

size_t indent_of(const std::string& line) {
  size_t n = 0;
  while (n < line.size() && line[n] == ' ') ++n;
  return n;
}

bool blank(const std::string& line) { return indent_of(line) == line.size(); }

/// Length of a list marker ("- ", "* ", "+ ", "12. ") at `at`, or 0. `number` gets the number.
size_t list_marker(const std::string& line, size_t at, bool& ordered, int& number) {
  if (at + 1 < line.size() && (line[at] == '-' || line[at] == '*' || line[at] == '+') && line[at + 1] == ' ') {
    ordered = false;
    return 2;
  }
  size_t i = at;
  while (i < line.size() && std::isdigit(static_cast<unsigned char>(line[i]))) ++i;
  if (i > at && i + 1 < line.size() && (line[i] == '.' || line[i] == ')') && line[i + 1] == ' ') {
    ordered = true;
    number = std::stoi(line.substr(at, i - at));
    return i - at + 2;
  }
  return 0;
}

bool is_rule(const std::string& line) {
  std::string s;
  for (char c : line)
    if (c != ' ') s += c;
  return s.size() >= 3 && (s.find_first_not_of('-') == std::string::npos || s.find_first_not_of('*') == std::string::npos ||
                           s.find_first_not_of('_') == std::string::npos);
}

json text_node(const std::string& text, const json& marks) {
  json node = {{"type", "text"}, {"text", text}};
  if (!marks.empty()) node["marks"] = marks;
  return node;
}

void append_inline(const std::string& text, json marks, json& out);

/// Finds the closing `delim` after `from`, or npos.
size_t closing(const std::string& text, size_t from, const std::string& delim) {
  size_t end = text.find(delim, from);
  return end == from ? std::string::npos : end;
}

void append_inline(const std::string& text, json marks, json& out) {
  std::string plain;
  auto flush = [&] {
    if (!plain.empty()) out.push_back(text_node(plain, marks));
    plain.clear();
  };
  auto with = [&](json mark) {
    json m = marks;
    m.push_back(std::move(mark));
    return m;
  };
  for (size_t i = 0; i < text.size();) {
    if (text[i] == '`') {
      size_t end = text.find('`', i + 1);
      if (end != std::string::npos && end > i + 1) {
        flush();
        out.push_back(text_node(text.substr(i + 1, end - i - 1), with({{"type", "code"}})));
        i = end + 1;
        continue;
      }
    }
    for (const auto& [delim, mark] : {std::pair<std::string, const char*>{"**", "strong"}, {"__", "strong"}, {"~~", "strike"}}) {
      if (text.compare(i, 2, delim) == 0) {
        size_t end = closing(text, i + 2, delim);
        if (end != std::string::npos) {
          flush();
          append_inline(text.substr(i + 2, end - i - 2), with({{"type", mark}}), out);
          i = end + 2;
          goto next;
        }
      }
    }
    if ((text[i] == '*' || text[i] == '_') && i + 1 < text.size() && text[i + 1] != ' ' &&
        (text[i] == '*' || i == 0 || !std::isalnum(static_cast<unsigned char>(text[i - 1])))) {
      size_t end = closing(text, i + 1, std::string(1, text[i]));
      if (end != std::string::npos && text[end - 1] != ' ') {
        flush();
        append_inline(text.substr(i + 1, end - i - 1), with({{"type", "em"}}), out);
        i = end + 1;
        continue;
      }
    }
    if (text[i] == '[') {
      size_t close = text.find("](", i + 1);
      size_t end = close == std::string::npos ? close : text.find(')', close + 2);
      if (end != std::string::npos && close > i + 1) {
        flush();
        append_inline(text.substr(i + 1, close - i - 1), with({{"type", "link"}, {"attrs", {{"href", text.substr(close + 2, end - close - 2)}}}}), out);
        i = end + 1;
        continue;
      }
    }
    if (text.compare(i, 8, "https://") == 0 || text.compare(i, 7, "http://") == 0) {
      size_t end = text.find_first_of(" \t)>", i);
      if (end == std::string::npos) end = text.size();
      while (end > i && (text[end - 1] == '.' || text[end - 1] == ',')) --end;
      flush();
      const std::string url = text.substr(i, end - i);
      out.push_back(text_node(url, with({{"type", "link"}, {"attrs", {{"href", url}}}})));
      i = end;
      continue;
    }
    plain += text[i++];
  next:;
  }
  flush();
}

json inline_content(const Lines& lines) {
  json content = json::array();
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i > 0) content.push_back({{"type", "hardBreak"}});
    size_t start = indent_of(lines[i]);
    append_inline(lines[i].substr(start), json::array(), content);
  }
  return content;
}

json parse_blocks(const Lines& lines);

json parse_list(const Lines& lines, size_t& i) {
  bool ordered = false;
  int number = 1;
  const size_t base = indent_of(lines[i]);
  list_marker(lines[i], base, ordered, number);
  json list = {{"type", ordered ? "orderedList" : "bulletList"}, {"content", json::array()}};
  if (ordered && number != 1) list["attrs"] = {{"order", number}};
  while (i < lines.size()) {
    bool item_ordered = false;
    int ignored = 0;
    const size_t at = indent_of(lines[i]);
    const size_t marker = at == base ? list_marker(lines[i], at, item_ordered, ignored) : 0;
    if (marker == 0 || item_ordered != ordered) break;
    Lines body = {lines[i].substr(at + marker)};
    for (++i; i < lines.size(); ++i) {
      if (blank(lines[i])) {
        if (i + 1 < lines.size() && indent_of(lines[i + 1]) > base) { body.push_back(""); continue; }
        break;
      }
      if (indent_of(lines[i]) <= base) break;
      body.push_back(lines[i].substr(std::min(indent_of(lines[i]), base + marker)));
    }
    list["content"].push_back({{"type", "listItem"}, {"content", parse_blocks(body)}});
    while (i < lines.size() && blank(lines[i]) && i + 1 < lines.size() && indent_of(lines[i + 1]) == base) {
      bool o = false;
      int n = 0;
      if (list_marker(lines[i + 1], base, o, n) == 0) break;
      ++i;
    }
  }
  return list;
}

json parse_blocks(const Lines& lines) {
  json blocks = json::array();
  size_t i = 0;
  while (i < lines.size()) {
    const std::string& line = lines[i];
    if (blank(line)) { ++i; continue; }
    const size_t at = indent_of(line);
    const std::string rest = line.substr(at);
    bool ordered = false;
    int number = 0;
    const size_t level = rest[0] == '#' ? rest.find_first_not_of('#') : 0;
    const bool heading = level >= 1 && level <= 6 && level < rest.size() && rest[level] == ' ';
    if (rest.rfind("```", 0) == 0 || rest.rfind("~~~", 0) == 0) {
      const std::string fence = rest.substr(0, 3);
      std::string language = rest.substr(3);
      while (!language.empty() && language.back() == ' ') language.pop_back();
      std::string code;
      bool first = true;
      for (++i; i < lines.size() && lines[i].substr(indent_of(lines[i])).rfind(fence, 0) != 0; ++i, first = false)
        code += (first ? "" : "\n") + lines[i];
      ++i;
      json block = {{"type", "codeBlock"}, {"content", json::array()}};
      if (!language.empty()) block["attrs"] = {{"language", language}};
      if (!code.empty()) block["content"].push_back({{"type", "text"}, {"text", code}});
      blocks.push_back(block);
    } else if (heading) {
      blocks.push_back({{"type", "heading"}, {"attrs", {{"level", level}}}, {"content", inline_content({rest.substr(level + 1)})}});
      ++i;
    } else if (is_rule(rest)) {
      blocks.push_back({{"type", "rule"}});
      ++i;
    } else if (rest[0] == '>') {
      Lines quoted;
      for (; i < lines.size() && !blank(lines[i]) && lines[i][indent_of(lines[i])] == '>'; ++i) {
        std::string q = lines[i].substr(indent_of(lines[i]) + 1);
        quoted.push_back(!q.empty() && q[0] == ' ' ? q.substr(1) : q);
      }
      blocks.push_back({{"type", "blockquote"}, {"content", parse_blocks(quoted)}});
    } else if (list_marker(line, at, ordered, number) > 0) {
      blocks.push_back(parse_list(lines, i));
    } else {
      Lines para;
      for (; i < lines.size() && !blank(lines[i]); ++i) {
        const std::string r = lines[i].substr(indent_of(lines[i]));
        bool o = false;
        int n = 0;
        if (!para.empty() && (r[0] == '#' || r[0] == '>' || r.rfind("```", 0) == 0 || list_marker(lines[i], indent_of(lines[i]), o, n) > 0))
          break;
        para.push_back(lines[i]);
      }
      blocks.push_back({{"type", "paragraph"}, {"content", inline_content(para)}});
    }
  }
  return blocks;
}

} // namespace

json markdown_to_adf(const std::string& markdown) {
  Lines lines;
  std::istringstream in(markdown);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::string expanded;
    for (char c : line) expanded += c == '\t' ? std::string("    ") : std::string(1, c);
    lines.push_back(expanded);
  }
  json content = parse_blocks(lines);
  if (content.empty()) content.push_back({{"type", "paragraph"}, {"content", json::array()}});
  return {{"type", "doc"}, {"version", 1}, {"content", content}};
}

} // namespace fanout::jira
