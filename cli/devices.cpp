// pythia-eval devices: the Vulkan devices this machine offers, in the order --device N counts them,
// with the optional features the backend detects (issue #4).
#include <fmt/format.h>

#include "cli/commands.hpp"
#include "engine/vulkan/device.hpp"

namespace pe::cli {

void add_devices(CLI::App& app) {
    auto* cmd = app.add_subcommand("devices", "List Vulkan devices (use with --device N)");
    cmd->callback([] {
        const auto infos = vulkan::Device::list();
        if (infos.empty()) {
            fmt::print("no Vulkan devices (the CPU backend still works: --backend cpu)\n");
            return;
        }
        for (const auto& d : infos) {
            fmt::print("{}: {} ({}, Vulkan {}, {}, {:.0f} MiB device-local){}\n", d.index, d.name, d.type,
                       d.api_string(), d.driver, double(d.device_local_bytes) / (1 << 20),
                       d.usable ? "" : " [unusable: needs Vulkan 1.2 and a compute queue]");
            if (!d.usable) continue;
            fmt::print("   subgroup size {}, subgroup arithmetic {}, 16-bit storage {}, float16 {}, integer dot {}, "
                       "cooperative matrix {}\n",
                       d.subgroup_size, d.subgroup_arithmetic ? "yes" : "no", d.storage16 ? "yes" : "no",
                       d.float16 ? "yes" : "no",
                       !d.integer_dot ? "no" : d.integer_dot_accelerated ? "yes (accelerated)" : "yes (emulated)",
                       d.cooperative_matrix ? "yes" : "no");
            const vulkan::KernelFeatures used = vulkan::KernelFeatures::all() & d.supported();
            fmt::print("   kernels use: {} (--backend vulkan:portable turns them off{})\n", used.describe(),
                       d.integer_dot ? "; vulkan:all+intdot adds Q8_0 activations" : "");
        }
    });
}

}  // namespace pe::cli
