#pragma once
// Names derived from an issue: branch, worktree folder, compose project, database branch.
// Every name is safe to use as a git ref component, a path component and a shell word,
// whatever the tracker sends as key or title.

#include <fanout/sdk/result.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace fanout::workspace {

/// Longest slug taken from a title (the key keeps names unique, the slug only helps humans).
inline constexpr std::size_t k_max_slug = 40;
/// Longest issue key accepted, counted after encoding.
inline constexpr std::size_t k_max_key = 64;

/// A title as a slug: UTF-8 Latin-1/Latin Extended-A letters folded to ASCII ("é" -> "e",
/// "ß" -> "ss"), other code points dropped, lower-case, runs of anything outside [a-z0-9]
/// collapsed to one '-', no leading/trailing '-', at most k_max_slug characters, never
/// empty ("issue" when nothing is left). Never contains '.', '/', '@' or "..".
std::string slugify(std::string_view title);

/// Whether fanout can name things after `key`: a failure (invalid_input) for an empty key,
/// "issue key is empty", and for one whose safe_key() is longer than k_max_key,
/// `issue key "<its first 40 bytes>..." is too long (at most 64 characters once encoded)`.
/// Checked where a key comes in (up, clean, pr show), before any name is made of it.
sdk::Result<void> check_key(std::string_view key);

/// The key as a name component: [A-Za-z0-9-] kept, every other byte (and a leading '-')
/// written as "_xx" (lower-case hex), so the encoding is injective: two keys never share a
/// name. "ENG-123" -> "ENG-123", "../x" -> "_2e_2e_2fx". Never fails and never names a
/// parent or the folder itself: a key check_key() refuses still gets a safe component (the
/// empty key "_", a long key its whole encoding).
std::string safe_key(std::string_view key);

/// The branch of a workspace: "fanout/<safe_key>-<slug>". Two different keys can still
/// meet when one key contains '-' ("a" + "b-c" vs "a-b" + "c"); the workspace store
/// detects that and uses with_key_hash() instead.
std::string branch_name(std::string_view key, std::string_view title);

/// What every branch branch_name() and with_key_hash() give for `key` starts with:
/// "fanout/<safe_key>-".
std::string branch_prefix(std::string_view key);

/// `branch` with "-<8 hex of the key's hash>" appended: the tie-breaker of branch_name.
std::string with_key_hash(const std::string& branch, std::string_view key);

/// True when `branch` has the shape branch_name() or with_key_hash() give for `key`:
/// "fanout/<safe_key>" or "fanout/<safe_key>-..." ("fanout/12-x" is not key "1"'s). Keys
/// with '-' stay ambiguous ("fanout/a-b-c" fits "a" and "a-b"): check the branch's owner too.
bool may_be_branch_of(std::string_view branch, std::string_view key);

/// Folder name of the worktree under [workspace] root: the safe key.
std::string directory_name(std::string_view key);

/// COMPOSE_PROJECT_NAME: [a-z0-9_-], starts with a letter, unique per repo and key
/// ("fanout-<repo dir>-<key>-<hash>"), at most 63 characters.
std::string compose_project(std::string_view repo_root, std::string_view key);

/// Name passed to a database brancher: [a-z0-9_], starts with a letter, <= 48 characters,
/// unique per key ("fanout_<key>_<hash>").
std::string database_branch(std::string_view key);

/// 64-bit FNV-1a: stable across runs, machines and compilers (port blocks, name hashes).
std::uint64_t fnv1a(std::string_view data, std::uint64_t seed = 0xcbf29ce484222325ULL);

/// Eight lower-case hex digits of fnv1a(text).
std::string short_hash(std::string_view text);

} // namespace fanout::workspace
