// ZIP central directory walk (APPNOTE.TXT §4.3.12, §4.3.16, ZIP64 §4.3.14-15, extra field 0x0001).
// Offsets come from the central directory; the local header is read only for its name/extra lengths.
#include "engine/convert/zip_reader.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>

#include <zlib.h>

#include "engine/convert/source_tensor.hpp"
#include "engine/error.hpp"

namespace pe::convert {

namespace {

constexpr uint32_t sig_local = 0x04034b50, sig_central = 0x02014b50, sig_eocd = 0x06054b50;
constexpr uint32_t sig_zip64_locator = 0x07064b50, sig_zip64_eocd = 0x06064b50;

// Little-endian reads from a buffer that was itself read from `base` in the file.
struct Buf {
    const std::vector<std::byte>& b;
    uint64_t base;
    const std::string& file;
    uint64_t u(size_t at, size_t n, const char* field) const {
        if (at + n > b.size()) throw_bad_input(file, field, "record runs past its end", base + at);
        uint64_t v = 0;
        for (size_t i = 0; i < n; ++i) v |= uint64_t(std::to_integer<uint8_t>(b[at + i])) << (8 * i);
        return v;
    }
};

struct CentralDirectory {
    uint64_t offset = 0, size = 0, n_entries = 0;
};

CentralDirectory find_central_directory(const InputFile& f) {
    const std::string& path = f.path();
    if (f.size() < 22) throw_bad_input(path, "zip", "too small to be a zip archive (legacy torch.save format?)", 0);
    // The EOCD record is 22 bytes plus a comment of up to 65535 bytes at the very end.
    const uint64_t tail_len = std::min<uint64_t>(f.size(), 22 + 65535);
    const uint64_t tail_base = f.size() - tail_len;
    const auto tail = f.read(tail_base, tail_len, "zip end of central directory");
    const Buf t{tail, tail_base, path};
    int64_t at = int64_t(tail_len) - 22;
    for (; at >= 0; --at)
        if (t.u(size_t(at), 4, "eocd") == sig_eocd) break;
    if (at < 0)
        throw_bad_input(path, "zip", "no end-of-central-directory record: not a zip archive "
                                     "(the legacy pre-1.6 torch.save format is not supported)");
    const size_t e = size_t(at);
    CentralDirectory cd{t.u(e + 16, 4, "eocd.cd_offset"), t.u(e + 12, 4, "eocd.cd_size"),
                        t.u(e + 10, 2, "eocd.n_entries")};
    const bool zip64 = cd.offset == 0xffffffff || cd.size == 0xffffffff || cd.n_entries == 0xffff;
    if (zip64) {
        const uint64_t eocd_abs = tail_base + e;
        if (eocd_abs < 20) throw_bad_input(path, "zip64 locator", "missing", eocd_abs);
        const auto loc = f.read(eocd_abs - 20, 20, "zip64 locator");
        const Buf l{loc, eocd_abs - 20, path};
        if (l.u(0, 4, "zip64 locator") != sig_zip64_locator)
            throw_bad_input(path, "zip64 locator", "bad signature", eocd_abs - 20);
        const uint64_t rec_off = l.u(8, 8, "zip64 locator.offset");
        const auto rec = f.read(rec_off, 56, "zip64 end of central directory");
        const Buf r{rec, rec_off, path};
        if (r.u(0, 4, "zip64 eocd") != sig_zip64_eocd)
            throw_bad_input(path, "zip64 eocd", "bad signature", rec_off);
        cd = {r.u(48, 8, "zip64 eocd.cd_offset"), r.u(40, 8, "zip64 eocd.cd_size"),
              r.u(32, 8, "zip64 eocd.n_entries")};
    }
    if (cd.offset > f.size() || cd.size > f.size() - cd.offset)
        throw_bad_input(path, "zip central directory", "lies outside the file", cd.offset);
    // Each central record is at least 46 bytes: compare the count with the bytes before allocating.
    if (cd.n_entries > cd.size / 46)
        throw_bad_input(path, "zip central directory", std::to_string(cd.n_entries) +
                                                           " entries cannot fit in " + std::to_string(cd.size) + " bytes",
                        cd.offset);
    return cd;
}

}  // namespace

void check_crc32(const InputFile& f, const ZipEntry& e) {
    uLong crc = ::crc32(0L, Z_NULL, 0);
    std::vector<std::byte> buf(std::min<uint64_t>(e.size_bytes, 1 << 20));
    for (uint64_t done = 0; done < e.size_bytes;) {
        const uint64_t n = std::min<uint64_t>(buf.size(), e.size_bytes - done);
        f.read_into(e.data_offset + done, buf.data(), n, "zip entry '" + e.name + "'");
        crc = ::crc32(crc, reinterpret_cast<const Bytef*>(buf.data()), uInt(n));
        done += n;
    }
    if (uint32_t(crc) != e.crc32) {
        char got[16], want[16];
        std::snprintf(got, sizeof got, "%08x", unsigned(crc));
        std::snprintf(want, sizeof want, "%08x", unsigned(e.crc32));
        throw_bad_input(f.path(), "zip entry '" + e.name + "'",
                        std::string("CRC-32 of its bytes is ") + got + ", the archive says " + want +
                            ": the file is damaged or was altered",
                        e.data_offset);
    }
}

std::vector<ZipEntry> read_zip_directory(const InputFile& f) {
    const std::string& path = f.path();
    const CentralDirectory cd = find_central_directory(f);
    const auto dir = f.read(cd.offset, cd.size, "zip central directory");
    const Buf d{dir, cd.offset, path};
    std::vector<ZipEntry> entries;
    entries.reserve(size_t(cd.n_entries));
    size_t at = 0;
    for (uint64_t i = 0; i < cd.n_entries; ++i) {
        if (d.u(at, 4, "zip central entry") != sig_central)
            throw_bad_input(path, "zip central entry", "bad signature", cd.offset + at);
        ZipEntry z;
        const uint16_t flags = uint16_t(d.u(at + 8, 2, "zip entry flags"));
        z.method = uint16_t(d.u(at + 10, 2, "zip entry method"));
        z.crc32 = uint32_t(d.u(at + 16, 4, "zip entry crc-32"));
        uint64_t comp_size = d.u(at + 20, 4, "zip entry compressed size");
        z.size_bytes = d.u(at + 24, 4, "zip entry size");
        const size_t name_len = d.u(at + 28, 2, "zip entry name length");
        const size_t extra_len = d.u(at + 30, 2, "zip entry extra length");
        const size_t comment_len = d.u(at + 32, 2, "zip entry comment length");
        uint64_t local_off = d.u(at + 42, 4, "zip entry local offset");
        if (at + 46 + name_len + extra_len + comment_len > dir.size())
            throw_bad_input(path, "zip central entry", "runs past the central directory", cd.offset + at);
        z.name.assign(reinterpret_cast<const char*>(dir.data() + at + 46), name_len);
        if (flags & 0x1) throw_unsupported(path, "zip entry '" + z.name + "'", "encrypted entries are not supported");
        // ZIP64 extended information: only the fields that are 0xFFFFFFFF here are present, in this order.
        for (size_t x = at + 46 + name_len; x + 4 <= at + 46 + name_len + extra_len;) {
            const uint64_t id = d.u(x, 2, "zip extra id"), len = d.u(x + 2, 2, "zip extra length");
            if (id == 0x0001) {
                size_t p = x + 4;
                if (z.size_bytes == 0xffffffff) { z.size_bytes = d.u(p, 8, "zip64 size"); p += 8; }
                if (comp_size == 0xffffffff) { comp_size = d.u(p, 8, "zip64 compressed size"); p += 8; }
                if (local_off == 0xffffffff) { local_off = d.u(p, 8, "zip64 local offset"); p += 8; }
            }
            x += 4 + len;
        }
        if (z.method == 0 && comp_size != z.size_bytes)
            throw_bad_input(path, "zip entry '" + z.name + "'", "stored entry with differing sizes", cd.offset + at);
        // Local header: 30 fixed bytes, then its own name and extra field (lengths may differ from
        // the central copy; torch pads the extra field so that data is 64-byte aligned).
        const auto local = f.read(local_off, 30, "zip local header of '" + z.name + "'");
        const Buf lh{local, local_off, path};
        if (lh.u(0, 4, "zip local header") != sig_local)
            throw_bad_input(path, "zip local header of '" + z.name + "'", "bad signature", local_off);
        z.data_offset = checked_add(local_off, 30 + lh.u(26, 2, "name length") + lh.u(28, 2, "extra length"),
                                    path, "zip entry '" + z.name + "'");
        if (z.data_offset > f.size() || z.size_bytes > f.size() - z.data_offset)
            throw_bad_input(path, "zip entry '" + z.name + "'", "data runs past the end of the file (truncated?)",
                            z.data_offset);
        entries.push_back(std::move(z));
        at += 46 + name_len + extra_len + comment_len;
    }
    return entries;
}

}  // namespace pe::convert
