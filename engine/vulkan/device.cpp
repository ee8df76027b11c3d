// Device: instance and physical-device selection, queue, memory types, on-disk pipeline cache and
// the validation-layer messenger (issue #4 device layer).
#include "engine/vulkan/device.hpp"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <mutex>

#include <fmt/format.h>

#include "engine/error.hpp"
#include "engine/io/atomic_file.hpp"
#include "engine/io/cache_dir.hpp"

namespace pe::vulkan {

namespace {

constexpr const char* validation_layer = "VK_LAYER_KHRONOS_validation";

[[noreturn]] void device_error(const std::string& field, const std::string& message) {
    throw pe::Error(ErrorKind::device, "", field, message);
}

bool env_flag(const char* name) {
    const char* v = std::getenv(name);
    return v && *v && std::string(v) != "0";
}

std::string type_name(VkPhysicalDeviceType t) {
    switch (t) {
        case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: return "discrete";
        case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: return "integrated";
        case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: return "virtual";
        case VK_PHYSICAL_DEVICE_TYPE_CPU: return "cpu";
        default: return "other";
    }
}

int type_rank(const std::string& t) {  // lower is preferred
    if (t == "discrete") return 0;
    if (t == "integrated") return 1;
    if (t == "virtual") return 2;
    if (t == "cpu") return 3;
    return 4;
}

bool has_extension(const std::vector<VkExtensionProperties>& exts, const char* name) {
    return std::any_of(exts.begin(), exts.end(),
                       [&](const VkExtensionProperties& e) { return std::strcmp(e.extensionName, name) == 0; });
}

std::vector<VkExtensionProperties> instance_extensions() {
    uint32_t n = 0;
    check(vkEnumerateInstanceExtensionProperties(nullptr, &n, nullptr), "vkEnumerateInstanceExtensionProperties");
    std::vector<VkExtensionProperties> v(n);
    check(vkEnumerateInstanceExtensionProperties(nullptr, &n, v.data()), "vkEnumerateInstanceExtensionProperties");
    return v;
}

std::vector<VkExtensionProperties> device_extensions(VkPhysicalDevice pd) {
    uint32_t n = 0;
    check(vkEnumerateDeviceExtensionProperties(pd, nullptr, &n, nullptr), "vkEnumerateDeviceExtensionProperties");
    std::vector<VkExtensionProperties> v(n);
    check(vkEnumerateDeviceExtensionProperties(pd, nullptr, &n, v.data()), "vkEnumerateDeviceExtensionProperties");
    return v;
}

std::optional<uint32_t> compute_queue_family(VkPhysicalDevice pd) {
    uint32_t n = 0;
    vkGetPhysicalDeviceQueueFamilyProperties(pd, &n, nullptr);
    std::vector<VkQueueFamilyProperties> q(n);
    vkGetPhysicalDeviceQueueFamilyProperties(pd, &n, q.data());
    for (uint32_t i = 0; i < n; ++i)
        if (q[i].queueFlags & VK_QUEUE_COMPUTE_BIT) return i;
    return std::nullopt;
}

DeviceInfo describe(VkPhysicalDevice pd, uint32_t index) {
    DeviceInfo info;
    info.index = index;
    VkPhysicalDeviceProperties props{};
    vkGetPhysicalDeviceProperties(pd, &props);
    info.name = props.deviceName;
    info.type = type_name(props.deviceType);
    info.api_version = props.apiVersion;
    VkPhysicalDeviceMemoryProperties mem{};
    vkGetPhysicalDeviceMemoryProperties(pd, &mem);
    for (uint32_t h = 0; h < mem.memoryHeapCount; ++h)
        if (mem.memoryHeaps[h].flags & VK_MEMORY_HEAP_DEVICE_LOCAL_BIT) info.device_local_bytes += mem.memoryHeaps[h].size;
    const bool v12 = props.apiVersion >= VK_API_VERSION_1_2;
    info.usable = v12 && compute_queue_family(pd).has_value();
    if (!v12) return info;

    auto driver = vk_struct<VkPhysicalDeviceDriverProperties>(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DRIVER_PROPERTIES);
    auto sub = vk_struct<VkPhysicalDeviceSubgroupProperties>(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_PROPERTIES, &driver);
    auto props2 = vk_struct<VkPhysicalDeviceProperties2>(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2, &sub);
    vkGetPhysicalDeviceProperties2(pd, &props2);
    info.driver = std::string(driver.driverName) + " " + driver.driverInfo;
    info.subgroup_size = sub.subgroupSize;
    const VkSubgroupFeatureFlags needed = VK_SUBGROUP_FEATURE_BASIC_BIT | VK_SUBGROUP_FEATURE_ARITHMETIC_BIT;
    info.subgroup_arithmetic = (sub.supportedStages & VK_SHADER_STAGE_COMPUTE_BIT) &&
                               (sub.supportedOperations & needed) == needed && sub.subgroupSize >= 4 &&
                               sub.subgroupSize <= 128;  // >= 4: unembed_logprob_partial's MAX_SG

    const auto exts = device_extensions(pd);
    const bool dot_ext = has_extension(exts, VK_KHR_SHADER_INTEGER_DOT_PRODUCT_EXTENSION_NAME);
    auto dot = vk_struct<VkPhysicalDeviceShaderIntegerDotProductFeatures>(
        VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_INTEGER_DOT_PRODUCT_FEATURES);
    auto f12 = vk_struct<VkPhysicalDeviceVulkan12Features>(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES,
                                                           dot_ext ? &dot : nullptr);
    auto f11 = vk_struct<VkPhysicalDeviceVulkan11Features>(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_FEATURES, &f12);
    auto f2 = vk_struct<VkPhysicalDeviceFeatures2>(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2, &f11);
    vkGetPhysicalDeviceFeatures2(pd, &f2);
    info.float16 = f12.shaderFloat16;
    info.storage16 = f11.storageBuffer16BitAccess;
    info.integer_dot = dot_ext && dot.shaderIntegerDotProduct;
    if (info.integer_dot) {
        auto dot_props = vk_struct<VkPhysicalDeviceShaderIntegerDotProductProperties>(
            VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_INTEGER_DOT_PRODUCT_PROPERTIES);
        auto p2 = vk_struct<VkPhysicalDeviceProperties2>(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2, &dot_props);
        vkGetPhysicalDeviceProperties2(pd, &p2);
        info.integer_dot_accelerated = dot_props.integerDotProduct4x8BitPackedSignedAccelerated;
    }
    info.cooperative_matrix = has_extension(exts, "VK_KHR_cooperative_matrix");
    return info;
}

VkBool32 VKAPI_PTR on_message(VkDebugUtilsMessageSeverityFlagBitsEXT, VkDebugUtilsMessageTypeFlagsEXT,
                              const VkDebugUtilsMessengerCallbackDataEXT* data, void* user);

}  // namespace

std::string KernelFeatures::describe() const {
    std::string out;
    for (const auto& [on, name] : {std::pair{subgroups, "subgroups"}, {storage16, "storage16"}, {intdot, "intdot"}})
        if (on) out += std::string(out.empty() ? "" : "+") + name;
    return out.empty() ? "portable" : out;
}

KernelFeatures parse_kernel_features(std::string_view text, const std::string& field) {
    KernelFeatures f;
    if (text == "portable") return f;
    size_t start = 0;
    while (start <= text.size()) {
        const size_t end = std::min(text.find('+', start), text.size());
        const std::string_view name = text.substr(start, end - start);
        if (name == "all") f = {true, true, f.intdot};
        else if (name == "subgroups") f.subgroups = true;
        else if (name == "storage16") f.storage16 = true;
        else if (name == "intdot") f.intdot = true;
        else
            throw pe::Error(ErrorKind::bad_input, "", field,
                            fmt::format("unknown Vulkan feature '{}' (known: all, portable, subgroups, storage16, "
                                        "intdot, joined by '+')", name));
        start = end + 1;
    }
    return f;
}

KernelFeatures DeviceInfo::supported() const { return {subgroup_arithmetic, storage16, integer_dot}; }

std::string DeviceInfo::api_string() const {
    return fmt::format("{}.{}.{}", VK_API_VERSION_MAJOR(api_version), VK_API_VERSION_MINOR(api_version),
                       VK_API_VERSION_PATCH(api_version));
}

struct Device::State {
    VkInstance instance = VK_NULL_HANDLE;
    VkDebugUtilsMessengerEXT messenger = VK_NULL_HANDLE;
    VkPhysicalDevice physical = VK_NULL_HANDLE;
    VkDevice device = VK_NULL_HANDLE;
    VkQueue queue = VK_NULL_HANDLE;
    uint32_t family = 0;
    VkPipelineCache cache = VK_NULL_HANDLE;
    std::filesystem::path cache_path;
    VkCommandPool pool = VK_NULL_HANDLE;
    VkCommandBuffer once_cmd = VK_NULL_HANDLE;
    VkFence fence = VK_NULL_HANDLE;
    VkPhysicalDeviceProperties props{};
    VkPhysicalDeviceMemoryProperties memory{};
    DeviceInfo info;
    KernelFeatures features;
    uint64_t memory_limit = 0;
    std::atomic<uint64_t> allocated{0}, peak{0};
    bool validation = false;
    bool echo = false;  // PE_VULKAN_VALIDATION=1 from the environment: print messages to stderr too
    mutable std::mutex messages_mutex;
    std::vector<std::string> messages;

