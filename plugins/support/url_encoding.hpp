#pragma once
// Percent-encoding (RFC 3986) of the parts of a URL a plugin builds from data: a name that
// becomes one path segment, and a value in a query string. Bytes are encoded one by one as
// %XX with upper-case hex, so UTF-8 text round-trips.

#include <string>
#include <string_view>

namespace fanout::support {

/// `text` as one path segment: everything but the unreserved characters (A-Z a-z 0-9 - . _ ~)
/// is encoded, '/' included, so a label "area/ui" stays one segment ("area%2Fui") and ".."
/// cannot climb the path (a dot-only segment is encoded: "%2E%2E").
std::string encode_path_segment(std::string_view text);

/// `text` as the value of one `name=value` pair in a query string: the unreserved characters
/// and '/', ':', '@' (which RFC 3986 allows in a query and no query parser splits on) stay;
/// everything else is encoded, among them '&', '=', '+', '#', '?', ';', ',', '%' and space
/// ("%20", never "+"). "owner:fanout/12-fix" stays as written.
std::string encode_query_value(std::string_view text);

} // namespace fanout::support
