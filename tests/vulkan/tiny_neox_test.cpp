// The Vulkan forward pass on the tiny-neox fixture (converted to F32 and F16 GGUFs) against the CPU
// reference reading the same file; see forward_test.cpp for the bounds.
#include <boost/test/unit_test.hpp>

#include "engine/convert/convert.hpp"
#include "tests/common/shared.hpp"
#include "tests/vulkan/forward_check.hpp"
#include "tests/vulkan/harness.hpp"

using namespace pe;
using namespace pe::test;

namespace {
// needs_shared as a function: GCC 12 warns (-Werror=uninitialized) on boost::function holding the
// empty NeedsShared object in this file.
boost::test_tools::assertion_result shared_gate(boost::unit_test::test_unit_id id) { return needs_shared(id); }
}  // namespace

BOOST_AUTO_TEST_SUITE(vulkan_tiny_neox, *boost::unit_test::precondition(shared_gate))

BOOST_AUTO_TEST_CASE(tiny_neox_fixture) {
    const auto dir = scratch_dir("vulkan-tiny-neox");
    for (auto dtype : {gguf::TensorType::f32, gguf::TensorType::f16}) {
        const auto out = (dir / (std::string(gguf::type_traits(dtype).name) + ".gguf")).string();
        convert::ConvertOptions o;
        o.dtype = dtype;
        convert::convert_hf_checkpoint(shared_path("fixtures/tiny-neox").string(), out, o);
        compare_model(out, 3, 33, std::string("tiny-neox ") + std::string(gguf::type_traits(dtype).name));
    }
}

BOOST_AUTO_TEST_SUITE_END()
