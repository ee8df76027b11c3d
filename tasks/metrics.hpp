// lm-eval's metric arithmetic in float64 with its summation order (lm-eval-tasks.md §2):
// mean, sample_stddev, mean_stderr, perplexity and the bootstrap stderr of §2.3.
#pragma once

#include <cstddef>
#include <span>

namespace pe::tasks {

double mean(std::span<const double> xs);           // sum(arr) / len(arr), naive left to right
double sample_stddev(std::span<const double> xs);  // ddof = 1
double mean_stderr(std::span<const double> xs);    // sample_stddev / sqrt(n)
double perplexity(std::span<const double> lls);    // exp(-mean(lls)): per document, not per token

// bootstrap_stderr(f, xs, iters): iters // min(1000, iters) chunks of min(1000, iters) replicates;
// chunk i draws with Python's Random(i).choices(xs, k=len(xs)). Result: sample_stddev of the
// replicates in chunk order. Chunks run on up to n_threads threads (0: hardware threads).
using StatisticFn = double (*)(std::span<const double>);
double bootstrap_stderr(StatisticFn f, std::span<const double> xs, int iters, unsigned n_threads = 0);

// np.argmax: the first index of the largest value.
size_t first_argmax(std::span<const double> xs);

}  // namespace pe::tasks
