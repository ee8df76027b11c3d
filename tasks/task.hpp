// The Task interface (style.md §6): a task loads its documents, builds each document's requests
// and scores one document from its requests' results. Everything else (shuffle, --limit,
// tokenization, scoring, aggregation) belongs to the evaluator. Spec: lm-eval-tasks.md §1-§2.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "tasks/dataset.hpp"

namespace pe::tasks {

// One rf.loglikelihood(context, continuation) call.
struct Request {
    std::string context;
    std::string continuation;
};

// What lm-eval's LM returned for a request: the summed target log-prob and whether every target
// token was the argmax.
struct RequestResult {
    double ll = 0.0;
    bool is_greedy = false;
};

enum class Aggregation { mean, perplexity };  // stderr: mean_stderr, or the bootstrap

struct MetricSpec {
    std::string name;
    Aggregation aggregation;
};

class Task {
public:
    virtual ~Task() = default;
    virtual size_t n_docs() const = 0;  // in dataset order
    virtual std::vector<Request> requests(size_t doc) const = 0;
    // One value per metric of the task's TaskInfo, in that order.
    virtual std::vector<double> score(size_t doc, std::span<const RequestResult> results) const = 0;
    // The index of the correct request of a multiple-choice document (for --log-samples); none
    // for a task scored by its one request (LAMBADA).
    virtual std::optional<size_t> gold(size_t) const { return std::nullopt; }
};

// A registered task: name, VERSION, metrics in process_results order, its original data files,
// and its loader (which checks every file's sha256 before parsing).
struct TaskInfo {
    std::string name;
    int version = 0;
    std::vector<MetricSpec> metrics;
    std::vector<DataFile> files;
    std::function<std::unique_ptr<Task>(const DataDir&)> load;
};

const std::vector<TaskInfo>& registry();              // tasks/registry.cpp
const TaskInfo& find_task(const std::string& name);   // unknown names are an error listing the known ones

// lm-eval's MultipleChoiceTask: one request (context, " " + choice) per choice; acc compares the
// first argmax of ll with gold, acc_norm that of ll / len(choice) in code points (§2.1).
struct ChoiceQuestion {
    std::string context;
    std::vector<std::string> choices;  // raw text, without the leading space
    size_t gold = 0;
};

std::unique_ptr<Task> make_choice_task(std::vector<ChoiceQuestion> questions);
std::vector<MetricSpec> choice_metrics();  // acc, acc_norm

}  // namespace pe::tasks
