// tasks/arc_easy.cpp: ARC-Easy, test split, 2376 docs, 3-5 choices. Version 0.
// Strings and metrics: lm-eval-tasks.md §1.4 and §2.1; files: ../shared/data/PROVENANCE.md.
// Reads the Hugging Face export ARC-Easy-test.jsonl (flattened question, parallel choices.text /
// choices.label lists), pinned by sha256, and checks it against AllenAI's pinned answer key. Only
// pinned files are read: an AllenAI-style ARC-Easy-Test.jsonl beside it (whose sha256 nobody could
// pin) is ignored, and `data check` lists it as not pinned (issue #12, item 7).
#include <array>

#include "engine/error.hpp"
#include "tasks/task.hpp"

namespace pe::tasks {

namespace {

const data::DataFile& arc_hf_export = data::pinned_file("arc_easy/ARC-Easy-test.jsonl");
const data::DataFile& arc_answer_key = data::pinned_file("arc_easy/question-answers.jsonl");

struct ArcDoc {
    std::string id, question;
    std::vector<std::string> choices;
    std::string answer_key;
};

std::vector<std::string> string_list(simdjson::dom::element v, const char* key, const std::string& file, size_t line) {
    simdjson::dom::array arr;
    if (v[key].get(arr) != simdjson::SUCCESS)
        throw_bad_input(file, "line " + std::to_string(line) + " '" + key + "'", "missing or not a list");
    std::vector<std::string> out;
    for (auto item : arr) {
        std::string_view s;
        if (item.get(s) != simdjson::SUCCESS)
            throw_bad_input(file, "line " + std::to_string(line) + " '" + key + "'", "holds a non-string");
        out.emplace_back(s);
    }
    return out;
}

ArcDoc parse_arc_line(simdjson::dom::element v, const std::string& file, size_t line) {
    ArcDoc d;
    d.id = json_string(v, "id", file, line);
    d.answer_key = json_string(v, "answerKey", file, line);
    simdjson::dom::element question;
    if (v["question"].get(question) != simdjson::SUCCESS)
        throw_bad_input(file, "line " + std::to_string(line) + " 'question'", "missing");
    if (question.is_string()) {  // Hugging Face export
        d.question = json_string(v, "question", file, line);
        simdjson::dom::element choices;
        if (v["choices"].get(choices) != simdjson::SUCCESS)
            throw_bad_input(file, "line " + std::to_string(line) + " 'choices'", "missing");
        d.choices = string_list(choices, "text", file, line);
    } else {  // AllenAI original
        d.question = json_string(question, "stem", file, line);
        simdjson::dom::array choices;
        if (question["choices"].get(choices) != simdjson::SUCCESS)
            throw_bad_input(file, "line " + std::to_string(line) + " 'question.choices'", "missing or not a list");
        for (auto c : choices) d.choices.push_back(json_string(c, "text", file, line));
    }
    return d;
}

void check_against_answer_key(const DataDir& dir, const std::vector<ArcDoc>& docs) {
    const std::string original = dir.path(arc_hf_export.path).string();
    const std::string key_file = dir.path(arc_answer_key.path).string();
    size_t i = 0;
    for_each_json_line(key_file, dir.read_verified(arc_answer_key), [&](size_t line, simdjson::dom::element v) {
        const std::string id = json_string(v, "id", key_file, line);
        const std::string key = json_string(v, "answerKey", key_file, line);
        if (i >= docs.size() || docs[i].id != id || docs[i].answer_key != key)
            throw_bad_input(original, "line " + std::to_string(i + 1),
                            "differs from AllenAI's answer key " + key_file + " line " + std::to_string(line) +
                                " (" + id + " " + key + "): not the original ARC-Easy test file");
        i++;
    });
    if (i != docs.size())
        throw_bad_input(original, "", std::to_string(docs.size()) + " questions, the answer key has " +
                                          std::to_string(i) + ": not the original ARC-Easy test file");
}

std::vector<ArcDoc> load_arc_easy(const DataDir& dir) {
    const std::string file = dir.path(arc_hf_export.path).string();
    const std::string text = dir.read_verified(arc_hf_export);
    std::vector<ArcDoc> docs;
    for_each_json_line(file, text, [&](size_t line, simdjson::dom::element v) {
        docs.push_back(parse_arc_line(v, file, line));
    });
    check_against_answer_key(dir, docs);
    return docs;
}

// _process_doc: answerKey 1-5 becomes A-E; gold is its index in A..E (not in the labels list).
ChoiceQuestion arc_question(const ArcDoc& d, const std::string& file) {
    static const std::array<std::string, 5> letters{"A", "B", "C", "D", "E"}, digits{"1", "2", "3", "4", "5"};
    size_t gold = letters.size();
    for (size_t i = 0; i < letters.size(); i++)
        if (d.answer_key == letters[i] || d.answer_key == digits[i]) gold = i;
    if (gold >= d.choices.size())
        throw_bad_input(file, d.id, "answerKey '" + d.answer_key + "' does not name one of its " +
                                        std::to_string(d.choices.size()) + " choices");
    return {.context = "Question: " + d.question + "\nAnswer:", .choices = d.choices, .gold = gold};
}

}  // namespace

TaskInfo arc_easy_task() {
    return {.name = "arc_easy", .version = 0, .metrics = choice_metrics(), .files = {arc_hf_export, arc_answer_key},
            .load = [](const DataDir& dir) {
                const std::string file = dir.path(arc_hf_export.path).string();
                std::vector<ChoiceQuestion> questions;
                for (const auto& d : load_arc_easy(dir)) questions.push_back(arc_question(d, file));
                return make_choice_task(std::move(questions));
            }};
}

}  // namespace pe::tasks
