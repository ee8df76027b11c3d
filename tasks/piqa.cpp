// tasks/piqa.cpp: PIQA, validation split, 1838 docs, two choices. Version 0.
// Strings and metrics: lm-eval-tasks.md §1.2 and §2.1; files: ../shared/data/PROVENANCE.md.
#include "engine/error.hpp"
#include "tasks/task.hpp"

namespace pe::tasks {

namespace {

const data::DataFile& piqa_valid = data::pinned_file("piqa/valid.jsonl");
const data::DataFile& piqa_labels = data::pinned_file("piqa/valid-labels.lst");

struct PiqaDoc {
    std::string goal, sol1, sol2;
    size_t label = 0;
};

std::vector<PiqaDoc> load_piqa(const DataDir& dir) {
    const std::string file = dir.path(piqa_valid.path).string();
    std::vector<PiqaDoc> docs;
    for_each_json_line(file, dir.read_verified(piqa_valid), [&](size_t line, simdjson::dom::element v) {
        docs.push_back({json_string(v, "goal", file, line), json_string(v, "sol1", file, line),
                        json_string(v, "sol2", file, line)});
    });
    // valid-labels.lst: one 0/1 per line, aligned with valid.jsonl.
    const std::string labels_file = dir.path(piqa_labels.path).string();
    const std::string labels = dir.read_verified(piqa_labels);
    size_t i = 0;
    for (size_t start = 0; start < labels.size(); i++) {
        size_t end = labels.find('\n', start);
        if (end == std::string::npos) end = labels.size();
        const std::string_view row(labels.data() + start, end - start);
        if (i >= docs.size() || (row != "0" && row != "1"))
            throw_bad_input(labels_file, "line " + std::to_string(i + 1), "expected 0 or 1 for one of the " +
                            std::to_string(docs.size()) + " questions", start);
        docs[i].label = row == "1" ? 1 : 0;
        start = end + 1;
    }
    if (i != docs.size())
        throw_bad_input(labels_file, "", std::to_string(i) + " labels for " + std::to_string(docs.size()) + " questions");
    return docs;
}

ChoiceQuestion piqa_question(const PiqaDoc& d) {
    return {.context = "Question: " + d.goal + "\nAnswer:", .choices = {d.sol1, d.sol2}, .gold = d.label};
}

}  // namespace

TaskInfo piqa_task() {
    return {.name = "piqa", .version = 0, .metrics = choice_metrics(), .files = {piqa_valid, piqa_labels},
            .load = [](const DataDir& dir) {
                std::vector<ChoiceQuestion> questions;
                for (const auto& d : load_piqa(dir)) questions.push_back(piqa_question(d));
                return make_choice_task(std::move(questions));
            }};
}

}  // namespace pe::tasks
