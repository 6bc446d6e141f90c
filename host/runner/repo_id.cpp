#include "host/runner/repo_id.hpp"

#include <cstdint>
#include <fmt/format.h>

namespace fanout::runner {
namespace {

constexpr std::size_t k_slug_chars = 31; // + "-" + 8 hex digits = 40

/// FNV-1a, 32 bits: stable across builds and machines (std::hash is not).
std::uint32_t fnv1a(const std::string& text) {
  std::uint32_t hash = 2166136261u;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 16777619u;
  }
  return hash;
}

} // namespace

std::string repo_id(const std::filesystem::path& repo_root) {
  const auto absolute = std::filesystem::absolute(repo_root).lexically_normal();
  std::string slug;
  for (char c : (absolute.has_filename() ? absolute.filename() : absolute.parent_path().filename()).string()) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    const bool keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (keep) slug += c;
    else if (!slug.empty() && slug.back() != '-') slug += '-';
    if (slug.size() >= k_slug_chars) break;
  }
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  if (slug.empty()) slug = "repo";
  std::string path = absolute.string();
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return fmt::format("{}-{:08x}", slug, fnv1a(path));
}

} // namespace fanout::runner
