// The validation harness can fail: an invalid call must be recorded by the messenger.
#include <boost/test/unit_test.hpp>

#include "tests/vulkan/harness.hpp"

using namespace pe::test;

BOOST_AUTO_TEST_CASE(validation_messenger_records_invalid_usage) {
    new_validation_messages();  // start clean
    auto bi = pe::vulkan::vk_struct<VkBufferCreateInfo>(VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO);
    bi.size = 0;  // VUID-VkBufferCreateInfo-size-00912
    bi.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT;
    VkBuffer b = VK_NULL_HANDLE;
    if (vkCreateBuffer(vk_device().handle(), &bi, nullptr, &b) == VK_SUCCESS && b) vkDestroyBuffer(vk_device().handle(), b, nullptr);
    const auto msgs = new_validation_messages();
    BOOST_TEST(!msgs.empty());
    BOOST_TEST_MESSAGE("recorded: " << (msgs.empty() ? "" : msgs.front().substr(0, 120)));
}
