// The evaluator, lm-eval-tasks.md §3 (document order), §4 (requests, dedup, truncation) and §5
// (bit-exact recipe). Tasks only build strings and score documents; this file does the rest.
#include "tasks/evaluator.hpp"

#include <algorithm>
#include <thread>
#include <unordered_map>

#include "engine/error.hpp"
#include "engine/half.hpp"
#include "tasks/metrics.hpp"
#include "tasks/python_random.hpp"

namespace pe::tasks {

namespace {

struct TaskRun {
    const TaskInfo* info = nullptr;
    std::unique_ptr<Task> task;
    std::vector<size_t> docs;                 // dataset indices, in shuffled order, after --limit
    std::vector<size_t> first_request;        // per document position: its first flat request
};

struct FlatRequest {
    size_t task = 0, doc_pos = 0;
    Request text;
    TokenRequest tokens;
    size_t unique = 0;  // index of its distinct token sequence
};

struct UniqueRequest {
    size_t first;       // flat index of the first request with this token sequence
    size_t seq_len;     // len(ctx + cont) after truncation
    std::optional<RequestResult> result;
};

// Encodes every request, in parallel (the tokenizer is thread-safe). A context equal to the
// previous request's (multiple choice) is encoded once.
void tokenize_all(std::vector<FlatRequest>& flat, const Encoder& encode, int32_t eot_id) {
    const auto work = [&](size_t begin, size_t end) {
        for (size_t i = begin; i < end; i++) {
            auto& r = flat[i];
            if (r.text.context.empty()) {
                r.tokens.ctx_ids = {eot_id};  // base.py: context == "" -> [eot_token_id]
            } else if (i > begin && flat[i - 1].text.context == r.text.context) {
                r.tokens.ctx_ids = flat[i - 1].tokens.ctx_ids;
            } else {
                r.tokens.ctx_ids = encode(r.text.context);
            }
            r.tokens.cont_ids = encode(r.text.continuation);
        }
    };
    const size_t n_threads = std::clamp<size_t>(std::thread::hardware_concurrency(), 1, 16);
    const size_t per = (flat.size() + n_threads - 1) / n_threads;
    std::vector<std::thread> pool;
    for (size_t t = 0; t < n_threads && t * per < flat.size(); t++)
        pool.emplace_back(work, t * per, std::min(flat.size(), (t + 1) * per));
    for (auto& th : pool) th.join();
}

std::string token_key(const TokenRequest& r) {
    // lm-eval's Reorderer groups by the concatenated ids, tuple(context_enc + continuation_enc).
    std::string key;
    key.reserve((r.ctx_ids.size() + r.cont_ids.size()) * sizeof(int32_t));
    for (const auto* ids : {&r.ctx_ids, &r.cont_ids})
        key.append(reinterpret_cast<const char*>(ids->data()), ids->size() * sizeof(int32_t));
    return key;
}

std::vector<std::pair<std::string, double>> aggregate(const TaskInfo& info,
                                                      const std::vector<std::vector<double>>& values,
                                                      int bootstrap_iters) {
    std::vector<std::pair<std::string, double>> out;
    for (size_t m = 0; m < info.metrics.size(); m++) {
        const auto& spec = info.metrics[m];
        const auto& xs = values[m];  // in shuffled document order: sums depend on it (§2.2)
        if (spec.aggregation == Aggregation::mean) {
            out.emplace_back(spec.name, mean(xs));
            out.emplace_back(spec.name + "_stderr", mean_stderr(xs));
        } else {
            out.emplace_back(spec.name, perplexity(xs));
            out.emplace_back(spec.name + "_stderr", bootstrap_stderr(perplexity, xs, bootstrap_iters));
        }
    }
    return out;
}

}  // namespace

RequestResult reduce_scored_tokens(const std::vector<model::ScoredToken>& tokens, model::LogitPrecision precision) {
    bool greedy = true;
    for (const auto& t : tokens) greedy = greedy && t.is_argmax;
    if (precision == model::LogitPrecision::fp16) {
        float sum = 0.0f;  // torch's Half sum: fp32 accumulation, one rounding to fp16 at the end
        for (const auto& t : tokens) sum += t.logprob;
        return {double(fp16_round(sum)), greedy};
    }
    double sum = 0.0;  // a Float tensor's sum is a float32; summing in double rounds once
    for (const auto& t : tokens) sum += double(t.logprob);
    return {double(float(sum)), greedy};
}

model::ScoreRequest make_score_request(const TokenRequest& request, size_t max_length) {
    std::vector<int32_t> seq = request.ctx_ids;
    seq.insert(seq.end(), request.cont_ids.begin(), request.cont_ids.end());
    if (seq.size() > max_length + 1) seq.erase(seq.begin(), seq.end() - ptrdiff_t(max_length + 1));
    model::ScoreRequest out;
    out.targets.assign(seq.end() - ptrdiff_t(request.cont_ids.size()), seq.end());
    seq.pop_back();
    out.input = std::move(seq);
    return out;
}

EvalResult evaluate(const EvalOptions& options, const Encoder& encode, model::Backend& backend) {
    const DataDir dir(options.data_dir);
    std::vector<TaskRun> runs;
    std::vector<FlatRequest> flat;
    for (const auto& name : options.tasks) {
        TaskRun run;
        run.info = &find_task(name);
        run.task = run.info->load(dir);
        run.docs = shuffled_order(run.task->n_docs(), 42);  // evaluator.py: rnd.seed(42); rnd.shuffle(task_docs)
        if (options.limit && *options.limit < run.docs.size()) run.docs.resize(*options.limit);
        for (size_t pos = 0; pos < run.docs.size(); pos++) {
            run.first_request.push_back(flat.size());
            for (auto& r : run.task->requests(run.docs[pos]))
                flat.push_back({.task = runs.size(), .doc_pos = pos, .text = std::move(r), .tokens = {}, .unique = 0});
        }
        run.first_request.push_back(flat.size());
        runs.push_back(std::move(run));
    }

    tokenize_all(flat, encode, options.eot_id);

    // Identical token sequences are scored once (base.py Reorderer), across tasks too.
    std::vector<UniqueRequest> uniques;
    std::unordered_map<std::string, size_t> by_key;
    for (size_t i = 0; i < flat.size(); i++) {
        auto& r = flat[i];
        if (r.tokens.cont_ids.empty())
            throw_bad_input("", runs[r.task].info->name + " document " + std::to_string(runs[r.task].docs[r.doc_pos]),
                            "continuation '" + r.text.continuation + "' encodes to no tokens");
        if (r.tokens.cont_ids.size() > options.max_length)
            throw_bad_input("", runs[r.task].info->name + " document " + std::to_string(runs[r.task].docs[r.doc_pos]),
                            "continuation of " + std::to_string(r.tokens.cont_ids.size()) +
                                " tokens does not fit the " + std::to_string(options.max_length) + "-token window");
        const auto [it, inserted] = by_key.try_emplace(token_key(r.tokens), uniques.size());
        if (inserted) {
            const size_t len = std::min(r.tokens.ctx_ids.size() + r.tokens.cont_ids.size(), options.max_length + 1);
            uniques.push_back({.first = i, .seq_len = len, .result = std::nullopt});
        }
        r.unique = it->second;
    }

    Progress progress{.requests_total = uniques.size()};
    for (auto& u : uniques) {
        progress.tokens_total += u.seq_len - 1;
        if (options.store) u.result = options.store->find(flat[u.first].tokens);
        if (u.result) {
            progress.requests_done++;
            progress.tokens_done += u.seq_len - 1;
        }
    }

    // Pending requests grouped by the document that first asked for them, so that requests
    // sharing a context sit side by side for the backend's prefix sharing; longest groups first.
    std::vector<std::vector<size_t>> groups;
    for (size_t u = 0; u < uniques.size(); u++) {
        if (uniques[u].result) continue;
        const auto& r = flat[uniques[u].first];
        const bool same_doc = !groups.empty() && flat[uniques[groups.back()[0]].first].task == r.task &&
                              flat[uniques[groups.back()[0]].first].doc_pos == r.doc_pos;
        if (!same_doc) groups.emplace_back();
        groups.back().push_back(u);
    }
    const auto group_len = [&](const std::vector<size_t>& g) {
        size_t n = 0;
        for (size_t u : g) n = std::max(n, uniques[u].seq_len);
        return n;
    };
    std::stable_sort(groups.begin(), groups.end(),
                     [&](const auto& a, const auto& b) { return group_len(a) > group_len(b); });

    model::Batch batch{.requests = {}, .precision = options.precision};
    std::vector<size_t> batch_uniques;
    size_t batch_tokens = 0;
    const auto flush = [&] {
        if (batch.requests.empty()) return;
        const auto scored = backend.score(batch);
        if (scored.size() != batch.requests.size())
            throw Error(ErrorKind::internal, backend.name(), "score", "returned " + std::to_string(scored.size()) +
                                                                      " results for " + std::to_string(batch.requests.size()) + " requests");
        for (size_t i = 0; i < scored.size(); i++) {
            if (scored[i].size() != batch.requests[i].targets.size())
                throw Error(ErrorKind::internal, backend.name(), "score", "returned " + std::to_string(scored[i].size()) +
                                                                          " tokens for " + std::to_string(batch.requests[i].targets.size()) + " targets");
            auto& u = uniques[batch_uniques[i]];
            u.result = reduce_scored_tokens(scored[i], options.precision);
            if (options.store) options.store->put(flat[u.first].tokens, *u.result);
            progress.requests_done++;
            progress.tokens_done += batch.requests[i].input.size();
        }
        batch.requests.clear();
        batch_uniques.clear();
        batch_tokens = 0;
        if (options.on_progress) options.on_progress(progress);
    };
    for (const auto& g : groups) {
        for (size_t u : g) {
            auto req = make_score_request(flat[uniques[u].first].tokens, options.max_length);
            if (!batch.requests.empty() && batch_tokens + req.input.size() > options.batch_tokens) flush();
            batch_tokens += req.input.size();
            batch.requests.push_back(std::move(req));
            batch_uniques.push_back(u);
        }
    }
    flush();

    EvalResult out;
    for (size_t t = 0; t < runs.size(); t++) {
        const auto& run = runs[t];
        std::vector<std::vector<double>> values(run.info->metrics.size());
        for (size_t pos = 0; pos < run.docs.size(); pos++) {
            std::vector<RequestResult> results;
            const size_t first_sample = out.samples.size();
            for (size_t i = run.first_request[pos]; i < run.first_request[pos + 1]; i++) {
                const auto& r = flat[i];
                results.push_back(*uniques[r.unique].result);
                if (options.keep_samples)
                    out.samples.push_back({run.info->name, pos, r.text.context, r.text.continuation,
                                           r.tokens.ctx_ids, r.tokens.cont_ids, results.back()});
            }
            const auto doc_values = run.task->score(run.docs[pos], results);
            for (size_t m = 0; m < values.size(); m++) values[m].push_back(doc_values.at(m));
            if (options.keep_samples) {
                DocumentSample d{run.info->name, run.docs[pos], pos, first_sample, results.size(),
                                 run.task->gold(run.docs[pos]), {}};
                for (size_t m = 0; m < values.size(); m++) d.metrics.emplace_back(run.info->metrics[m].name, doc_values[m]);
                out.documents.push_back(std::move(d));
            }
        }
        out.tasks.push_back({run.info->name, run.info->version, run.docs.size(),
                             aggregate(*run.info, values, options.bootstrap_iters),
                             run.first_request.back() - run.first_request.front()});
    }
    return out;
}

}  // namespace pe::tasks
