// Weight-file discovery and the sharded *.index.json form ({"weight_map": {tensor: shard file}}):
// every tensor the index names must be in the shard it names, and no tensor may appear twice.
#include "engine/convert/checkpoint.hpp"

#include <simdjson.h>

#include <filesystem>
#include <set>

#include "engine/convert/safetensors.hpp"
#include "engine/convert/torch_checkpoint.hpp"
#include "engine/error.hpp"

namespace pe::convert {

namespace fs = std::filesystem;

namespace {

bool is_safetensors(const std::string& path) { return path.ends_with(".safetensors"); }

std::vector<SourceTensor> read_weight_file(const std::string& path) {
    return is_safetensors(path) ? read_safetensors(path) : read_torch_checkpoint(path);
}

// weight_map of an index file: tensor name -> shard path (resolved beside the index).
std::map<std::string, std::string> read_index(const std::string& index_path) {
    const std::string text = read_text_file(index_path);
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    if (auto err = parser.parse(text).get(doc); err != simdjson::SUCCESS)
        throw_bad_input(index_path, "", std::string("invalid JSON: ") + simdjson::error_message(err));
    simdjson::dom::object map;
    if (doc["weight_map"].get_object().get(map) != simdjson::SUCCESS)
        throw_bad_input(index_path, "weight_map", "missing or not an object");
    const fs::path dir = fs::path(index_path).parent_path();
    std::map<std::string, std::string> out;
    for (auto kv : map) {
        std::string_view shard;
        if (kv.value.get_string().get(shard) != simdjson::SUCCESS)
            throw_bad_input(index_path, "weight_map." + std::string(kv.key), "not a string");
        // Shard names are plain file names beside the index; refuse paths that climb out of it.
        if (shard.empty() || shard.find('/') != std::string_view::npos || shard == "." || shard == "..")
            throw_bad_input(index_path, "weight_map." + std::string(kv.key), "shard '" + std::string(shard) + "' is not a file name");
        out[std::string(kv.key)] = (dir / shard).string();
    }
    if (out.empty()) throw_bad_input(index_path, "weight_map", "empty");
    return out;
}

}  // namespace

std::vector<std::string> find_weight_files(const std::string& hf_dir) {
    const fs::path dir(hf_dir);
    for (const char* single : {"model.safetensors", "model.safetensors.index.json", "pytorch_model.bin",
                               "pytorch_model.bin.index.json"}) {
        const fs::path p = dir / single;
        if (!fs::exists(p)) continue;
        if (!std::string_view(single).ends_with(".index.json")) return {p.string()};
        std::vector<std::string> files{p.string()};
        std::set<std::string> shards;
        for (const auto& [name, shard] : read_index(p.string())) shards.insert(shard);
        files.insert(files.end(), shards.begin(), shards.end());
        return files;
    }
    throw_bad_input(hf_dir, "", "no model.safetensors, pytorch_model.bin or their *.index.json in this folder");
}

Checkpoint Checkpoint::open(const std::string& hf_dir) {
    Checkpoint c;
    c.files_ = find_weight_files(hf_dir);
    const bool sharded = c.files_.front().ends_with(".index.json");
    const std::map<std::string, std::string> index = sharded ? read_index(c.files_.front()) : std::map<std::string, std::string>{};
    for (size_t k = sharded ? 1 : 0; k < c.files_.size(); ++k) {
        for (SourceTensor& t : read_weight_file(c.files_[k])) {
            if (c.tensors_.count(t.name))
                throw_bad_input(t.file, "tensor '" + t.name + "'", "appears twice (also in " + c.tensors_[t.name].file + ")");
            std::string name = t.name;
            c.tensors_.emplace(std::move(name), std::move(t));
        }
    }
    for (const auto& [name, shard] : index) {
        auto it = c.tensors_.find(name);
        if (it == c.tensors_.end() || it->second.file != shard)
            throw_bad_input(shard, "tensor '" + name + "'", "listed in " + c.files_.front() + " but not in this shard");
    }
    return c;
}

const SourceTensor* Checkpoint::find(const std::string& name) const {
    auto it = tensors_.find(name);
    return it == tensors_.end() ? nullptr : &it->second;
}

std::vector<std::byte> Checkpoint::read(const SourceTensor& t) const {
    auto& slot = open_[t.file];
    if (!slot) slot = std::make_unique<InputFile>(t.file);
    return slot->read(t.offset_bytes, t.n_bytes, "tensor '" + t.name + "'");
}

}  // namespace pe::convert
