// pe::Error formats one line with file, field and byte offset.
#include <boost/test/unit_test.hpp>

#include "engine/error.hpp"

BOOST_AUTO_TEST_CASE(error_what_is_one_line) {
    pe::Error e(pe::ErrorKind::bad_input, "tiny.gguf", "tensor 'x' ne[1]", "384,\nexpected 1536", 4120);
    BOOST_TEST(std::string(e.what()) == "tiny.gguf: tensor 'x' ne[1]: 384, expected 1536 (byte 4120)");
    BOOST_TEST(e.offset().value() == 4120u);
    BOOST_TEST(e.field() == "tensor 'x' ne[1]");
}