    ~State() {
        if (device) {
            vkDeviceWaitIdle(device);
            save_cache();
            if (fence) vkDestroyFence(device, fence, nullptr);
            if (pool) vkDestroyCommandPool(device, pool, nullptr);
            if (cache) vkDestroyPipelineCache(device, cache, nullptr);
            vkDestroyDevice(device, nullptr);
        }
        if (messenger) vkDestroyDebugUtilsMessengerEXT(instance, messenger, nullptr);
        if (instance) vkDestroyInstance(instance, nullptr);
    }

    // Best effort: the cache only saves compile time, so a read-only home must not fail a run.
    void save_cache() {
        if (!cache || cache_path.empty()) return;
        size_t n = 0;
        if (vkGetPipelineCacheData(device, cache, &n, nullptr) != VK_SUCCESS || n == 0) return;
        std::vector<std::byte> data(n);
        if (vkGetPipelineCacheData(device, cache, &n, data.data()) != VK_SUCCESS) return;
        io::try_write_file_atomically(cache_path, std::span(data).first(n));
    }
};

namespace {

VkBool32 VKAPI_PTR on_message(VkDebugUtilsMessageSeverityFlagBitsEXT severity, VkDebugUtilsMessageTypeFlagsEXT,
                              const VkDebugUtilsMessengerCallbackDataEXT* data, void* user) {
    auto* state = static_cast<Device::State*>(user);
    const char* level = severity >= VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT ? "error" : "warning";
    std::lock_guard lock(state->messages_mutex);
    state->messages.push_back(fmt::format("{}: {}", level, data && data->pMessage ? data->pMessage : "?"));
    if (state->echo) std::fprintf(stderr, "vulkan validation %s\n", state->messages.back().c_str());
    return VK_FALSE;
}

VkDebugUtilsMessengerCreateInfoEXT messenger_info(Device::State* state) {
    auto mi = vk_struct<VkDebugUtilsMessengerCreateInfoEXT>(VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT);
    mi.messageSeverity = VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT;
    mi.messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT |
                     VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT;
    mi.pfnUserCallback = on_message;
    mi.pUserData = state;
    return mi;
}

VkInstance create_instance(Device::State* state, bool validation) {
    load_loader();
    uint32_t api = VK_API_VERSION_1_0;
    if (vkEnumerateInstanceVersion) vkEnumerateInstanceVersion(&api);
    if (api < VK_API_VERSION_1_2)
        device_error("vulkan", "the Vulkan loader supports only API " + std::to_string(VK_API_VERSION_MAJOR(api)) + "." +
                                   std::to_string(VK_API_VERSION_MINOR(api)) + "; 1.2 is needed");
    const auto exts = instance_extensions();
    std::vector<const char*> enabled;
    std::vector<const char*> layers;
    auto ci = vk_struct<VkInstanceCreateInfo>(VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO);
    if (has_extension(exts, VK_KHR_PORTABILITY_ENUMERATION_EXTENSION_NAME)) {  // MoltenVK
        enabled.push_back(VK_KHR_PORTABILITY_ENUMERATION_EXTENSION_NAME);
        ci.flags |= VK_INSTANCE_CREATE_ENUMERATE_PORTABILITY_BIT_KHR;
    }
    VkDebugUtilsMessengerCreateInfoEXT mi{};
    if (validation) {
        uint32_t n = 0;
        check(vkEnumerateInstanceLayerProperties(&n, nullptr), "vkEnumerateInstanceLayerProperties");
        std::vector<VkLayerProperties> lp(n);
        check(vkEnumerateInstanceLayerProperties(&n, lp.data()), "vkEnumerateInstanceLayerProperties");
        if (std::none_of(lp.begin(), lp.end(), [](auto& l) { return std::strcmp(l.layerName, validation_layer) == 0; }))
            device_error("validation", std::string(validation_layer) +
                                           " is not installed (Debian: apt install vulkan-validationlayers)");
        if (!has_extension(exts, VK_EXT_DEBUG_UTILS_EXTENSION_NAME))
            device_error("validation", "VK_EXT_debug_utils is not available");
        layers.push_back(validation_layer);
        enabled.push_back(VK_EXT_DEBUG_UTILS_EXTENSION_NAME);
        mi = messenger_info(state);
        ci.pNext = &mi;
    }
    auto app = vk_struct<VkApplicationInfo>(VK_STRUCTURE_TYPE_APPLICATION_INFO);
    app.pApplicationName = "pythia-eval";
    app.apiVersion = VK_API_VERSION_1_2;
    ci.pApplicationInfo = &app;
    ci.enabledExtensionCount = uint32_t(enabled.size());
    ci.ppEnabledExtensionNames = enabled.data();
    ci.enabledLayerCount = uint32_t(layers.size());
    ci.ppEnabledLayerNames = layers.data();
    VkInstance instance = VK_NULL_HANDLE;
    check(vkCreateInstance(&ci, nullptr, &instance), "vkCreateInstance");
    load_instance_functions(instance);
    return instance;
}

std::vector<VkPhysicalDevice> physical_devices(VkInstance instance) {
    uint32_t n = 0;
    check(vkEnumeratePhysicalDevices(instance, &n, nullptr), "vkEnumeratePhysicalDevices");
    std::vector<VkPhysicalDevice> v(n);
    if (n) check(vkEnumeratePhysicalDevices(instance, &n, v.data()), "vkEnumeratePhysicalDevices");
    v.resize(n);
    return v;
}

}  // namespace

std::vector<DeviceInfo> Device::list() {
    State state;
    state.instance = create_instance(&state, false);
    std::vector<DeviceInfo> out;
    const auto pds = physical_devices(state.instance);
    for (uint32_t i = 0; i < pds.size(); ++i) out.push_back(describe(pds[i], i));
    return out;
}

Device::Device(std::unique_ptr<State> state) : s_(std::move(state)) {}
Device::Device(Device&&) noexcept = default;
Device& Device::operator=(Device&&) noexcept = default;
Device::~Device() = default;

namespace {

// Phase 1: the instance, and the messenger that records validation messages in the state.
void open_instance(Device::State& s, bool validation) {
    s.echo = env_flag("PE_VULKAN_VALIDATION");
    s.validation = validation || s.echo;
    s.instance = create_instance(&s, s.validation);
    if (s.validation) {
        auto mi = messenger_info(&s);
        check(vkCreateDebugUtilsMessengerEXT(s.instance, &mi, nullptr, &s.messenger), "vkCreateDebugUtilsMessengerEXT");
    }
}

// Phase 2: the physical device: the one `index` names, else the first usable one of the most
// preferred type (discrete, integrated, virtual, cpu); its properties, memory types and compute queue family.
void pick_physical_device(Device::State& s, std::optional<uint32_t> index) {
    const auto pds = physical_devices(s.instance);
    if (pds.empty()) device_error("device", "no Vulkan device found (see `pythia-eval devices`; use --backend cpu)");
    std::vector<DeviceInfo> infos;
    for (uint32_t i = 0; i < pds.size(); ++i) infos.push_back(describe(pds[i], i));
    uint32_t pick = 0;
    if (index) {
        if (*index >= pds.size())
            device_error("--device", fmt::format("no device {}; there are {} (see `pythia-eval devices`)", *index,
                                                 pds.size()));
        pick = *index;
        if (!infos[pick].usable)
            device_error("--device", fmt::format("device {} ({}) lacks Vulkan 1.2 or a compute queue", pick, infos[pick].name));
    } else {
        std::optional<uint32_t> best;
        for (uint32_t i = 0; i < infos.size(); ++i) {
            if (!infos[i].usable) continue;
            if (!best || type_rank(infos[i].type) < type_rank(infos[*best].type)) best = i;
        }
        if (!best) device_error("device", "no Vulkan 1.2 device with a compute queue (see `pythia-eval devices`)");
        pick = *best;
    }
    s.physical = pds[pick];
    s.info = infos[pick];
    vkGetPhysicalDeviceProperties(s.physical, &s.props);
    vkGetPhysicalDeviceMemoryProperties(s.physical, &s.memory);
    s.family = *compute_queue_family(s.physical);
}

// Phase 3: the logical device with one compute queue, and the kernel features both allowed and
// supported enabled on it.
void create_logical_device(Device::State& s, const KernelFeatures& allowed) {
    const float priority = 1.0f;
    auto qi = vk_struct<VkDeviceQueueCreateInfo>(VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO);
    qi.queueFamilyIndex = s.family;
    qi.queueCount = 1;
    qi.pQueuePriorities = &priority;
    std::vector<const char*> exts;
    if (has_extension(device_extensions(s.physical), "VK_KHR_portability_subset"))
        exts.push_back("VK_KHR_portability_subset");
    s.features = allowed & s.info.supported();
    auto dot = vk_struct<VkPhysicalDeviceShaderIntegerDotProductFeatures>(
        VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_INTEGER_DOT_PRODUCT_FEATURES);
    dot.shaderIntegerDotProduct = VK_TRUE;
    auto f11 = vk_struct<VkPhysicalDeviceVulkan11Features>(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_FEATURES,
                                                           s.features.intdot ? &dot : nullptr);
    f11.storageBuffer16BitAccess = s.features.storage16 ? VK_TRUE : VK_FALSE;
    if (s.features.intdot) exts.push_back(VK_KHR_SHADER_INTEGER_DOT_PRODUCT_EXTENSION_NAME);
    auto di = vk_struct<VkDeviceCreateInfo>(VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO, &f11);
    di.queueCreateInfoCount = 1;
    di.pQueueCreateInfos = &qi;
    di.enabledExtensionCount = uint32_t(exts.size());
    di.ppEnabledExtensionNames = exts.data();
    check(vkCreateDevice(s.physical, &di, nullptr, &s.device), "vkCreateDevice");
    vkGetDeviceQueue(s.device, s.family, 0, &s.queue);
}

// Phase 4: the pipeline cache, seeded from $XDG_CACHE_HOME/pythia-eval/pipelines-<vendor>-<device>-<uuid>.bin
// when `from_disk` (and saved there when the device closes).
void create_pipeline_cache(Device::State& s, bool from_disk) {
    std::vector<char> cache_data;
    if (const auto cache_dir = io::pythia_cache_dir(""); from_disk && cache_dir) {
        std::string uuid;
        for (uint8_t b : s.props.pipelineCacheUUID) uuid += fmt::format("{:02x}", b);
        s.cache_path = *cache_dir / fmt::format("pipelines-{:04x}-{:04x}-{}.bin", s.props.vendorID,
                                                 s.props.deviceID, uuid);
        std::ifstream in(s.cache_path, std::ios::binary);
        if (in) cache_data.assign(std::istreambuf_iterator<char>(in), {});
    }
    auto pci = vk_struct<VkPipelineCacheCreateInfo>(VK_STRUCTURE_TYPE_PIPELINE_CACHE_CREATE_INFO);
    pci.initialDataSize = cache_data.size();
    pci.pInitialData = cache_data.empty() ? nullptr : cache_data.data();
    if (vkCreatePipelineCache(s.device, &pci, nullptr, &s.cache) != VK_SUCCESS) {
        pci.initialDataSize = 0;  // a corrupt cache file is ignored: the driver rebuilds it
        pci.pInitialData = nullptr;
        check(vkCreatePipelineCache(s.device, &pci, nullptr, &s.cache), "vkCreatePipelineCache");
    }
}

// Phase 5: the command pool, buffer and fence of run_once (uploads, downloads).
void create_run_once_objects(Device::State& s) {
    auto cpi = vk_struct<VkCommandPoolCreateInfo>(VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO);
    cpi.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;
    cpi.queueFamilyIndex = s.family;
    check(vkCreateCommandPool(s.device, &cpi, nullptr, &s.pool), "vkCreateCommandPool");
    auto ai = vk_struct<VkCommandBufferAllocateInfo>(VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO);
    ai.commandPool = s.pool;
    ai.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
    ai.commandBufferCount = 1;
    check(vkAllocateCommandBuffers(s.device, &ai, &s.once_cmd), "vkAllocateCommandBuffers");
    auto fi = vk_struct<VkFenceCreateInfo>(VK_STRUCTURE_TYPE_FENCE_CREATE_INFO);
    check(vkCreateFence(s.device, &fi, nullptr, &s.fence), "vkCreateFence");
}

}  // namespace

// Each phase leaves what it made in the state, whose destructor releases it if a later phase throws.
Device Device::open(const DeviceOptions& options) {
    auto s = std::make_unique<State>();
    open_instance(*s, options.validation);
    pick_physical_device(*s, options.index);
    create_logical_device(*s, options.features);
    s->memory_limit = options.memory_limit_bytes;
    create_pipeline_cache(*s, options.pipeline_cache);
    create_run_once_objects(*s);
    return Device(std::move(s));
}

const DeviceInfo& Device::info() const { return s_->info; }
VkDevice Device::handle() const { return s_->device; }
VkQueue Device::queue() const { return s_->queue; }
uint32_t Device::queue_family() const { return s_->family; }
VkPipelineCache Device::pipeline_cache() const { return s_->cache; }
const VkPhysicalDeviceLimits& Device::limits() const { return s_->props.limits; }
bool Device::validation_enabled() const { return s_->validation; }
const KernelFeatures& Device::features() const { return s_->features; }
uint64_t Device::allocated_bytes() const { return s_->allocated.load(); }
uint64_t Device::peak_allocated_bytes() const { return s_->peak.load(); }

uint64_t Device::memory_limit() const { return s_->memory_limit; }

bool Device::reserve(uint64_t bytes) {
    const uint64_t now = s_->allocated.fetch_add(bytes) + bytes;
    if (s_->memory_limit && now > s_->memory_limit) {
        s_->allocated.fetch_sub(bytes);
        return false;
    }
    uint64_t peak = s_->peak.load();
    while (now > peak && !s_->peak.compare_exchange_weak(peak, now)) {
    }
    return true;
}

void Device::release(uint64_t bytes) { s_->allocated.fetch_sub(bytes); }

std::vector<std::string> Device::validation_messages() const {
    std::lock_guard lock(s_->messages_mutex);
    return s_->messages;
}

uint32_t Device::memory_type(uint32_t type_bits, VkMemoryPropertyFlags required, VkMemoryPropertyFlags preferred) const {
    std::optional<uint32_t> fallback;
    for (uint32_t i = 0; i < s_->memory.memoryTypeCount; ++i) {
        if (!(type_bits & (1u << i))) continue;
        const auto flags = s_->memory.memoryTypes[i].propertyFlags;
        if ((flags & required) != required) continue;
        if ((flags & preferred) == preferred) return i;
        if (!fallback) fallback = i;
    }
    if (!fallback) device_error("memory", "no memory type with the needed properties on " + s_->info.name);
    return *fallback;
}

void Device::submit_and_wait(VkCommandBuffer cmd) {
    auto si = vk_struct<VkSubmitInfo>(VK_STRUCTURE_TYPE_SUBMIT_INFO);
    si.commandBufferCount = 1;
    si.pCommandBuffers = &cmd;
    check(vkResetFences(s_->device, 1, &s_->fence), "vkResetFences");
    check(vkQueueSubmit(s_->queue, 1, &si, s_->fence), "vkQueueSubmit");
    check(vkWaitForFences(s_->device, 1, &s_->fence, VK_TRUE, UINT64_MAX), "vkWaitForFences");
}

void Device::run_once(const std::function<void(VkCommandBuffer)>& record) {
    check(vkResetCommandBuffer(s_->once_cmd, 0), "vkResetCommandBuffer");
    auto bi = vk_struct<VkCommandBufferBeginInfo>(VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO);
    bi.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
    check(vkBeginCommandBuffer(s_->once_cmd, &bi), "vkBeginCommandBuffer");
    record(s_->once_cmd);
    check(vkEndCommandBuffer(s_->once_cmd), "vkEndCommandBuffer");
    submit_and_wait(s_->once_cmd);
}

}  // namespace pe::vulkan
