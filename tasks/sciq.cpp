// tasks/sciq.cpp: SciQ, test split, 1000 docs, four choices (3 distractors, then the answer). Version 0.
// Strings and metrics: lm-eval-tasks.md §1.5 and §2.1; file: ../shared/data/PROVENANCE.md.
#include "engine/error.hpp"
#include "tasks/task.hpp"

namespace pe::tasks {

namespace {

const data::DataFile& sciq_test = data::pinned_file("sciq/test.json");

struct SciqDoc {
    std::string question, distractor1, distractor2, distractor3, correct_answer, support;
};

std::vector<SciqDoc> load_sciq(const DataDir& dir) {
    const std::string file = dir.path(sciq_test.path).string();
    const std::string text = dir.read_verified(sciq_test);
    simdjson::dom::parser parser;
    simdjson::dom::array rows;
    if (const auto err = parser.parse(text).get(rows); err)
        throw_bad_input(file, "", std::string("expected a JSON array of questions: ") + simdjson::error_message(err));
    std::vector<SciqDoc> docs;
    for (auto v : rows) {
        const size_t n = docs.size() + 1;  // "line" here is the record number
        docs.push_back({json_string(v, "question", file, n), json_string(v, "distractor1", file, n),
                        json_string(v, "distractor2", file, n), json_string(v, "distractor3", file, n),
                        json_string(v, "correct_answer", file, n), json_string(v, "support", file, n)});
    }
    return docs;
}

// "{support}\nQuestion: {q}\nAnswer:".strip(): an empty support (116 docs) loses its "\n".
ChoiceQuestion sciq_question(const SciqDoc& d) {
    return {.context = python_strip(d.support + "\nQuestion: " + d.question + "\nAnswer:"),
            .choices = {d.distractor1, d.distractor2, d.distractor3, d.correct_answer},
            .gold = 3};
}

}  // namespace

TaskInfo sciq_task() {
    return {.name = "sciq", .version = 0, .metrics = choice_metrics(), .files = {sciq_test},
            .load = [](const DataDir& dir) {
                std::vector<ChoiceQuestion> questions;
                for (const auto& d : load_sciq(dir)) questions.push_back(sciq_question(d));
                return make_choice_task(std::move(questions));
            }};
}

}  // namespace pe::tasks
