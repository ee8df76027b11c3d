// Weights::view / Weights::unpacked (weights.hpp).
#include "engine/cpu/weights.hpp"

#include "engine/cpu/parallel.hpp"
#include "engine/model/quant.hpp"

namespace pe::cpu {
namespace {

// The matrices multiplied in full (the tensor table's matrix and unembedding kinds; not token_embd).
std::vector<model::Weight*> matrices(Weights& w) {
    std::vector<model::Weight*> out;
    model::for_each_tensor(
        [&](const model::TensorRef& t, model::Weight& m) {
            if (t.spec.kind == model::TensorKind::matrix || t.spec.kind == model::TensorKind::unembedding)
                out.push_back(&m);
        },
        static_cast<model::ModelWeights&>(w));
    return out;
}

}  // namespace

Weights Weights::view(const model::Model& model) {
    Weights w;
    static_cast<model::ModelWeights&>(w) = model;
    w.hparams = model.hparams();
    return w;
}

Weights Weights::unpacked(const model::Model& model, uint64_t max_bytes, int n_threads) {
    Weights w = view(model);
    uint64_t need = 0;
    for (const model::Weight* m : matrices(w))
        if (m->type != gguf::TensorType::f32) need += m->rows() * m->cols() * sizeof(float);
    if (need == 0 || need > max_bytes) return w;
    for (model::Weight* m : matrices(w)) {
        if (m->type == gguf::TensorType::f32) continue;
        const uint64_t rows = m->rows(), cols = m->cols();
        const uint64_t row_bytes = model::row_bytes(m->type, cols);
        auto values = std::make_shared<std::vector<float>>(rows * cols);
        parallel_for(int64_t(rows), n_threads, 256, [&](int64_t r0, int64_t r1, int) {
            for (int64_t r = r0; r < r1; ++r)
                model::dequantize_row(m->type, m->data.data() + uint64_t(r) * row_bytes,
                                      values->data() + uint64_t(r) * cols, cols);
        });
        m->type = gguf::TensorType::f32;
        m->data = {reinterpret_cast<const std::byte*>(values->data()), values->size() * sizeof(float)};
        w.owned_.push_back(std::move(values));
    }
    return w;
}

uint64_t Weights::unpacked_bytes() const {
    uint64_t n = 0;
    for (const auto& v : owned_) n += v->size() * sizeof(float);
    return n;
}

}  // namespace pe::cpu
