// Run-time loading of libvulkan (see vk.hpp) and the VkResult checker.
#include "engine/vulkan/vk.hpp"

#include <dlfcn.h>

#include <mutex>
#include <string>

#include "engine/error.hpp"

PFN_vkCreateInstance vkCreateInstance = nullptr;
PFN_vkEnumerateInstanceExtensionProperties vkEnumerateInstanceExtensionProperties = nullptr;
PFN_vkEnumerateInstanceLayerProperties vkEnumerateInstanceLayerProperties = nullptr;
PFN_vkEnumerateInstanceVersion vkEnumerateInstanceVersion = nullptr;
PFN_vkDestroyInstance vkDestroyInstance = nullptr;
PFN_vkEnumeratePhysicalDevices vkEnumeratePhysicalDevices = nullptr;
PFN_vkGetPhysicalDeviceProperties vkGetPhysicalDeviceProperties = nullptr;
PFN_vkGetPhysicalDeviceProperties2 vkGetPhysicalDeviceProperties2 = nullptr;
PFN_vkGetPhysicalDeviceFeatures2 vkGetPhysicalDeviceFeatures2 = nullptr;
PFN_vkGetPhysicalDeviceMemoryProperties vkGetPhysicalDeviceMemoryProperties = nullptr;
PFN_vkGetPhysicalDeviceQueueFamilyProperties vkGetPhysicalDeviceQueueFamilyProperties = nullptr;
PFN_vkEnumerateDeviceExtensionProperties vkEnumerateDeviceExtensionProperties = nullptr;
PFN_vkCreateDevice vkCreateDevice = nullptr;
PFN_vkDestroyDevice vkDestroyDevice = nullptr;
PFN_vkCreateDebugUtilsMessengerEXT vkCreateDebugUtilsMessengerEXT = nullptr;
PFN_vkDestroyDebugUtilsMessengerEXT vkDestroyDebugUtilsMessengerEXT = nullptr;
PFN_vkGetDeviceQueue vkGetDeviceQueue = nullptr;
PFN_vkCreateBuffer vkCreateBuffer = nullptr;
PFN_vkCreateBufferView vkCreateBufferView = nullptr;
PFN_vkDestroyBufferView vkDestroyBufferView = nullptr;
PFN_vkDestroyBuffer vkDestroyBuffer = nullptr;
PFN_vkGetBufferMemoryRequirements vkGetBufferMemoryRequirements = nullptr;
PFN_vkAllocateMemory vkAllocateMemory = nullptr;
PFN_vkFreeMemory vkFreeMemory = nullptr;
PFN_vkBindBufferMemory vkBindBufferMemory = nullptr;
PFN_vkMapMemory vkMapMemory = nullptr;
PFN_vkUnmapMemory vkUnmapMemory = nullptr;
PFN_vkCreateShaderModule vkCreateShaderModule = nullptr;
PFN_vkDestroyShaderModule vkDestroyShaderModule = nullptr;
PFN_vkCreateDescriptorSetLayout vkCreateDescriptorSetLayout = nullptr;
PFN_vkDestroyDescriptorSetLayout vkDestroyDescriptorSetLayout = nullptr;
PFN_vkCreatePipelineLayout vkCreatePipelineLayout = nullptr;
PFN_vkDestroyPipelineLayout vkDestroyPipelineLayout = nullptr;
PFN_vkCreateComputePipelines vkCreateComputePipelines = nullptr;
PFN_vkDestroyPipeline vkDestroyPipeline = nullptr;
PFN_vkCreatePipelineCache vkCreatePipelineCache = nullptr;
PFN_vkDestroyPipelineCache vkDestroyPipelineCache = nullptr;
PFN_vkGetPipelineCacheData vkGetPipelineCacheData = nullptr;
PFN_vkCreateDescriptorPool vkCreateDescriptorPool = nullptr;
PFN_vkDestroyDescriptorPool vkDestroyDescriptorPool = nullptr;
PFN_vkResetDescriptorPool vkResetDescriptorPool = nullptr;
PFN_vkAllocateDescriptorSets vkAllocateDescriptorSets = nullptr;
PFN_vkUpdateDescriptorSets vkUpdateDescriptorSets = nullptr;
PFN_vkCreateCommandPool vkCreateCommandPool = nullptr;
PFN_vkDestroyCommandPool vkDestroyCommandPool = nullptr;
PFN_vkAllocateCommandBuffers vkAllocateCommandBuffers = nullptr;
PFN_vkResetCommandBuffer vkResetCommandBuffer = nullptr;
PFN_vkBeginCommandBuffer vkBeginCommandBuffer = nullptr;
PFN_vkEndCommandBuffer vkEndCommandBuffer = nullptr;
PFN_vkCmdBindPipeline vkCmdBindPipeline = nullptr;
PFN_vkCmdBindDescriptorSets vkCmdBindDescriptorSets = nullptr;
PFN_vkCmdPushConstants vkCmdPushConstants = nullptr;
PFN_vkCmdDispatch vkCmdDispatch = nullptr;
PFN_vkCmdPipelineBarrier vkCmdPipelineBarrier = nullptr;
PFN_vkCmdCopyBuffer vkCmdCopyBuffer = nullptr;
PFN_vkCmdFillBuffer vkCmdFillBuffer = nullptr;
PFN_vkQueueSubmit vkQueueSubmit = nullptr;
PFN_vkCreateFence vkCreateFence = nullptr;
PFN_vkDestroyFence vkDestroyFence = nullptr;
PFN_vkWaitForFences vkWaitForFences = nullptr;
PFN_vkResetFences vkResetFences = nullptr;
PFN_vkDeviceWaitIdle vkDeviceWaitIdle = nullptr;

