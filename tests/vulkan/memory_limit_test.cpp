// Out of device memory (issue #4 "Errors"): under DeviceOptions::memory_limit_bytes a batch that does
// not fit is retried in halves and scores exactly as without the limit; weights that do not fit, or
// one request that does not fit, are one device_oom error. The limit makes allocation fail the way
// VK_ERROR_OUT_OF_DEVICE_MEMORY does, on a device (lavapipe) that never runs out by itself.
#include <boost/test/unit_test.hpp>

#include <random>
#include <string>

#include "engine/error.hpp"
#include "engine/vulkan/vulkan_backend.hpp"
#include "tests/common/shared.hpp"
#include "tests/vulkan/harness.hpp"

using namespace pe;
using namespace pe::test;

namespace {

vulkan::Device open_limited(uint64_t limit) {
    vulkan::DeviceOptions o;
    o.validation = true;
    o.pipeline_cache = false;
    o.memory_limit_bytes = limit;
    return vulkan::Device::open(o);
}

model::Batch many_requests(uint32_t n_vocab) {
    std::mt19937 rng(7);
    std::uniform_int_distribution<int32_t> id(0, int32_t(std::min<uint32_t>(n_vocab, 50277)) - 1);
    model::Batch batch;
    for (int r = 0; r < 24; ++r) {
        model::ScoreRequest q;
        for (int t = 0; t < 40 + r; ++t) q.input.push_back(id(rng));
        q.targets.assign(q.input.begin() + 1, q.input.end());
        q.targets.push_back(id(rng));
        batch.requests.push_back(std::move(q));
    }
    return batch;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(vulkan_memory_limit)

BOOST_AUTO_TEST_CASE(batch_halves_until_it_fits_and_scores_the_same) {
    const auto m = model::Model::load(synthetic_model("tiny", gguf::TensorType::f32, 9));
    const model::Batch batch = many_requests(m.hparams().n_vocab);

    // Unlimited: the weights' bytes, then the peak with all 24 requests in one submission.
    vulkan::Device free_device = open_limited(0);
    auto free_backend = model::make_vulkan_backend(m, free_device);
    const uint64_t weights = free_device.allocated_bytes();
    const auto want = free_backend->score(batch);
    const uint64_t peak = free_device.peak_allocated_bytes();
    BOOST_TEST_MESSAGE("weights " << weights << " bytes, one-submission peak " << peak << " bytes");
    BOOST_REQUIRE_GT(peak, weights);

    // A limit a third of the way from the weights to that peak: the first submission must fail.
    const uint64_t limit = weights + (peak - weights) / 3;
    vulkan::Device device = open_limited(limit);
    auto backend = model::make_vulkan_backend(m, device);
    const auto got = backend->score(batch);
    BOOST_TEST(device.peak_allocated_bytes() <= limit);
    BOOST_REQUIRE_EQUAL(got.size(), want.size());
    for (size_t i = 0; i < got.size(); ++i) {
        BOOST_REQUIRE_EQUAL(got[i].size(), want[i].size());
        for (size_t k = 0; k < got[i].size(); ++k)
            BOOST_CHECK_MESSAGE(got[i][k].logprob == want[i][k].logprob && got[i][k].is_argmax == want[i][k].is_argmax,
                                "request " << i << " target " << k << ": " << got[i][k].logprob << " under the limit, "
                                           << want[i][k].logprob << " without");
    }
    BOOST_TEST(device.validation_messages().empty());
    BOOST_TEST(free_device.validation_messages().empty());
}

BOOST_AUTO_TEST_CASE(weights_or_one_request_past_the_limit_is_one_error) {
    const auto m = model::Model::load(synthetic_model("tiny", gguf::TensorType::f32, 9));
    uint64_t weights = 0;
    {
        vulkan::Device d = open_limited(0);
        auto b = model::make_vulkan_backend(m, d);
        weights = d.allocated_bytes();
    }
    vulkan::Device small = open_limited(weights / 2);
    const Caught upload = error_from([&] { model::make_vulkan_backend(m, small); });
    BOOST_TEST((upload.kind == ErrorKind::device_oom));
    BOOST_TEST(upload.message.find("memory limit") != std::string::npos, upload.message);
    BOOST_TEST(small.allocated_bytes() == 0u);  // what was uploaded before the failure is freed

    vulkan::Device tight = open_limited(weights + 4096);
    auto backend = model::make_vulkan_backend(m, tight);
    const Caught score = error_from([&] { backend->score(many_requests(m.hparams().n_vocab)); });
    BOOST_TEST((score.kind == ErrorKind::device_oom));
    BOOST_TEST(score.message.find("out of device memory") != std::string::npos, score.message);
    BOOST_TEST(small.validation_messages().empty());
    BOOST_TEST(tight.validation_messages().empty());
}

BOOST_AUTO_TEST_CASE(feature_names_parse_and_bad_ones_are_refused) {
    BOOST_TEST(vulkan::parse_kernel_features("all", "--backend").describe() == "subgroups+storage16");
    BOOST_TEST(vulkan::parse_kernel_features("portable", "--backend").describe() == "portable");
    BOOST_TEST(vulkan::parse_kernel_features("storage16", "--backend").describe() == "storage16");
    BOOST_TEST(vulkan::parse_kernel_features("storage16+subgroups", "--backend").describe() == "subgroups+storage16");
    const Caught bad = error_from([] { vulkan::parse_kernel_features("subgroups+fp8", "--backend"); });
    BOOST_TEST((bad.kind == ErrorKind::bad_input));
    BOOST_TEST(bad.message.find("fp8") != std::string::npos, bad.message);
}

BOOST_AUTO_TEST_SUITE_END()
