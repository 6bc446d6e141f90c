#include "cli_help_helpers.hpp"

#include <regex>
#include <sstream>
#include <vector>

namespace fanout::test::compat {

namespace {

/// Choices listed in an option's description, in either layout.
std::set<std::string> choices_in(const std::string& text) {
  std::set<std::string> out;
  static const std::regex commander(R"(\(choices: ((?:"[^"]*"(?:,\s*)?)+))");
  static const std::regex clap(R"(\[possible values: ([^\]]*)\])");
  static const std::regex quoted(R"x("([^"]*)")x");
  std::smatch match;
  if (std::regex_search(text, match, commander)) {
    std::string list = match[1].str();
    for (std::sregex_iterator it(list.begin(), list.end(), quoted), end; it != end; ++it) out.insert((*it)[1].str());
  } else if (std::regex_search(text, match, clap)) {
    std::istringstream list(match[1].str());
    for (std::string item; std::getline(list, item, ',');) {
      item.erase(0, item.find_first_not_of(" \n"));
      item.erase(item.find_last_not_of(" \n") + 1);
      if (!item.empty()) out.insert(item);
    }
  }
  return out;
}

} // namespace

std::map<std::string, HelpOption> parse_help(const std::string& help) {
  // An option line starts with 2 to 6 spaces then a dash; its names come before the
  // argument placeholder or the description.
  static const std::regex option_line(R"(^ {2,6}(-[A-Za-z0-9?]|--[A-Za-z][A-Za-z0-9-]*)\b)");
  static const std::regex name(R"((--?[A-Za-z][A-Za-z0-9-]*))");
  std::map<std::string, HelpOption> options;
  std::vector<std::string> current;
  std::string description;
  auto flush = [&] {
    auto choices = choices_in(description);
    for (const auto& n : current) options[n].choices.insert(choices.begin(), choices.end());
    current.clear();
    description.clear();
  };
  std::istringstream lines(help);
  for (std::string line; std::getline(lines, line);) {
    if (!std::regex_search(line, option_line)) {
      description += " " + line;
      continue;
    }
    flush();
    // Names: the comma-separated dash words before the first '<', '[' or double space.
    auto start = line.find_first_not_of(' ');
    auto stop = line.find("  ", start);
    std::string head = line.substr(start, stop == std::string::npos ? std::string::npos : stop - start);
    head = head.substr(0, head.find_first_of("<["));
    for (std::sregex_iterator it(head.begin(), head.end(), name), end; it != end; ++it) current.push_back((*it)[1].str());
    description = stop == std::string::npos ? "" : line.substr(stop);
    if (options.empty() && current.empty()) continue;
    for (const auto& n : current) options[n];
  }
  flush();
  return options;
}

} // namespace fanout::test::compat
