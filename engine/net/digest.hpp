// Streaming SHA-256 and git-blob SHA-1 (OpenSSL EVP), used to verify downloads: the hub's ETag is
// the sha256 of an LFS file and the git blob id of a small file; PROVENANCE.md pins sha256s.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace pe::net {

enum class DigestKind { sha256, sha1 };

class Digest {
public:
    explicit Digest(DigestKind kind);
    ~Digest();
    Digest(Digest&&) noexcept;
    Digest& operator=(Digest&&) noexcept;

    void update(const void* data, size_t n);
    void update(std::string_view s) { update(s.data(), s.size()); }
    std::string hex();  // finishes the digest; call once
    void reset();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
    DigestKind kind_;
};

// Lower-case hex digests of a whole file (throws pe::Error io when unreadable).
std::string sha256_file(const std::string& path);
// Git's blob id: sha1("blob <size>\0" + content), what the hub sends as ETag for non-LFS files.
std::string git_blob_sha1_file(const std::string& path);

bool is_hex_digest(std::string_view s, size_t n_chars);

}  // namespace pe::net
