// Minimal zip reader (data_fetch_zip.hpp). Layout (PKWARE APPNOTE 4.3): end-of-central-directory
// record at the end (after an optional comment), central directory entries, then per member a
// local header followed by its data. Inflate is zlib's raw deflate (windowBits -15).
#include "tasks/data_fetch_zip.hpp"

#include <zlib.h>

#include <fstream>
#include <sstream>

#include "engine/error.hpp"

namespace pe::tasks {

namespace {

constexpr uint32_t eocd_signature = 0x06054b50;
constexpr uint32_t central_signature = 0x02014b50;
constexpr uint32_t local_signature = 0x04034b50;
constexpr size_t eocd_size = 22;
constexpr size_t central_size = 46;
constexpr size_t local_size = 30;

// Little-endian reads that name the field and check the bounds first.
struct Cursor {
    const std::string& path;
    const std::string& bytes;
    uint64_t pos;
    void need(uint64_t n, const char* field) const {
        if (pos > bytes.size() || n > bytes.size() - pos)
            throw_bad_input(path, field, "truncated archive", pos);
    }
    uint64_t uint(int n, const char* field) {
        need(n, field);
        uint64_t v = 0;
        for (int i = 0; i < n; ++i) v |= static_cast<uint64_t>(static_cast<unsigned char>(bytes[pos + i])) << (8 * i);
        pos += n;
        return v;
    }
    uint16_t u16(const char* f) { return static_cast<uint16_t>(uint(2, f)); }
    uint32_t u32(const char* f) { return static_cast<uint32_t>(uint(4, f)); }
    std::string str(uint64_t n, const char* field) {
        need(n, field);
        std::string s = bytes.substr(pos, n);
        pos += n;
        return s;
    }
};

}  // namespace

ZipArchive::ZipArchive(std::string path) : path_(std::move(path)) {
    std::ifstream in(path_, std::ios::binary);
    if (!in) throw_io(path_, "cannot open");
    std::stringstream ss;
    ss << in.rdbuf();
    bytes_ = ss.str();
    if (bytes_.size() < eocd_size) throw_bad_input(path_, "end of central directory", "file too small for a zip");

    // The record is the last 22 bytes unless a comment (at most 65535 bytes) follows it.
    uint64_t eocd = 0;
    bool found = false;
    uint64_t lowest = bytes_.size() >= eocd_size + 65535 ? bytes_.size() - eocd_size - 65535 : 0;
    for (uint64_t p = bytes_.size() - eocd_size + 1; p-- > lowest;) {
        Cursor c{path_, bytes_, p};
        if (c.u32("eocd.signature") == eocd_signature) {
            eocd = p;
            found = true;
            break;
        }
    }
    if (!found) throw_bad_input(path_, "end of central directory", "signature not found (not a zip file?)");
    Cursor c{path_, bytes_, eocd + 10};
    uint64_t n_entries = c.u16("eocd.total_entries");
    uint64_t dir_size = c.u32("eocd.central_directory_size");
    uint64_t dir_offset = c.u32("eocd.central_directory_offset");
    if (n_entries == 0xFFFF || dir_offset == 0xFFFFFFFF)
        throw_unsupported(path_, "eocd", "ZIP64 archives are not supported");
    if (dir_offset > bytes_.size() || dir_size > bytes_.size() - dir_offset)
        throw_bad_input(path_, "eocd.central_directory_offset", "points past the end of the file", eocd + 16);
    if (n_entries > dir_size / central_size)
        throw_bad_input(path_, "eocd.total_entries", std::to_string(n_entries) + " entries cannot fit", eocd + 10);

    Cursor d{path_, bytes_, dir_offset};
    for (uint64_t i = 0; i < n_entries; ++i) {
        uint64_t at = d.pos;
        if (d.u32("central.signature") != central_signature)
            throw_bad_input(path_, "central.signature", "bad central directory entry " + std::to_string(i), at);
        d.pos += 6;  // version made by, version needed, flags
        ZipEntry e;
        e.method = d.u16("central.method");
        d.pos += 4;  // time, date
        e.crc32 = d.u32("central.crc32");
        e.compressed_size = d.u32("central.compressed_size");
        e.size = d.u32("central.size");
        uint64_t name_len = d.u16("central.name_length");
        uint64_t extra_len = d.u16("central.extra_length");
        uint64_t comment_len = d.u16("central.comment_length");
        d.pos += 8;  // disk number, internal attributes, external attributes
        e.local_header_offset = d.u32("central.local_header_offset");
        e.name = d.str(name_len, "central.name");
        d.need(extra_len + comment_len, "central.extra");
        d.pos += extra_len + comment_len;
        if (e.compressed_size == 0xFFFFFFFF || e.size == 0xFFFFFFFF || e.local_header_offset == 0xFFFFFFFF)
            throw_unsupported(path_, e.name, "ZIP64 members are not supported");
        entries_.push_back(std::move(e));
    }
}

std::string ZipArchive::read(const std::string& name) const {
    const ZipEntry* e = nullptr;
    for (const auto& entry : entries_)
        if (entry.name == name) e = &entry;
    if (!e) {
        std::string have;
        for (const auto& entry : entries_)
            if (!entry.name.ends_with("/") && !entry.name.starts_with("__MACOSX"))
                have += (have.empty() ? "" : ", ") + entry.name;
        throw_bad_input(path_, name, "no such member; the archive holds: " + have);
    }
    Cursor c{path_, bytes_, e->local_header_offset};
    if (c.u32("local.signature") != local_signature)
        throw_bad_input(path_, name, "bad local header signature", e->local_header_offset);
    c.pos += 22;  // version, flags, method, time, date, crc, sizes: the central directory is authoritative
    uint64_t name_len = c.u16("local.name_length");
    uint64_t extra_len = c.u16("local.extra_length");
    c.pos += name_len + extra_len;
    c.need(e->compressed_size, "member data");
    const char* data = bytes_.data() + c.pos;

    std::string out;
    if (e->method == 0) {
        if (e->compressed_size != e->size) throw_bad_input(path_, name, "stored member with two sizes");
        out.assign(data, e->size);
    } else if (e->method == 8) {
        if (e->size > (uint64_t(1) << 32)) throw_bad_input(path_, name, "member too large");
        out.resize(e->size);
        z_stream zs{};
        if (inflateInit2(&zs, -15) != Z_OK) throw Error(ErrorKind::internal, path_, name, "inflateInit2 failed");
        zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data));
        zs.avail_in = static_cast<uInt>(e->compressed_size);
        zs.next_out = reinterpret_cast<Bytef*>(out.data());
        zs.avail_out = static_cast<uInt>(out.size());
        int rc = inflate(&zs, Z_FINISH);
        uint64_t produced = zs.total_out;
        inflateEnd(&zs);
        if (rc != Z_STREAM_END || produced != e->size)
            throw_bad_input(path_, name, "corrupt deflate data (inflated " + std::to_string(produced) + " of " +
                                             std::to_string(e->size) + " bytes)");
    } else {
        throw_unsupported(path_, name, "compression method " + std::to_string(e->method) + " (only stored and deflate)");
    }
    uLong crc = crc32(0L, Z_NULL, 0);
    crc = crc32(crc, reinterpret_cast<const Bytef*>(out.data()), static_cast<uInt>(out.size()));
    if (crc != e->crc32) throw_bad_input(path_, name, "CRC-32 mismatch");
    return out;
}

}  // namespace pe::tasks