namespace pe::vulkan {
namespace {

struct Entry {
    const char* name;
    PFN_vkVoidFunction* slot;
    bool global;  // resolvable without an instance
};

PFN_vkGetInstanceProcAddr get_instance_proc_addr = nullptr;

const Entry entries[] = {
    {"vkCreateInstance", reinterpret_cast<PFN_vkVoidFunction*>(&vkCreateInstance), true},
    {"vkEnumerateInstanceExtensionProperties", reinterpret_cast<PFN_vkVoidFunction*>(&vkEnumerateInstanceExtensionProperties), true},
    {"vkEnumerateInstanceLayerProperties", reinterpret_cast<PFN_vkVoidFunction*>(&vkEnumerateInstanceLayerProperties), true},
    {"vkEnumerateInstanceVersion", reinterpret_cast<PFN_vkVoidFunction*>(&vkEnumerateInstanceVersion), true},
    {"vkDestroyInstance", reinterpret_cast<PFN_vkVoidFunction*>(&vkDestroyInstance), false},
    {"vkEnumeratePhysicalDevices", reinterpret_cast<PFN_vkVoidFunction*>(&vkEnumeratePhysicalDevices), false},
    {"vkGetPhysicalDeviceProperties", reinterpret_cast<PFN_vkVoidFunction*>(&vkGetPhysicalDeviceProperties), false},
    {"vkGetPhysicalDeviceProperties2", reinterpret_cast<PFN_vkVoidFunction*>(&vkGetPhysicalDeviceProperties2), false},
    {"vkGetPhysicalDeviceFeatures2", reinterpret_cast<PFN_vkVoidFunction*>(&vkGetPhysicalDeviceFeatures2), false},
    {"vkGetPhysicalDeviceMemoryProperties", reinterpret_cast<PFN_vkVoidFunction*>(&vkGetPhysicalDeviceMemoryProperties), false},
    {"vkGetPhysicalDeviceQueueFamilyProperties", reinterpret_cast<PFN_vkVoidFunction*>(&vkGetPhysicalDeviceQueueFamilyProperties), false},
    {"vkEnumerateDeviceExtensionProperties", reinterpret_cast<PFN_vkVoidFunction*>(&vkEnumerateDeviceExtensionProperties), false},
    {"vkCreateDevice", reinterpret_cast<PFN_vkVoidFunction*>(&vkCreateDevice), false},
    {"vkDestroyDevice", reinterpret_cast<PFN_vkVoidFunction*>(&vkDestroyDevice), false},
    {"vkCreateDebugUtilsMessengerEXT", reinterpret_cast<PFN_vkVoidFunction*>(&vkCreateDebugUtilsMessengerEXT), false},
    {"vkDestroyDebugUtilsMessengerEXT", reinterpret_cast<PFN_vkVoidFunction*>(&vkDestroyDebugUtilsMessengerEXT), false},
    {"vkGetDeviceQueue", reinterpret_cast<PFN_vkVoidFunction*>(&vkGetDeviceQueue), false},
    {"vkCreateBuffer", reinterpret_cast<PFN_vkVoidFunction*>(&vkCreateBuffer), false},
    {"vkCreateBufferView", reinterpret_cast<PFN_vkVoidFunction*>(&vkCreateBufferView), false},
    {"vkDestroyBufferView", reinterpret_cast<PFN_vkVoidFunction*>(&vkDestroyBufferView), false},
    {"vkDestroyBuffer", reinterpret_cast<PFN_vkVoidFunction*>(&vkDestroyBuffer), false},
    {"vkGetBufferMemoryRequirements", reinterpret_cast<PFN_vkVoidFunction*>(&vkGetBufferMemoryRequirements), false},
    {"vkAllocateMemory", reinterpret_cast<PFN_vkVoidFunction*>(&vkAllocateMemory), false},
    {"vkFreeMemory", reinterpret_cast<PFN_vkVoidFunction*>(&vkFreeMemory), false},
    {"vkBindBufferMemory", reinterpret_cast<PFN_vkVoidFunction*>(&vkBindBufferMemory), false},
    {"vkMapMemory", reinterpret_cast<PFN_vkVoidFunction*>(&vkMapMemory), false},
    {"vkUnmapMemory", reinterpret_cast<PFN_vkVoidFunction*>(&vkUnmapMemory), false},
    {"vkCreateShaderModule", reinterpret_cast<PFN_vkVoidFunction*>(&vkCreateShaderModule), false},
    {"vkDestroyShaderModule", reinterpret_cast<PFN_vkVoidFunction*>(&vkDestroyShaderModule), false},
    {"vkCreateDescriptorSetLayout", reinterpret_cast<PFN_vkVoidFunction*>(&vkCreateDescriptorSetLayout), false},
    {"vkDestroyDescriptorSetLayout", reinterpret_cast<PFN_vkVoidFunction*>(&vkDestroyDescriptorSetLayout), false},
    {"vkCreatePipelineLayout", reinterpret_cast<PFN_vkVoidFunction*>(&vkCreatePipelineLayout), false},
    {"vkDestroyPipelineLayout", reinterpret_cast<PFN_vkVoidFunction*>(&vkDestroyPipelineLayout), false},
    {"vkCreateComputePipelines", reinterpret_cast<PFN_vkVoidFunction*>(&vkCreateComputePipelines), false},
    {"vkDestroyPipeline", reinterpret_cast<PFN_vkVoidFunction*>(&vkDestroyPipeline), false},
    {"vkCreatePipelineCache", reinterpret_cast<PFN_vkVoidFunction*>(&vkCreatePipelineCache), false},
    {"vkDestroyPipelineCache", reinterpret_cast<PFN_vkVoidFunction*>(&vkDestroyPipelineCache), false},
    {"vkGetPipelineCacheData", reinterpret_cast<PFN_vkVoidFunction*>(&vkGetPipelineCacheData), false},
    {"vkCreateDescriptorPool", reinterpret_cast<PFN_vkVoidFunction*>(&vkCreateDescriptorPool), false},
    {"vkDestroyDescriptorPool", reinterpret_cast<PFN_vkVoidFunction*>(&vkDestroyDescriptorPool), false},
    {"vkResetDescriptorPool", reinterpret_cast<PFN_vkVoidFunction*>(&vkResetDescriptorPool), false},
    {"vkAllocateDescriptorSets", reinterpret_cast<PFN_vkVoidFunction*>(&vkAllocateDescriptorSets), false},
    {"vkUpdateDescriptorSets", reinterpret_cast<PFN_vkVoidFunction*>(&vkUpdateDescriptorSets), false},
    {"vkCreateCommandPool", reinterpret_cast<PFN_vkVoidFunction*>(&vkCreateCommandPool), false},
    {"vkDestroyCommandPool", reinterpret_cast<PFN_vkVoidFunction*>(&vkDestroyCommandPool), false},
    {"vkAllocateCommandBuffers", reinterpret_cast<PFN_vkVoidFunction*>(&vkAllocateCommandBuffers), false},
    {"vkResetCommandBuffer", reinterpret_cast<PFN_vkVoidFunction*>(&vkResetCommandBuffer), false},
    {"vkBeginCommandBuffer", reinterpret_cast<PFN_vkVoidFunction*>(&vkBeginCommandBuffer), false},
    {"vkEndCommandBuffer", reinterpret_cast<PFN_vkVoidFunction*>(&vkEndCommandBuffer), false},
    {"vkCmdBindPipeline", reinterpret_cast<PFN_vkVoidFunction*>(&vkCmdBindPipeline), false},
    {"vkCmdBindDescriptorSets", reinterpret_cast<PFN_vkVoidFunction*>(&vkCmdBindDescriptorSets), false},
    {"vkCmdPushConstants", reinterpret_cast<PFN_vkVoidFunction*>(&vkCmdPushConstants), false},
    {"vkCmdDispatch", reinterpret_cast<PFN_vkVoidFunction*>(&vkCmdDispatch), false},
    {"vkCmdPipelineBarrier", reinterpret_cast<PFN_vkVoidFunction*>(&vkCmdPipelineBarrier), false},
    {"vkCmdCopyBuffer", reinterpret_cast<PFN_vkVoidFunction*>(&vkCmdCopyBuffer), false},
    {"vkCmdFillBuffer", reinterpret_cast<PFN_vkVoidFunction*>(&vkCmdFillBuffer), false},
    {"vkQueueSubmit", reinterpret_cast<PFN_vkVoidFunction*>(&vkQueueSubmit), false},
    {"vkCreateFence", reinterpret_cast<PFN_vkVoidFunction*>(&vkCreateFence), false},
    {"vkDestroyFence", reinterpret_cast<PFN_vkVoidFunction*>(&vkDestroyFence), false},
    {"vkWaitForFences", reinterpret_cast<PFN_vkVoidFunction*>(&vkWaitForFences), false},
    {"vkResetFences", reinterpret_cast<PFN_vkVoidFunction*>(&vkResetFences), false},
    {"vkDeviceWaitIdle", reinterpret_cast<PFN_vkVoidFunction*>(&vkDeviceWaitIdle), false},
};

}  // namespace

void load_loader() {
    static std::once_flag once;
    static std::string failure;
    std::call_once(once, [] {
        const char* names[] = {"libvulkan.so.1", "libvulkan.so", "libvulkan.1.dylib", "libMoltenVK.dylib"};
        void* lib = nullptr;
        for (const char* n : names) {
            if ((lib = dlopen(n, RTLD_NOW | RTLD_LOCAL))) break;
        }
        if (!lib) {
            failure = "no Vulkan loader found (libvulkan.so.1); install one (Debian: apt install "
                      "libvulkan1 mesa-vulkan-drivers) or use --backend cpu";
            return;
        }
        get_instance_proc_addr =
            reinterpret_cast<PFN_vkGetInstanceProcAddr>(dlsym(lib, "vkGetInstanceProcAddr"));
        if (!get_instance_proc_addr) {
            failure = "libvulkan has no vkGetInstanceProcAddr; the Vulkan loader is broken";
            return;
        }
        for (const Entry& e : entries) {
            if (e.global) *e.slot = get_instance_proc_addr(nullptr, e.name);
        }
        if (!vkCreateInstance) failure = "the Vulkan loader does not provide vkCreateInstance";
    });
    if (!failure.empty()) throw pe::Error(ErrorKind::device, "", "vulkan", failure);
}

void load_instance_functions(VkInstance instance) {
    for (const Entry& e : entries) {
        if (e.global) continue;
        *e.slot = get_instance_proc_addr(instance, e.name);
    }
    if (!vkCreateDevice || !vkCmdDispatch)
        throw pe::Error(ErrorKind::device, "", "vulkan", "the Vulkan loader lacks core 1.0 entry points");
}

const char* result_name(VkResult r) {
    switch (r) {
        case VK_SUCCESS: return "VK_SUCCESS";
        case VK_NOT_READY: return "VK_NOT_READY";
        case VK_TIMEOUT: return "VK_TIMEOUT";
        case VK_INCOMPLETE: return "VK_INCOMPLETE";
        case VK_ERROR_OUT_OF_HOST_MEMORY: return "VK_ERROR_OUT_OF_HOST_MEMORY";
        case VK_ERROR_OUT_OF_DEVICE_MEMORY: return "VK_ERROR_OUT_OF_DEVICE_MEMORY";
        case VK_ERROR_INITIALIZATION_FAILED: return "VK_ERROR_INITIALIZATION_FAILED";
        case VK_ERROR_DEVICE_LOST: return "VK_ERROR_DEVICE_LOST";
        case VK_ERROR_MEMORY_MAP_FAILED: return "VK_ERROR_MEMORY_MAP_FAILED";
        case VK_ERROR_LAYER_NOT_PRESENT: return "VK_ERROR_LAYER_NOT_PRESENT";
        case VK_ERROR_EXTENSION_NOT_PRESENT: return "VK_ERROR_EXTENSION_NOT_PRESENT";
        case VK_ERROR_FEATURE_NOT_PRESENT: return "VK_ERROR_FEATURE_NOT_PRESENT";
        case VK_ERROR_INCOMPATIBLE_DRIVER: return "VK_ERROR_INCOMPATIBLE_DRIVER";
        case VK_ERROR_TOO_MANY_OBJECTS: return "VK_ERROR_TOO_MANY_OBJECTS";
        case VK_ERROR_FORMAT_NOT_SUPPORTED: return "VK_ERROR_FORMAT_NOT_SUPPORTED";
        case VK_ERROR_FRAGMENTED_POOL: return "VK_ERROR_FRAGMENTED_POOL";
        case VK_ERROR_OUT_OF_POOL_MEMORY: return "VK_ERROR_OUT_OF_POOL_MEMORY";
        case VK_ERROR_UNKNOWN: return "VK_ERROR_UNKNOWN";
        default: return "VkResult(unknown)";
    }
}

void check(VkResult r, const char* call) {
    if (r == VK_SUCCESS) return;
    std::string msg = result_name(r);
    switch (r) {
        case VK_ERROR_OUT_OF_DEVICE_MEMORY:
        case VK_ERROR_OUT_OF_HOST_MEMORY:
            throw pe::Error(ErrorKind::device_oom, "", call, msg + ": out of memory");
        case VK_ERROR_DEVICE_LOST:
            throw pe::Error(ErrorKind::device, "", call,
                            msg + ": the device was lost (driver reset or crash); rerun, or pick "
                                  "another device (see `pythia-eval devices`)");
        case VK_ERROR_INCOMPATIBLE_DRIVER:
            throw pe::Error(ErrorKind::device, "", call,
                            msg + ": no Vulkan 1.2 driver installed (see `pythia-eval devices`)");
        default:
            throw pe::Error(ErrorKind::device, "", call, msg);
    }
}

}  // namespace pe::vulkan
