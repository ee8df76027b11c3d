// Metric arithmetic, lm-eval-tasks.md §2.2-§2.3 (lm_eval/metrics.py at the reference commit).
#include "tasks/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <thread>
#include <vector>

#include "tasks/python_random.hpp"

namespace pe::tasks {

double mean(std::span<const double> xs) {
    double sum = 0.0;  // Python <= 3.11 sum(): plain left-to-right float addition
    for (double x : xs) sum += x;
    return sum / double(xs.size());
}

double sample_stddev(std::span<const double> xs) {
    const double mu = mean(xs);
    double sum = 0.0;
    for (double x : xs) sum += (x - mu) * (x - mu);
    return std::sqrt(sum / double(xs.size() - 1));
}

double mean_stderr(std::span<const double> xs) {
    return sample_stddev(xs) / std::sqrt(double(xs.size()));
}

double perplexity(std::span<const double> lls) { return std::exp(-mean(lls)); }

double bootstrap_stderr(StatisticFn f, std::span<const double> xs, int iters, unsigned n_threads) {
    const int chunk_size = std::min(1000, iters);
    const int n_chunks = chunk_size > 0 ? iters / chunk_size : 0;
    std::vector<double> res(size_t(n_chunks) * size_t(chunk_size));
    const auto run_chunk = [&](int i) {
        PythonRandom rnd{uint64_t(i)};  // _bootstrap_internal: rnd.seed(i) per chunk
        std::vector<double> sample(xs.size());
        for (int r = 0; r < chunk_size; r++) {
            for (double& s : sample) s = xs[rnd.choice_index(xs.size())];
            res[size_t(i) * size_t(chunk_size) + size_t(r)] = f(sample);
        }
    };
    if (n_threads == 0) n_threads = std::max(1u, std::thread::hardware_concurrency());
    n_threads = std::min<unsigned>(n_threads, unsigned(std::max(n_chunks, 1)));
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < n_threads; t++)
        pool.emplace_back([&, t] {
            for (int i = int(t); i < n_chunks; i += int(n_threads)) run_chunk(i);
        });
    for (auto& th : pool) th.join();
    return sample_stddev(res);  // over all replicates in chunk order, as pool.imap returns them
}

size_t first_argmax(std::span<const double> xs) {
    size_t best = 0;
    for (size_t i = 1; i < xs.size(); i++)
        if (xs[i] > xs[best]) best = i;
    return best;
}

}  // namespace pe::tasks
