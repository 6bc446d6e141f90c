#include "host/workspace/naming.hpp"

#include <array>
#include <cctype>
#include <cstdio>

namespace fanout::workspace {
namespace {

/// ASCII for U+00C0..U+017F ("" = dropped), built from runs so the table stays readable.
const std::array<const char*, 0x180 - 0xC0>& fold_table() {
  static const auto table = [] {
    std::array<const char*, 0x180 - 0xC0> t{};
    struct Run { int count; const char* ascii; };
    // Latin-1 Supplement letters, U+00C0..U+00FF.
    static const Run latin1[] = {
        {6, "a"}, {1, "ae"}, {1, "c"}, {4, "e"}, {4, "i"}, {1, "d"}, {1, "n"}, {5, "o"}, {1, ""},
        {1, "o"}, {4, "u"}, {1, "y"}, {1, "th"}, {1, "ss"},
        {6, "a"}, {1, "ae"}, {1, "c"}, {4, "e"}, {4, "i"}, {1, "d"}, {1, "n"}, {5, "o"}, {1, ""},
        {1, "o"}, {4, "u"}, {1, "y"}, {1, "th"}, {1, "y"}};
    // Latin Extended-A, U+0100..U+017F.
    static const Run extended_a[] = {
        {6, "a"}, {8, "c"}, {4, "d"}, {10, "e"}, {8, "g"}, {4, "h"}, {10, "i"}, {2, "ij"},
        {2, "j"}, {3, "k"}, {10, "l"}, {7, "n"}, {2, "n"}, {6, "o"}, {2, "oe"}, {6, "r"},
        {8, "s"}, {6, "t"}, {12, "u"}, {2, "w"}, {3, "y"}, {6, "z"}, {1, "s"}};
    size_t at = 0;
    for (const auto& run : latin1)
      for (int i = 0; i < run.count; ++i) t[at++] = run.ascii;
    for (const auto& run : extended_a)
      for (int i = 0; i < run.count; ++i) t[at++] = run.ascii;
    return t;
  }();
  return table;
}

/// Decodes one UTF-8 code point at `i` (advancing it); invalid bytes decode to U+FFFD.
char32_t next_code_point(std::string_view s, size_t& i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char lead = byte(i);
  int extra = lead < 0x80 ? 0 : (lead >> 5) == 0x6 ? 1 : (lead >> 4) == 0xE ? 2 : (lead >> 3) == 0x1E ? 3 : -1;
  if (extra < 0 || i + extra >= s.size()) {
    ++i;
    return 0xFFFD;
  }
  char32_t cp = extra == 0 ? lead : lead & (0x3F >> extra);
  for (int k = 1; k <= extra; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) {
      ++i;
      return 0xFFFD;
    }
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  i += extra + 1;
  return cp;
}

} // namespace

std::string slugify(std::string_view title) {
  std::string out;
  bool pending_dash = false;
  const auto append = [&](std::string_view ascii) {
    for (char c : ascii) {
      if (pending_dash && !out.empty()) out += '-';
      pending_dash = false;
      out += c;
    }
  };
  for (size_t i = 0; i < title.size() && out.size() < k_max_slug;) {
    const char32_t cp = next_code_point(title, i);
    if (cp < 0x80 && std::isalnum(static_cast<int>(cp))) {
      const char c = static_cast<char>(std::tolower(static_cast<int>(cp)));
      append(std::string_view(&c, 1));
    } else if (cp >= 0xC0 && cp < 0x180 && *fold_table()[cp - 0xC0]) {
      append(fold_table()[cp - 0xC0]);
    } else {
      pending_dash = true;
    }
  }
  if (out.size() > k_max_slug) out.resize(k_max_slug);
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out.empty() ? "issue" : out;
}

sdk::Result<void> check_key(std::string_view key) {
  if (key.empty()) return sdk::fail(sdk::FailureKind::invalid_input, "issue key is empty");
  if (safe_key(key).size() > k_max_key)
    return sdk::fail(sdk::FailureKind::invalid_input, "issue key \"" + std::string(key.substr(0, 40)) +
                                                          "...\" is too long (at most " + std::to_string(k_max_key) +
                                                          " characters once encoded)");
  return {};
}

std::string safe_key(std::string_view key) {
  if (key.empty()) return "_"; // no key encodes to a lone '_' (every other '_' is "_xx")
  std::string out;
  for (size_t i = 0; i < key.size(); ++i) {
    const auto c = static_cast<unsigned char>(key[i]);
    const bool plain = std::isalnum(c) || (c == '-' && i > 0);
    if (c < 0x80 && plain) {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "_%02x", c);
      out += buf;
    }
  }
  return out;
}

std::string branch_prefix(std::string_view key) { return "fanout/" + safe_key(key) + "-"; }

std::string branch_name(std::string_view key, std::string_view title) { return branch_prefix(key) + slugify(title); }

std::string with_key_hash(const std::string& branch, std::string_view key) {
  return branch + "-" + short_hash(key);
}

bool may_be_branch_of(std::string_view branch, std::string_view key) {
  const std::string stem = "fanout/" + safe_key(key);
  if (branch.substr(0, stem.size()) != stem) return false;
  return branch.size() == stem.size() || branch[stem.size()] == '-';
}

std::string directory_name(std::string_view key) { return safe_key(key); }

std::uint64_t fnv1a(std::string_view data, std::uint64_t seed) {
  std::uint64_t hash = seed;
  for (unsigned char c : data) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

std::string short_hash(std::string_view text) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%08x", static_cast<unsigned>(fnv1a(text) & 0xffffffffu));
  return buf;
}

namespace {
/// Lower-case [a-z0-9] kept, anything else as `sep` (collapsed), trimmed, cut to `max`.
std::string lower_word(std::string_view text, char sep, size_t max) {
  std::string out;
  for (unsigned char c : text) {
    if (c < 0x80 && std::isalnum(c)) out += static_cast<char>(std::tolower(c));
    else if (!out.empty() && out.back() != sep) out += sep;
    if (out.size() >= max) break;
  }
  if (out.size() > max) out.resize(max);
  while (!out.empty() && out.back() == sep) out.pop_back();
  return out;
}
} // namespace

std::string compose_project(std::string_view repo_root, std::string_view key) {
  std::string_view repo = repo_root;
  while (repo.size() > 1 && repo.back() == '/') repo.remove_suffix(1);
  const auto slash = repo.rfind('/');
  const std::string_view dir = slash == std::string_view::npos ? repo : repo.substr(slash + 1);
  std::string name = "fanout";
  if (auto word = lower_word(dir, '-', 20); !word.empty()) name += "-" + word;
  if (auto word = lower_word(key, '-', 20); !word.empty()) name += "-" + word;
  // The hash covers repo and raw key, so "ENG-1" and "eng_1" (same word) still differ.
  return name + "-" + short_hash(std::string(repo_root) + '\0' + std::string(key));
}

std::string database_branch(std::string_view key) {
  std::string name = "fanout_";
  if (auto word = lower_word(key, '_', 24); !word.empty()) name += word + "_";
  return name + short_hash(key);
}

} // namespace fanout::workspace
