#pragma once
// The page's CSS and JavaScript, compiled in (host/serve/page_style.cpp, page_script.cpp);
// page.cpp puts them inline into the one HTML document.

#include <string_view>

namespace fanout::serve {

std::string_view page_style();
std::string_view page_script();

} // namespace fanout::serve
