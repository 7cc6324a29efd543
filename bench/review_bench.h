// allies-bench --review: the network review (services/report) over a network of 100 libraries
// with a million approved hours entries and 100 000 partners, against one hand-written SQL
// aggregate over the same hours (issue 15, the speed bullet). See review_bench.cc.
#ifndef ALLIES_BENCH_REVIEW_BENCH_H_
#define ALLIES_BENCH_REVIEW_BENCH_H_

#include "storage/db_config.h"

namespace allies::bench {

struct ReviewOptions {
  int rounds = 5;  // measurements of each side, interleaved; the median is shown
};

// Seeds the network (unless this database already holds it), measures, checks the review's
// figures against what was seeded and prints per-query timings. 0 when the figures are right.
int RunReview(const ReviewOptions& options, const storage::DbConfig& db);

}  // namespace allies::bench

#endif  // ALLIES_BENCH_REVIEW_BENCH_H_
