// ZipArchive (zip.hpp): end-of-central-directory record (and its ZIP64 form) found from the end,
// central directory walked entry by entry (ZIP64 extra field 0x0001), each local header read only
// for its own name and extra lengths. APPNOTE.TXT §4.3.12, §4.3.14-16; inflate is zlib's raw
// deflate (windowBits -15).
#include "engine/io/zip.hpp"

#include <zlib.h>

#include <algorithm>
#include <climits>

#include "engine/error.hpp"

namespace pe::io {

namespace {

constexpr uint32_t sig_local = 0x04034b50, sig_central = 0x02014b50, sig_eocd = 0x06054b50;
constexpr uint32_t sig_zip64_locator = 0x07064b50, sig_zip64_eocd = 0x06064b50;
constexpr uint64_t eocd_bytes = 22, central_bytes = 46, local_bytes = 30, max_comment = 65535;

// Little-endian reads at absolute offsets of the mapped archive, each checked against its end.
struct Bytes {
    std::span<const std::byte> b;
    const std::string& path;
    uint64_t u(uint64_t at, unsigned n, const std::string& field) const {
        if (at > b.size() || n > b.size() - at) throw_bad_input(path, field, "runs past the end of the archive", at);
        uint64_t v = 0;
        for (unsigned i = 0; i < n; ++i) v |= uint64_t(std::to_integer<uint8_t>(b[at + i])) << (8 * i);
        return v;
    }
};

struct CentralDirectory {
    uint64_t offset = 0, size = 0, n_entries = 0;
};

CentralDirectory find_central_directory(const Bytes& f) {
    const uint64_t size = f.b.size();
    if (size < eocd_bytes) throw_bad_input(f.path, "zip", "too small to be a zip archive: not a zip archive", 0);
    // The EOCD record is the last 22 bytes unless a comment (at most 65535 bytes) follows it.
    const uint64_t lowest = size - std::min(size, eocd_bytes + max_comment);
    uint64_t at = size - eocd_bytes + 1;
    bool found = false;
    while (at-- > lowest)
        if (f.u(at, 4, "eocd") == sig_eocd) {
            found = true;
            break;
        }
    if (!found) throw_bad_input(f.path, "zip", "no end-of-central-directory signature found: not a zip archive");
    CentralDirectory cd{f.u(at + 16, 4, "eocd.central_directory_offset"), f.u(at + 12, 4, "eocd.central_directory_size"),
                        f.u(at + 10, 2, "eocd.total_entries")};
    if (cd.offset == 0xffffffff || cd.size == 0xffffffff || cd.n_entries == 0xffff) {
        if (at < 20) throw_bad_input(f.path, "zip64 locator", "missing", at);
        const uint64_t loc = at - 20;
        if (f.u(loc, 4, "zip64 locator") != sig_zip64_locator)
            throw_bad_input(f.path, "zip64 locator", "bad signature", loc);
        const uint64_t rec = f.u(loc + 8, 8, "zip64 locator.offset");
        if (f.u(rec, 4, "zip64 eocd") != sig_zip64_eocd) throw_bad_input(f.path, "zip64 eocd", "bad signature", rec);
        cd = {f.u(rec + 48, 8, "zip64 eocd.central_directory_offset"),
              f.u(rec + 40, 8, "zip64 eocd.central_directory_size"), f.u(rec + 32, 8, "zip64 eocd.total_entries")};
    }
    if (cd.offset > size || cd.size > size - cd.offset)
        throw_bad_input(f.path, "zip central directory", "lies outside the file", cd.offset);
    // Compare the count with the bytes that could hold it before allocating for it.
    if (cd.n_entries > cd.size / central_bytes)
        throw_bad_input(f.path, "zip central directory",
                        std::to_string(cd.n_entries) + " entries cannot fit in " + std::to_string(cd.size) + " bytes",
                        cd.offset);
    return cd;
}

// One central directory record at `at`; returns the offset of the next one.
uint64_t read_entry(const Bytes& f, uint64_t at, uint64_t dir_end, ZipEntry& z) {
    if (f.u(at, 4, "zip central entry") != sig_central)
        throw_bad_input(f.path, "zip central entry", "bad signature", at);
    const uint64_t flags = f.u(at + 8, 2, "zip entry flags");
    z.method = uint16_t(f.u(at + 10, 2, "zip entry method"));
    z.crc32 = uint32_t(f.u(at + 16, 4, "zip entry crc32"));
    z.compressed_size = f.u(at + 20, 4, "zip entry compressed size");
    z.size = f.u(at + 24, 4, "zip entry size");
    const uint64_t name_len = f.u(at + 28, 2, "zip entry name length");
    const uint64_t extra_len = f.u(at + 30, 2, "zip entry extra length");
    const uint64_t comment_len = f.u(at + 32, 2, "zip entry comment length");
    uint64_t local = f.u(at + 42, 4, "zip entry local offset");
    const uint64_t next = at + central_bytes + name_len + extra_len + comment_len;
    if (next > dir_end) throw_bad_input(f.path, "zip central entry", "runs past the central directory", at);
    z.name.assign(reinterpret_cast<const char*>(f.b.data() + at + central_bytes), name_len);
    const std::string where = "zip entry '" + z.name + "'";
    if (flags & 0x1) throw_unsupported(f.path, where, "encrypted entries are not supported");
    // ZIP64 extended information: only the fields that are 0xFFFFFFFF above are present, in this order.
    const uint64_t extra = at + central_bytes + name_len;
    for (uint64_t x = extra; x + 4 <= extra + extra_len;) {
        const uint64_t id = f.u(x, 2, "zip extra id"), len = f.u(x + 2, 2, "zip extra length");
        if (id == 0x0001) {
            uint64_t p = x + 4;
            if (z.size == 0xffffffff) { z.size = f.u(p, 8, "zip64 size"); p += 8; }
            if (z.compressed_size == 0xffffffff) { z.compressed_size = f.u(p, 8, "zip64 compressed size"); p += 8; }
            if (local == 0xffffffff) { local = f.u(p, 8, "zip64 local offset"); p += 8; }
        }
        x += 4 + len;
    }
    if (z.method == 0 && z.compressed_size != z.size)
        throw_bad_input(f.path, where, "stored entry with differing sizes", at);
    // Local header: 30 fixed bytes, then its own name and extra field (their lengths may differ from
    // the central copy; torch pads the extra field so that data is 64-byte aligned).
    if (f.u(local, 4, "zip local header of '" + z.name + "'") != sig_local)
        throw_bad_input(f.path, "zip local header of '" + z.name + "'", "bad signature", local);
    z.data_offset = local + local_bytes + f.u(local + 26, 2, "zip local name length") +
                    f.u(local + 28, 2, "zip local extra length");
    if (z.data_offset > f.b.size() || z.compressed_size > f.b.size() - z.data_offset)
        throw_bad_input(f.path, where, "data runs past the end of the file (truncated?)", z.data_offset);
    return next;
}

std::string inflate_entry(const std::string& path, const ZipEntry& e, std::span<const std::byte> in) {
    std::string out(e.size, '\0');
    z_stream zs{};
    if (inflateInit2(&zs, -15) != Z_OK) throw Error(ErrorKind::internal, path, e.name, "inflateInit2 failed");
    // zlib counts in uInt: feed and drain in pieces of at most UINT_MAX bytes (ZIP64 members).
    uint64_t in_at = 0, out_at = 0;
    int rc = Z_OK;
    while (rc == Z_OK) {
        zs.next_in = reinterpret_cast<Bytef*>(const_cast<std::byte*>(in.data() + in_at));
        zs.avail_in = uInt(std::min<uint64_t>(in.size() - in_at, UINT_MAX));
        zs.next_out = reinterpret_cast<Bytef*>(out.data() + out_at);
        zs.avail_out = uInt(std::min<uint64_t>(out.size() - out_at, UINT_MAX));
        const uInt had_in = zs.avail_in, had_out = zs.avail_out;
        rc = inflate(&zs, Z_NO_FLUSH);
        in_at += had_in - zs.avail_in;
        out_at += had_out - zs.avail_out;
        if (rc == Z_OK && had_in == zs.avail_in && had_out == zs.avail_out) break;  // no progress: input ends
    }
    inflateEnd(&zs);
    if (rc != Z_STREAM_END || out_at != e.size)
        throw_bad_input(path, e.name, "corrupt deflate data (inflated " + std::to_string(out_at) + " of " +
                                          std::to_string(e.size) + " bytes)");
    return out;
}

}  // namespace

ZipArchive::ZipArchive(std::string path) : path_(std::move(path)), file_(MappedFile::map(path_)) {
    const Bytes f{file_.bytes(), path_};
    const CentralDirectory cd = find_central_directory(f);
    entries_.reserve(size_t(cd.n_entries));
    uint64_t at = cd.offset;
    for (uint64_t i = 0; i < cd.n_entries; ++i) {
        ZipEntry z;
        at = read_entry(f, at, cd.offset + cd.size, z);
        entries_.push_back(std::move(z));
    }
}

const ZipEntry& ZipArchive::entry(std::string_view name) const {
    for (const auto& e : entries_)
        if (e.name == name) return e;
    std::string have;
    for (const auto& e : entries_)
        if (!e.name.ends_with("/") && !e.name.starts_with("__MACOSX")) have += (have.empty() ? "" : ", ") + e.name;
    throw_bad_input(path_, std::string(name), "no such member; the archive holds: " + have);
}

std::span<const std::byte> ZipArchive::stored(const ZipEntry& e, const std::string& what) const {
    if (e.method != 0)
        throw_unsupported(path_, what, "compressed zip entry '" + e.name + "' (only stored entries are read in place)");
    return file_.bytes().subspan(e.data_offset, e.size);
}

std::string ZipArchive::read(std::string_view name) const {
    const ZipEntry& e = entry(name);
    const auto data = file_.bytes().subspan(e.data_offset, e.compressed_size);
    std::string out;
    if (e.method == 0) {
        out.assign(reinterpret_cast<const char*>(data.data()), data.size());
    } else if (e.method == 8) {
        out = inflate_entry(path_, e, data);
    } else {
        throw_unsupported(path_, e.name,
                          "compression method " + std::to_string(e.method) + " (only stored and deflate)");
    }
    const uLong crc = crc32_z(crc32(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(out.data()), out.size());
    if (crc != e.crc32) throw_bad_input(path_, e.name, "CRC-32 mismatch");
    return out;
}

}  // namespace pe::io
