// Writer -> Reader round trip: every metadata value type (nested arrays too), every tensor type,
// alignment, and the temp-file + rename behaviour of the Writer.
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "engine/error.hpp"
#include "engine/gguf/reader.hpp"
#include "engine/gguf/writer.hpp"
#include "tests/common/shared.hpp"
#include "tests/gguf/test_util.hpp"

namespace fs = std::filesystem;
using namespace pe::gguf;

namespace {

std::vector<std::byte> pattern_bytes(uint64_t n, uint8_t seed) {
    std::vector<std::byte> b(n);
    for (uint64_t i = 0; i < n; ++i) b[i] = std::byte(uint8_t(i * 131 + seed * 17 + (i >> 8)));
    return b;
}

bool only_tmp_left(const fs::path& dir) {
    for (const auto& e : fs::directory_iterator(dir))
        if (e.path().filename().string().find(".tmp-") != std::string::npos) return false;
    return true;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(gguf_roundtrip)

BOOST_AUTO_TEST_CASE(every_value_type) {
    const fs::path dir = pe::test::scratch_dir("gguf_values");
    const std::string path = (dir / "values.gguf").string();
    {
        Writer w(path);
        w.add("t.u8", Value::of(ValueType::u8, uint8_t(250)));
        w.add("t.i8", Value::of(ValueType::i8, int8_t(-120)));
        w.add("t.u16", Value::of(ValueType::u16, uint16_t(65000)));
        w.add("t.i16", Value::of(ValueType::i16, int16_t(-32000)));
        w.add_u32("t.u32", 4000000000u);
        w.add("t.i32", Value::of(ValueType::i32, int32_t(-2000000000)));
        w.add_f32("t.f32", 1e-5f);
        w.add_bool("t.bool", true);
        w.add_string("t.string", std::string("h\xc3\xa9llo\0x", 8));  // embedded NUL kept
        w.add("t.u64", Value::of(ValueType::u64, uint64_t(18000000000000000000ull)));
        w.add("t.i64", Value::of(ValueType::i64, int64_t(-9000000000000000000ll)));
        w.add("t.f64", Value::of(ValueType::f64, 3.141592653589793));
        w.add_string_array("t.strings", {"a b", "", "\xc4\xa0the"});
        w.add_i32_array("t.i32s", {1, -3, 5});
        Array inner1, inner2, outer;
        inner1.elem_type = ValueType::u16;
        inner1.items = {uint16_t(1), uint16_t(2)};
        inner2.elem_type = ValueType::string;
        inner2.items = {std::string("x")};
        outer.elem_type = ValueType::array;
        outer.arrays = {inner1, inner2};
        w.add("t.nested", Value::of_array(outer));
        Array empty;
        empty.elem_type = ValueType::f64;
        w.add("t.empty", Value::of_array(empty));
        w.commit();
    }
    const Reader r = Reader::open(path);
    BOOST_TEST(r.version() == 3u);
    BOOST_TEST(r.kvs().size() == 16u);
    BOOST_TEST(r.tensors().empty());
    BOOST_TEST(r.kvs()[0].key == "t.u8");
    BOOST_TEST(r.kvs()[0].offset_bytes == 24u);  // right after magic, version and the two counts
    BOOST_TEST(*r.get_integer("t.u8") == 250);
    BOOST_TEST(*r.get_integer("t.i8") == -120);
    BOOST_TEST(*r.get_integer("t.u16") == 65000);
    BOOST_TEST(*r.get_integer("t.i16") == -32000);
    BOOST_TEST(*r.get_integer("t.u32") == 4000000000ll);
    BOOST_TEST(*r.get_integer("t.i32") == -2000000000);
    BOOST_TEST(*r.get_number("t.f32") == double(1e-5f));
    BOOST_TEST(*r.get_bool("t.bool") == true);
    BOOST_TEST(*r.get_string("t.string") == std::string("h\xc3\xa9llo\0x", 8));
    BOOST_TEST(std::get<uint64_t>(*r.find("t.u64")->scalar()) == 18000000000000000000ull);
    BOOST_TEST(*r.get_integer("t.i64") == -9000000000000000000ll);
    BOOST_TEST(*r.get_number("t.f64") == 3.141592653589793);
    BOOST_TEST(r.find("t.u8")->type == ValueType::u8);
    BOOST_TEST(r.find("t.f64")->type == ValueType::f64);

    const Array* s = r.get_array("t.strings");
    BOOST_REQUIRE(s);
    BOOST_TEST(s->elem_type == ValueType::string);
    BOOST_REQUIRE(s->size() == 3u);
    BOOST_TEST(std::get<std::string>(s->items[2]) == "\xc4\xa0the");
    BOOST_TEST(std::get<std::string>(s->items[1]).empty());
    const Array* i = r.get_array("t.i32s");
    BOOST_REQUIRE(i);
    BOOST_TEST(std::get<int32_t>(i->items[1]) == -3);
    const Array* n = r.get_array("t.nested");
    BOOST_REQUIRE(n);
    BOOST_TEST(n->elem_type == ValueType::array);
    BOOST_REQUIRE(n->arrays.size() == 2u);
    BOOST_TEST(std::get<uint16_t>(n->arrays[0].items[1]) == 2);
    BOOST_TEST(std::get<std::string>(n->arrays[1].items[0]) == "x");
    BOOST_TEST(r.get_array("t.empty")->size() == 0u);
    BOOST_TEST(!r.find("absent"));
    BOOST_TEST(!r.get_integer("absent"));
    BOOST_TEST(only_tmp_left(dir));
}

BOOST_AUTO_TEST_CASE(u64_above_int64_is_not_an_integer) {
    const fs::path dir = pe::test::scratch_dir("gguf_u64");
    const std::string path = (dir / "u64.gguf").string();
    {
        Writer w(path);
        w.add("big", Value::of(ValueType::u64, uint64_t(1) << 63));
        w.commit();
    }
    const Reader r = Reader::open(path);
    try {
        (void)r.get_integer("big");
        BOOST_FAIL("expected a pe::Error");
    } catch (const pe::Error& e) {
        BOOST_TEST(e.kind() == pe::ErrorKind::bad_input);
        BOOST_TEST(e.field() == "key 'big'");
        BOOST_TEST(e.offset().value() == 24u);
    }
}

BOOST_AUTO_TEST_CASE(getter_with_wrong_type_names_the_key) {
    const fs::path dir = pe::test::scratch_dir("gguf_wrongtype");
    const std::string path = (dir / "w.gguf").string();
    {
        Writer w(path);
        w.add_string("general.architecture", "gptneox");
        w.commit();
    }
    const Reader r = Reader::open(path);
    try {
        (void)r.get_integer("general.architecture");
        BOOST_FAIL("expected a pe::Error");
    } catch (const pe::Error& e) {
        BOOST_TEST(e.kind() == pe::ErrorKind::bad_input);
        BOOST_TEST(e.field() == "key 'general.architecture'");
        BOOST_TEST(std::string(e.what()).find("found string") != std::string::npos);
    }
    BOOST_CHECK_THROW((void)r.get_array("general.architecture"), pe::Error);
    BOOST_CHECK_THROW((void)r.get_bool("general.architecture"), pe::Error);
}

BOOST_AUTO_TEST_CASE(every_tensor_type_and_alignment) {
    for (uint32_t alignment : {32u, 64u, 1u}) {
        const fs::path dir = pe::test::scratch_dir("gguf_tensors");
        const std::string path = (dir / "t.gguf").string();
        struct Spec { std::string name; TensorType type; std::vector<uint64_t> ne; uint64_t n_bytes; };
        // Byte sizes worked out by hand from §3.2: blocks along ne[0] times the other dims.
        const std::vector<Spec> specs = {
            {"a.f32", TensorType::f32, {3}, 12},
            {"b.f16", TensorType::f16, {5, 3}, 30},
            {"c.bf16", TensorType::bf16, {7, 1, 2}, 28},
            {"d.q8_0", TensorType::q8_0, {64, 3}, 2 * 34 * 3},
            {"e.q4_0", TensorType::q4_0, {32, 2, 1, 3}, 18 * 6},
            {"f.q6_k", TensorType::q6_k, {512, 2}, 210 * 4},
        };
        std::vector<std::vector<std::byte>> payloads;
        {
            Writer w(path, alignment);
            w.add_string("general.architecture", "test");
            for (const Spec& s : specs) w.declare_tensor(s.name, s.type, s.ne);
            uint8_t seed = 1;
            for (const Spec& s : specs) {
                BOOST_TEST(tensor_bytes(s.type, s.ne, path, s.name) == s.n_bytes);
                payloads.push_back(pattern_bytes(s.n_bytes, seed++));
                w.write_tensor_data(s.name, payloads.back());
            }
            w.commit();
        }
        const Reader r = Reader::open(path);
        BOOST_TEST(r.alignment() == alignment);
        BOOST_TEST(r.data_offset_bytes() % alignment == 0u);
        if (alignment != 32) BOOST_TEST(*r.get_integer("general.alignment") == alignment);
        else BOOST_TEST(!r.find("general.alignment"));
        BOOST_REQUIRE(r.tensors().size() == specs.size());
        uint64_t expected_offset = r.data_offset_bytes();
        for (size_t k = 0; k < specs.size(); ++k) {
            const TensorInfo& t = r.tensors()[k];
            BOOST_TEST_CONTEXT("tensor " << specs[k].name) {
                BOOST_TEST(t.name == specs[k].name);
                BOOST_TEST(t.type == specs[k].type);
                BOOST_TEST(t.ne == specs[k].ne, boost::test_tools::per_element());
                BOOST_TEST(t.n_bytes == specs[k].n_bytes);
                BOOST_TEST(t.offset_bytes == expected_offset);
                BOOST_TEST(t.offset_bytes % alignment == 0u);
                BOOST_TEST(t.data.size() == specs[k].n_bytes);
                BOOST_TEST(std::memcmp(t.data.data(), payloads[k].data(), t.data.size()) == 0);
                BOOST_TEST(r.find_tensor(specs[k].name) == &t);
            }
            expected_offset += (specs[k].n_bytes + alignment - 1) / alignment * alignment;
        }
        BOOST_TEST(r.file_bytes() == expected_offset);  // every tensor padded, the last one too
        BOOST_TEST(r.tensors()[1].n_elements() == 15u);
        BOOST_TEST(!r.find_tensor("missing"));
    }
}

BOOST_AUTO_TEST_CASE(reader_survives_a_move) {
    const fs::path dir = pe::test::scratch_dir("gguf_move");
    const std::string path = (dir / "m.gguf").string();
    const auto payload = pattern_bytes(8, 3);
    {
        Writer w(path);
        w.declare_tensor("x", TensorType::f32, {2});
        w.write_tensor_data("x", payload);
        w.commit();
    }
    Reader a = Reader::open(path);
    Reader b = std::move(a);
    BOOST_TEST(std::memcmp(b.find_tensor("x")->data.data(), payload.data(), 8) == 0);
}

BOOST_AUTO_TEST_CASE(uncommitted_writer_leaves_nothing) {
    const fs::path dir = pe::test::scratch_dir("gguf_uncommitted");
    const std::string path = (dir / "u.gguf").string();
    {
        Writer w(path);
        w.declare_tensor("x", TensorType::f32, {4});
        w.write_tensor_data("x", pattern_bytes(16, 1));
        BOOST_TEST(!fs::exists(path));  // still under its temporary name
    }
    BOOST_TEST(fs::is_empty(dir));
}

BOOST_AUTO_TEST_CASE(writer_misuse_is_an_internal_error_naming_the_file) {
    const fs::path dir = pe::test::scratch_dir("gguf_misuse");
    const std::string path = (dir / "bad.gguf").string();
    auto expect_internal = [&](auto&& f, const std::string& needle) {
        try {
            f();
            BOOST_FAIL("expected a pe::Error mentioning " << needle);
        } catch (const pe::Error& e) {
            BOOST_TEST(e.kind() == pe::ErrorKind::internal);
            BOOST_TEST(e.file() == path);
            BOOST_TEST(std::string(e.what()).find(needle) != std::string::npos, e.what());
        }
    };
    expect_internal([&] {
        Writer w(path);
        w.declare_tensor("a", TensorType::f32, {4});
        w.declare_tensor("b", TensorType::f32, {4});
        w.write_tensor_data("b", pattern_bytes(16, 1));
    }, "expected 'a' next");
    expect_internal([&] {
        Writer w(path);
        w.declare_tensor("a", TensorType::f32, {4});
        w.write_tensor_data("a", pattern_bytes(15, 1));
    }, "15 bytes given, 16 declared");
    expect_internal([&] {
        Writer w(path);
        w.declare_tensor("a", TensorType::f32, {4});
        w.commit();
    }, "never written");
    expect_internal([&] {
        Writer w(path);
        w.add_u32("k", 1);
        w.add_u32("k", 2);
    }, "added twice");
    expect_internal([&] {
        Writer w(path);
        w.declare_tensor("a", TensorType::f32, {4});
        w.declare_tensor("a", TensorType::f32, {4});
    }, "declared twice");
    BOOST_CHECK_THROW(tensor_bytes(TensorType::q8_0, {33}, path, "x"), pe::Error);
    BOOST_TEST(fs::is_empty(dir));
}

BOOST_AUTO_TEST_CASE(unwritable_destination_is_an_io_error) {
    try {
        Writer w("/nonexistent-dir/x.gguf");
        BOOST_FAIL("expected a pe::Error");
    } catch (const pe::Error& e) {
        BOOST_TEST(e.kind() == pe::ErrorKind::io);
        BOOST_TEST(e.file() == "/nonexistent-dir/x.gguf");
    }
}

BOOST_AUTO_TEST_CASE(disk_full_is_an_io_error, *boost::unit_test::precondition([](auto) {
    return boost::test_tools::assertion_result(fs::exists("/dev/full"));
})) {
    // /dev/full accepts open() and fails every write with ENOSPC. The rename then never happens.
    const fs::path dir = pe::test::scratch_dir("gguf_full");
    const std::string path = (dir / "full.gguf").string();
    const std::string tmp = path + ".tmp-" + std::to_string(::getpid());
    fs::create_symlink("/dev/full", tmp);
    try {
        Writer w(path);
        w.declare_tensor("a", TensorType::f32, {1 << 16});
        w.write_tensor_data("a", pattern_bytes(1 << 18, 1));
        w.commit();
        BOOST_FAIL("expected a pe::Error");
    } catch (const pe::Error& e) {
        BOOST_TEST(e.kind() == pe::ErrorKind::io);
        BOOST_TEST(e.file() == path);
    }
    BOOST_TEST(!fs::exists(path));
}

BOOST_AUTO_TEST_SUITE_END()
