#pragma once
// The dashboard's one HTML document (fleet and run views), with its CSS and JavaScript
// inline, compiled into the binary: nothing is fetched from elsewhere at run time.

#include <string>
#include <string_view>

namespace fanout::serve {

/// The page, with `nonce` as the CSP nonce of its <style> and <script> elements.
std::string page_html(std::string_view nonce);

/// A small page saying why a request was refused (`message` is escaped here).
std::string refusal_html(int status, std::string_view message);

/// `text` with &, <, >, " and ' escaped for HTML.
std::string html_escape(std::string_view text);

} // namespace fanout::serve
