// tasks/lambada_openai.cpp: LAMBADA (OpenAI's detokenized test set), 5153 docs. Version 0.
// Context = text up to the last ASCII space, target = " " + the rest; two identical requests per
// doc (ppl from the first, acc = is_greedy of the second). lm-eval-tasks.md §1.1 and §2.3.
#include "engine/error.hpp"
#include "tasks/task.hpp"

namespace pe::tasks {

namespace {

const data::DataFile& lambada_test = data::pinned_file("lambada_openai/lambada_test.jsonl");

struct LambadaDoc {
    std::string context, target;  // text.rsplit(" ", 1)
};

class LambadaTask final : public Task {
public:
    explicit LambadaTask(std::vector<LambadaDoc> docs) : docs_(std::move(docs)) {}
    size_t n_docs() const override { return docs_.size(); }
    std::vector<Request> requests(size_t doc) const override {
        const auto& d = docs_[doc];
        const Request r{d.context, " " + d.target};
        return {r, r};  // lambada.py construct_requests: ll, is_greedy = rf.loglikelihood(...)
    }
    std::vector<double> score(size_t, std::span<const RequestResult> results) const override {
        return {results[0].ll, results[1].is_greedy ? 1.0 : 0.0};  // {"ppl": ll, "acc": int(is_greedy)}
    }

private:
    std::vector<LambadaDoc> docs_;
};

std::vector<LambadaDoc> load_lambada(const DataDir& dir) {
    const std::string file = dir.path(lambada_test.path).string();
    std::vector<LambadaDoc> docs;
    for_each_json_line(file, dir.read_verified(lambada_test), [&](size_t line, simdjson::dom::element v) {
        const std::string text = json_string(v, "text", file, line);
        const size_t space = text.rfind(' ');  // the last U+0020 only; other whitespace does not split
        if (space == std::string::npos)
            throw_bad_input(file, "line " + std::to_string(line) + " 'text'", "has no space to split the target off");
        docs.push_back({text.substr(0, space), text.substr(space + 1)});
    });
    return docs;
}

}  // namespace

TaskInfo lambada_openai_task() {
    return {.name = "lambada_openai", .version = 0,
            .metrics = {{"ppl", Aggregation::perplexity}, {"acc", Aggregation::mean}},
            .files = {lambada_test},
            .load = [](const DataDir& dir) { return std::make_unique<LambadaTask>(load_lambada(dir)); }};
}

}  // namespace pe::tasks
