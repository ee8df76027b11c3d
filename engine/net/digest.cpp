// Streaming digests over OpenSSL's EVP interface (see digest.hpp for why we need both kinds).
#include "engine/net/digest.hpp"

#include <openssl/evp.h>

#include <cstdio>
#include <filesystem>
#include <vector>

#include "engine/error.hpp"

namespace pe::net {

struct Digest::Impl {
    EVP_MD_CTX* ctx = nullptr;
};

static const EVP_MD* md_for(DigestKind kind) { return kind == DigestKind::sha256 ? EVP_sha256() : EVP_sha1(); }

Digest::Digest(DigestKind kind) : impl_(std::make_unique<Impl>()), kind_(kind) {
    impl_->ctx = EVP_MD_CTX_new();
    if (!impl_->ctx || EVP_DigestInit_ex(impl_->ctx, md_for(kind), nullptr) != 1)
        throw Error(ErrorKind::internal, "", "digest", "OpenSSL digest initialisation failed");
}

Digest::~Digest() {
    if (impl_ && impl_->ctx) EVP_MD_CTX_free(impl_->ctx);
}
Digest::Digest(Digest&&) noexcept = default;
Digest& Digest::operator=(Digest&&) noexcept = default;

void Digest::update(const void* data, size_t n) {
    if (n && EVP_DigestUpdate(impl_->ctx, data, n) != 1)
        throw Error(ErrorKind::internal, "", "digest", "OpenSSL digest update failed");
}

void Digest::reset() {
    if (EVP_DigestInit_ex(impl_->ctx, md_for(kind_), nullptr) != 1)
        throw Error(ErrorKind::internal, "", "digest", "OpenSSL digest initialisation failed");
}

std::string Digest::hex() {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_DigestFinal_ex(impl_->ctx, md, &len) != 1)
        throw Error(ErrorKind::internal, "", "digest", "OpenSSL digest finalisation failed");
    static const char* digits = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < len; ++i) {
        out += digits[md[i] >> 4];
        out += digits[md[i] & 15];
    }
    return out;
}

static void hash_file_into(Digest& d, const std::string& path) {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) throw_io(path, "cannot open for reading");
    std::vector<char> buf(1 << 20);
    size_t n;
    while ((n = std::fread(buf.data(), 1, buf.size(), f)) > 0) d.update(buf.data(), n);
    bool failed = std::ferror(f);
    std::fclose(f);
    if (failed) throw_io(path, "read error");
}

std::string sha256_file(const std::string& path) {
    Digest d(DigestKind::sha256);
    hash_file_into(d, path);
    return d.hex();
}

std::string git_blob_sha1_file(const std::string& path) {
    std::error_code ec;
    auto size = std::filesystem::file_size(path, ec);
    if (ec) throw_io(path, "cannot stat: " + ec.message());
    Digest d(DigestKind::sha1);
    std::string header = "blob " + std::to_string(size);
    d.update(header.data(), header.size() + 1);  // the header's terminating NUL is part of it
    hash_file_into(d, path);
    return d.hex();
}

bool is_hex_digest(std::string_view s, size_t n_chars) {
    if (s.size() != n_chars) return false;
    for (char c : s)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    return true;
}

}  // namespace pe::net
