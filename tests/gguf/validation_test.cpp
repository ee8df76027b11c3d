// One crafted bad file per validation rule of the reader (§3.1), each asserting the error's kind,
// field and byte offset; plus every prefix of a valid file, which must fail cleanly as truncated.
#include <boost/test/unit_test.hpp>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>

#include "engine/error.hpp"
#include "engine/gguf/reader.hpp"
#include "engine/gguf/writer.hpp"
#include "tests/common/shared.hpp"
#include "tests/gguf/test_util.hpp"

using namespace pe::gguf;
using pe::ErrorKind;
using pe::test::RawGguf;

namespace {

pe::Error parse_error(const RawGguf& f) {
    try {
        (void)Reader::from_bytes(f.b, "bad.gguf");
    } catch (const pe::Error& e) {
        return e;
    }
    BOOST_FAIL("the file parsed, but an error was expected");
    throw;  // unreachable
}

void expect(const RawGguf& f, ErrorKind kind, const std::string& field, std::optional<uint64_t> offset,
            const std::string& needle = "") {
    const pe::Error e = parse_error(f);
    BOOST_TEST_INFO("what(): " << e.what());
    BOOST_TEST(e.kind() == kind);
    BOOST_TEST(e.file() == "bad.gguf");
    BOOST_TEST(e.field() == field);
    BOOST_TEST(e.offset().value_or(~uint64_t(0)) == offset.value_or(~uint64_t(0)));
    if (!needle.empty()) BOOST_TEST(std::string(e.what()).find(needle) != std::string::npos);
}

// A file with one tensor 'a' of type `type` and shape `ne`, at data offset `offset`; `data_bytes`
// zero bytes follow the aligned header. Returns the position of the tensor info record.
uint64_t one_tensor(RawGguf& f, std::vector<uint64_t> ne, uint32_t type, uint64_t offset, uint64_t data_bytes) {
    f.header(1, 0);
    const uint64_t at = f.size();
    f.tensor("a", std::move(ne), type, offset).pad_to(32).zeros(data_bytes);
    return at;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(gguf_validation)

BOOST_AUTO_TEST_CASE(minimal_files_parse) {
    RawGguf empty;
    empty.header(0, 0);
    const Reader r = Reader::from_bytes(empty.b, "ok.gguf");
    BOOST_TEST(r.kvs().empty());
    RawGguf v2;
    v2.header(0, 1, 2).kv_u32("k", 7);
    BOOST_TEST(*Reader::from_bytes(v2.b, "v2.gguf").get_integer("k") == 7);
    RawGguf t;
    one_tensor(t, {8}, 0, 0, 32);
    BOOST_TEST(Reader::from_bytes(t.b, "t.gguf").tensors().at(0).n_bytes == 32u);
}

BOOST_AUTO_TEST_CASE(bad_magic) {
    RawGguf f;
    f.u32(0x46554746).u32(3).u64(0).u64(0);
    expect(f, ErrorKind::bad_input, "header.magic", 0, "not a GGUF file");
}

BOOST_AUTO_TEST_CASE(unsupported_versions) {
    for (uint32_t v : {1u, 4u}) {
        RawGguf f;
        f.header(0, 0, v);
        expect(f, ErrorKind::unsupported, "header.version", 4, "version " + std::to_string(v));
    }
    RawGguf big_endian;
    big_endian.header(0, 0, 0x03000000);
    expect(big_endian, ErrorKind::unsupported, "header.version", 4, "big-endian");
    RawGguf zero;
    zero.header(0, 0, 0);
    expect(zero, ErrorKind::bad_input, "header.version", 4);
}

BOOST_AUTO_TEST_CASE(huge_counts) {
    RawGguf kv;
    kv.header(0, uint64_t(1) << 62);
    expect(kv, ErrorKind::bad_input, "header.n_kv", 16, "cannot fit");
    RawGguf kv_max;
    kv_max.header(0, ~uint64_t(0));
    expect(kv_max, ErrorKind::bad_input, "header.n_kv", 16);
    RawGguf t;
    t.header(1000, 0).zeros(100);
    expect(t, ErrorKind::bad_input, "header.n_tensors", 8, "cannot fit");
    RawGguf arr;  // an array count that the bytes left cannot hold
    arr.header(0, 1).str("k").u32(9).u32(4).u64(uint64_t(1) << 40).u32(1);
    expect(arr, ErrorKind::bad_input, "key 'k' count", 24 + 9 + 4 + 4, "cannot fit");
}

BOOST_AUTO_TEST_CASE(array_elements_are_capped) {
    // 2^24 + 1 u8 elements fit in the file, but would cost ~40x their bytes as Scalars.
    const uint64_t n = (uint64_t(1) << 24) + 1;
    RawGguf f;
    f.header(0, 1).str("k").u32(9).u32(0).u64(n).zeros(n);
    expect(f, ErrorKind::unsupported, "key 'k' count", 24 + 9 + 4 + 4, "more than 16777216");
}

BOOST_AUTO_TEST_CASE(huge_string_length) {
    RawGguf key;
    key.header(0, 1).u64(uint64_t(1) << 60).zeros(20);
    expect(key, ErrorKind::bad_input, "kv[0].key", 24, "string length");
    RawGguf value;
    value.header(0, 1).str("name").u32(8).u64(~uint64_t(0));
    expect(value, ErrorKind::bad_input, "key 'name'", 24 + 12 + 4, "string length");
}

BOOST_AUTO_TEST_CASE(bad_alignment) {
    for (uint32_t a : {0u, 48u}) {
        RawGguf f;
        f.header(0, 1).kv_u32("general.alignment", a);
        expect(f, ErrorKind::bad_input, "key 'general.alignment'", 24 + 8 + 17 + 4, "power of two");
    }
    RawGguf wrong_type;
    wrong_type.header(0, 1).str("general.alignment").u32(10).u64(32);
    expect(wrong_type, ErrorKind::bad_input, "key 'general.alignment'", 24 + 8 + 17 + 4, "must be u32");
}

BOOST_AUTO_TEST_CASE(misaligned_tensor_offset) {
    RawGguf f;
    const uint64_t at = one_tensor(f, {8}, 0, 16, 64);
    expect(f, ErrorKind::bad_input, "tensor 'a' offset", at + 9 + 4 + 8 + 4, "not a multiple of the alignment");
}

BOOST_AUTO_TEST_CASE(tensor_data_outside_the_file) {
    RawGguf f;
    const uint64_t at = one_tensor(f, {16}, 0, 0, 63);  // needs 64 bytes
    expect(f, ErrorKind::bad_input, "tensor 'a' offset", at + 9 + 4 + 8 + 4, "past the end");
    RawGguf far;
    const uint64_t at2 = one_tensor(far, {8}, 0, ~uint64_t(0) - 31, 32);  // offset + size wraps
    expect(far, ErrorKind::bad_input, "tensor 'a' offset", at2 + 9 + 4 + 8 + 4, "past the end");
    RawGguf no_data;  // tensor infos end the file: the data section starts past its end
    no_data.header(1, 0).tensor("a", {8}, 0, 0);
    expect(no_data, ErrorKind::bad_input, "data section", no_data.size(), "past the end");
}

BOOST_AUTO_TEST_CASE(overlapping_tensors) {
    RawGguf f;
    f.header(2, 0);
    f.tensor("a", {16}, 0, 0);  // [0, 64)
    const uint64_t b_at = f.size();
    f.tensor("b", {8}, 0, 32);  // [32, 64): inside a
    f.pad_to(32).zeros(64);
    expect(f, ErrorKind::bad_input, "tensor 'b' offset", b_at + 9 + 4 + 8 + 4, "overlaps tensor 'a'");
    RawGguf adjacent;  // touching is fine
    adjacent.header(2, 0).tensor("a", {8}, 0, 0).tensor("b", {8}, 0, 32).pad_to(32).zeros(64);
    BOOST_TEST(Reader::from_bytes(adjacent.b, "ok.gguf").tensors().size() == 2u);
}

BOOST_AUTO_TEST_CASE(duplicate_key) {
    RawGguf f;
    f.header(0, 2).kv_u32("x", 1);
    const uint64_t second = f.size();
    f.kv_u32("x", 2);
    expect(f, ErrorKind::bad_input, "key 'x'", second, "duplicate key (first at byte 24)");
}

BOOST_AUTO_TEST_CASE(duplicate_tensor_name) {
    RawGguf f;
    f.header(2, 0).tensor("a", {8}, 0, 0);
    const uint64_t second = f.size();
    f.tensor("a", {8}, 0, 32).pad_to(32).zeros(64);
    expect(f, ErrorKind::bad_input, "tensor 'a' name", second, "duplicate tensor name (first at byte 24)");
}

BOOST_AUTO_TEST_CASE(name_too_long) {
    const std::string name(64, 'n');
    RawGguf f;
    f.header(1, 0).tensor(name, {8}, 0, 0).pad_to(32).zeros(32);
    expect(f, ErrorKind::bad_input, "tensor '" + name + "' name", 24, "at most 63");
    RawGguf ok;
    ok.header(1, 0).tensor(std::string(63, 'n'), {8}, 0, 0).pad_to(32).zeros(32);
    BOOST_TEST(Reader::from_bytes(ok.b, "ok.gguf").tensors().size() == 1u);
}

BOOST_AUTO_TEST_CASE(dims) {
    RawGguf five;
    const uint64_t at = one_tensor(five, {1, 1, 1, 1, 8}, 0, 0, 32);
    expect(five, ErrorKind::bad_input, "tensor 'a' n_dims", at + 9, "5 dims");
    RawGguf none;
    const uint64_t at0 = one_tensor(none, {}, 0, 0, 32);
    expect(none, ErrorKind::bad_input, "tensor 'a' n_dims", at0 + 9, "0 dims");
    RawGguf zero;
    const uint64_t atz = one_tensor(zero, {8, 0}, 0, 0, 32);
    expect(zero, ErrorKind::bad_input, "tensor 'a' ne[1]", atz + 9 + 4 + 8, "dimension is 0");
    RawGguf huge;
    const uint64_t ath = one_tensor(huge, {uint64_t(1) << 63}, 0, 0, 32);
    expect(huge, ErrorKind::bad_input, "tensor 'a' ne[0]", ath + 9 + 4, "exceeds int64");
}

BOOST_AUTO_TEST_CASE(ne0_not_a_multiple_of_the_block) {
    RawGguf f;
    const uint64_t at = one_tensor(f, {33, 2}, 8, 0, 128);  // Q8_0 blocks are 32 wide
    expect(f, ErrorKind::bad_input, "tensor 'a' ne[0]", at + 9 + 4, "block size 32");
    RawGguf k;
    const uint64_t atk = one_tensor(k, {128}, 14, 0, 256);  // Q6_K blocks are 256 wide
    expect(k, ErrorKind::bad_input, "tensor 'a' ne[0]", atk + 9 + 4, "block size 256");
}

BOOST_AUTO_TEST_CASE(tensor_types) {
    RawGguf unknown;
    const uint64_t at = one_tensor(unknown, {8}, 99, 0, 32);
    expect(unknown, ErrorKind::bad_input, "tensor 'a' type", at + 9 + 4 + 8, "unknown tensor type id 99");
    RawGguf removed;  // id 4 was Q4_2, removed from ggml
    const uint64_t atr = one_tensor(removed, {32}, 4, 0, 32);
    expect(removed, ErrorKind::bad_input, "tensor 'a' type", atr + 9 + 4 + 8, "unknown tensor type id 4");
    RawGguf q4k;
    const uint64_t atk = one_tensor(q4k, {256}, 12, 0, 256);
    expect(q4k, ErrorKind::unsupported, "tensor 'a' type", atk + 9 + 4 + 8, "Q4_K (id 12) is not supported");
}

BOOST_AUTO_TEST_CASE(unknown_value_types) {
    RawGguf f;
    f.header(0, 1).str("k").u32(13).u32(0);
    expect(f, ErrorKind::bad_input, "key 'k' type", 24 + 9, "unknown value type 13");
    RawGguf elem;
    elem.header(0, 1).str("k").u32(9).u32(77).u64(0);
    expect(elem, ErrorKind::bad_input, "key 'k' element type", 24 + 9 + 4, "unknown value type 77");
}

BOOST_AUTO_TEST_CASE(bad_bool_and_deep_nesting) {
    RawGguf b;
    b.header(0, 1).str("k").u32(7).u8(2);
    expect(b, ErrorKind::bad_input, "key 'k'", 24 + 9 + 4, "bool must be 0 or 1");
    RawGguf deep;
    deep.header(0, 1).str("k").u32(9);
    for (int i = 0; i < 40; ++i) deep.u32(9).u64(1);
    deep.u32(0).u64(0);
    expect(deep, ErrorKind::bad_input, "key 'k'", 24 + 9 + 4 + 16 * 12, "nested deeper than 16");
}

BOOST_AUTO_TEST_CASE(size_overflow) {
    RawGguf elements;  // 2^32 * 2^32 elements: the product leaves int64
    const uint64_t at = one_tensor(elements, {uint64_t(1) << 32, uint64_t(1) << 32}, 0, 0, 32);
    expect(elements, ErrorKind::bad_input, "tensor 'a' ne[1]", at + 9 + 4 + 8, "overflows int64");
    RawGguf bytes;  // 2^62 f32 elements fit int64, their 2^64 bytes do not fit uint64
    const uint64_t atb = one_tensor(bytes, {uint64_t(1) << 62}, 0, 0, 32);
    expect(bytes, ErrorKind::bad_input, "tensor 'a' size", atb + 9 + 4 + 8 + 4, "overflows 64 bits");
}

BOOST_AUTO_TEST_CASE(every_prefix_of_a_valid_file_is_truncated) {
    const auto dir = pe::test::scratch_dir("gguf_prefix");
    const std::string path = (dir / "small.gguf").string();
    {
        Writer w(path);
        w.add_string("general.architecture", "gptneox");
        w.add("k.i16", Value::of(ValueType::i16, int16_t(-3)));
        w.add_bool("k.bool", true);
        w.add_string_array("k.strs", {"ab", "c"});
        w.add("k.f64", Value::of(ValueType::f64, 2.5));
        w.declare_tensor("w.q8", TensorType::q8_0, {32, 2});
        w.declare_tensor("w.f32", TensorType::f32, {8});  // 32 bytes: the file ends without padding
        w.write_tensor_data("w.q8", std::vector<std::byte>(68, std::byte{1}));
        w.write_tensor_data("w.f32", std::vector<std::byte>(32, std::byte{2}));
        w.commit();
    }
    const Reader full = Reader::open(path);
    std::vector<std::byte> bytes(full.file_bytes());
    std::memcpy(bytes.data(), full.tensors()[0].data.data() - full.tensors()[0].offset_bytes, bytes.size());
    size_t failures = 0;
    for (size_t n = 0; n < bytes.size(); ++n) {
        try {
            (void)Reader::from_bytes({bytes.begin(), bytes.begin() + n}, "cut.gguf");
            BOOST_ERROR("prefix of " << n << " bytes parsed");
            ++failures;
        } catch (const pe::Error& e) {
            if (e.kind() != ErrorKind::bad_input || e.file() != "cut.gguf" || !e.offset() || *e.offset() > n) {
                BOOST_ERROR("prefix of " << n << " bytes: " << e.what());
                ++failures;
            }
        }
        if (failures > 5) break;
    }
    BOOST_TEST(failures == 0u);
    BOOST_TEST(Reader::from_bytes(bytes, "whole.gguf").tensors().size() == 2u);
}

BOOST_AUTO_TEST_CASE(open_reports_io_errors) {
    try {
        (void)Reader::open("/nonexistent/x.gguf");
        BOOST_FAIL("expected a pe::Error");
    } catch (const pe::Error& e) {
        BOOST_TEST(e.kind() == ErrorKind::io);
        BOOST_TEST(e.file() == "/nonexistent/x.gguf");
    }
    const auto dir = pe::test::scratch_dir("gguf_empty");
    const std::string empty = (dir / "empty.gguf").string();
    { std::ofstream(empty).flush(); }
    try {
        (void)Reader::open(empty);
        BOOST_FAIL("expected a pe::Error");
    } catch (const pe::Error& e) {
        BOOST_TEST(e.kind() == ErrorKind::bad_input);
        BOOST_TEST(e.field() == "header.magic");
        BOOST_TEST(e.offset().value_or(~uint64_t(0)) == 0u);
    }
    BOOST_CHECK_THROW((void)Reader::open(dir.string()), pe::Error);  // a directory
}

BOOST_AUTO_TEST_SUITE_END()
