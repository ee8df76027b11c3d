// tasks/winogrande.cpp: WinoGrande (winogrande_xl), validation split, 1267 docs. Version 0.
// Partial evaluation: the two options fill the blank in the context, and the shared continuation
// is the text after the blank. lm-eval-tasks.md §1.3 and §2.1 (acc only, no acc_norm).
#include "engine/error.hpp"
#include "tasks/metrics.hpp"
#include "tasks/task.hpp"

namespace pe::tasks {

namespace {

const DataFile winogrande_dev{"winogrande/dev.jsonl", "1aeac79cf46a3dcbe59a71ca7e5372a1490cde2b4ae2387dc56f00378104d2e8"};

struct WinograndeDoc {
    std::string sentence, option1, option2;
    size_t answer = 0;  // answer_to_num = {"1": 0, "2": 1}
    size_t blank = 0;   // sentence.index("_"): the first underscore
};

class WinograndeTask final : public Task {
public:
    explicit WinograndeTask(std::vector<WinograndeDoc> docs) : docs_(std::move(docs)) {}
    size_t n_docs() const override { return docs_.size(); }
    std::vector<Request> requests(size_t doc) const override {
        const auto& d = docs_[doc];
        // partial_target: " " + sentence[idx+1:].strip(); partial_context: sentence[:idx] + option
        const std::string target = " " + python_strip(std::string_view(d.sentence).substr(d.blank + 1));
        const std::string head = d.sentence.substr(0, d.blank);
        return {{head + d.option1, target}, {head + d.option2, target}};
    }
    std::vector<double> score(size_t doc, std::span<const RequestResult> results) const override {
        const double lls[] = {results[0].ll, results[1].ll};
        return {first_argmax(lls) == docs_[doc].answer ? 1.0 : 0.0};
    }

    std::optional<size_t> gold(size_t doc) const override { return docs_[doc].answer; }

private:
    std::vector<WinograndeDoc> docs_;
};

std::vector<WinograndeDoc> load_winogrande(const DataDir& dir) {
    const std::string file = dir.path(winogrande_dev.path).string();
    std::vector<WinograndeDoc> docs;
    for_each_json_line(file, dir.read_verified(winogrande_dev), [&](size_t line, simdjson::dom::element v) {
        WinograndeDoc d;
        d.sentence = json_string(v, "sentence", file, line);
        d.option1 = json_string(v, "option1", file, line);
        d.option2 = json_string(v, "option2", file, line);
        const std::string answer = json_string(v, "answer", file, line);
        if (answer != "1" && answer != "2")
            throw_bad_input(file, "line " + std::to_string(line) + " 'answer'", "'" + answer + "', expected \"1\" or \"2\"");
        d.answer = answer == "1" ? 0 : 1;
        d.blank = d.sentence.find('_');
        if (d.blank == std::string::npos)
            throw_bad_input(file, "line " + std::to_string(line) + " 'sentence'", "has no '_' blank");
        docs.push_back(std::move(d));
    });
    return docs;
}

}  // namespace

TaskInfo winogrande_task() {
    return {.name = "winogrande", .version = 0, .metrics = {{"acc", Aggregation::mean}}, .files = {winogrande_dev},
            .load = [](const DataDir& dir) { return std::make_unique<WinograndeTask>(load_winogrande(dir)); }};
}

}  // namespace pe::tasks
