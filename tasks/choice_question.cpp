// Shared multiple-choice scoring for piqa, arc_easy and sciq: lm_eval/base.py MultipleChoiceTask
// (lm-eval-tasks.md §1 "Common" and §2.1).
#include "tasks/metrics.hpp"
#include "tasks/task.hpp"

namespace pe::tasks {

namespace {

class ChoiceTask final : public Task {
public:
    explicit ChoiceTask(std::vector<ChoiceQuestion> questions) : questions_(std::move(questions)) {}

    size_t n_docs() const override { return questions_.size(); }

    std::vector<Request> requests(size_t doc) const override {
        const auto& q = questions_[doc];
        std::vector<Request> out;
        for (const auto& choice : q.choices) out.push_back({q.context, " " + choice});
        return out;
    }

    std::vector<double> score(size_t doc, std::span<const RequestResult> results) const override {
        const auto& q = questions_[doc];
        std::vector<double> lls, normed;
        for (size_t i = 0; i < results.size(); i++) {
            lls.push_back(results[i].ll);
            // float64 division by float(len(choice)); the delimiter space is not counted
            normed.push_back(results[i].ll / double(len_codepoints(q.choices[i])));
        }
        return {first_argmax(lls) == q.gold ? 1.0 : 0.0, first_argmax(normed) == q.gold ? 1.0 : 0.0};
    }

    std::optional<size_t> gold(size_t doc) const override { return questions_[doc].gold; }

private:
    std::vector<ChoiceQuestion> questions_;
};

}  // namespace

std::unique_ptr<Task> make_choice_task(std::vector<ChoiceQuestion> questions) {
    return std::make_unique<ChoiceTask>(std::move(questions));
}

std::vector<MetricSpec> choice_metrics() {
    return {{"acc", Aggregation::mean}, {"acc_norm", Aggregation::mean}};
}

}  // namespace pe::tasks
