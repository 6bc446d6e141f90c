#include "host/workspace/index_file.hpp"

#include "host/util/error.hpp"

#include <openssl/evp.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace fanout::workspace {
namespace {

constexpr std::uint32_t k_signature = 0x44495243; // "DIRC"
constexpr std::uint32_t k_version = 2;
constexpr std::size_t k_max_name_length = 0xfff; // longer names store 0xfff in the flags

void put32(std::string& out, std::uint32_t value) {
  const char bytes[4] = {static_cast<char>(value >> 24), static_cast<char>(value >> 16), static_cast<char>(value >> 8),
                         static_cast<char>(value)};
  out.append(bytes, 4);
}

void put16(std::string& out, std::uint16_t value) {
  const char bytes[2] = {static_cast<char>(value >> 8), static_cast<char>(value)};
  out.append(bytes, 2);
}

void put_entry(std::string& out, const IndexEntry& e) {
  const std::size_t start = out.size();
  const bool gitlink = e.mode == GIT_FILEMODE_COMMIT;
  const struct stat& st = e.st;
  // The index keeps the low 32 bits of each field; gitlinks keep no stat data.
  put32(out, gitlink ? 0 : static_cast<std::uint32_t>(st.st_ctim.tv_sec));
  put32(out, gitlink ? 0 : static_cast<std::uint32_t>(st.st_ctim.tv_nsec));
  put32(out, gitlink ? 0 : static_cast<std::uint32_t>(st.st_mtim.tv_sec));
  put32(out, gitlink ? 0 : static_cast<std::uint32_t>(st.st_mtim.tv_nsec));
  put32(out, gitlink ? 0 : static_cast<std::uint32_t>(st.st_dev));
  put32(out, gitlink ? 0 : static_cast<std::uint32_t>(st.st_ino));
  put32(out, e.mode);
  put32(out, gitlink ? 0 : static_cast<std::uint32_t>(st.st_uid));
  put32(out, gitlink ? 0 : static_cast<std::uint32_t>(st.st_gid));
  put32(out, gitlink ? 0 : static_cast<std::uint32_t>(st.st_size));
  out.append(reinterpret_cast<const char*>(e.oid.id), GIT_OID_RAWSZ);
  put16(out, static_cast<std::uint16_t>(std::min(e.path.size(), k_max_name_length))); // stage 0, no flags
  out += e.path;
  // 1 to 8 NULs: the entry's length becomes a multiple of 8 and the name is terminated.
  const std::size_t length = out.size() - start;
  out.append(8 - length % 8, '\0');
}

} // namespace

void write_index_file(const std::filesystem::path& index_path, const std::vector<IndexEntry>& entries) {
  std::string data;
  data.reserve(12 + entries.size() * 96 + 20);
  put32(data, k_signature);
  put32(data, k_version);
  put32(data, static_cast<std::uint32_t>(entries.size()));
  for (const auto& entry : entries) put_entry(data, entry);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_size = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &digest_size, EVP_sha1(), nullptr) != 1 ||
      digest_size != GIT_OID_RAWSZ)
    throw UserError("cannot compute the checksum of \"" + index_path.string() + "\"");
  data.append(reinterpret_cast<const char*>(digest), digest_size);

  const std::string lock = index_path.string() + ".lock";
  const int fd = ::open(lock.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) throw UserError("cannot create \"" + lock + "\": " + std::strerror(errno));
  const char* at = data.data();
  std::size_t left = data.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, at, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int error = n < 0 ? errno : EIO;
      ::close(fd);
      ::unlink(lock.c_str());
      throw UserError("cannot write \"" + lock + "\": " + std::strerror(error));
    }
    at += n;
    left -= static_cast<std::size_t>(n);
  }
  ::close(fd);
  if (::rename(lock.c_str(), index_path.c_str()) != 0) {
    const int error = errno;
    ::unlink(lock.c_str());
    throw UserError("cannot write \"" + index_path.string() + "\": " + std::strerror(error));
  }
}

} // namespace fanout::workspace
