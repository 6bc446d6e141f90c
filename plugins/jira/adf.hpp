#pragma once
// Atlassian Document Format <-> Markdown. Jira Cloud v3 speaks ADF in descriptions and
// comments; agents read and write Markdown.

#include <nlohmann/json.hpp>

#include <string>

namespace fanout::jira {

/// Markdown for an agent's prompt. Headings, paragraphs, marks (bold, italic, code, strike,
/// links), nested bullet/ordered lists, code blocks with language, blockquotes, rules,
/// mentions (@Name), emoji, dates, status lozenges, panels (as labelled quotes), tables (as
/// Markdown tables), media (as a placeholder); unknown nodes keep their text.
/// `null` or a non-ADF value gives "" (a plain string is returned as is).
std::string adf_to_markdown(const nlohmann::json& doc);

/// An ADF doc for a comment: paragraphs (lines joined by hard breaks), ATX headings,
/// bullet/ordered lists (nested by indentation), fenced code blocks with language,
/// blockquotes, rules, and inline bold, italic, strike, code, links and bare URLs.
nlohmann::json markdown_to_adf(const std::string& markdown);

} // namespace fanout::jira
