// The network review: the period and subtree of a request made into a frame, the sums of
// storage/network_review rolled up (the whole subtree, the parent's own rows, each child's
// subtree), every figure labelled in Russian and tied to its query, the regional forms' lines
// filled from the figures, and the difference between two reviews (an approved report's and a
// new build's).
#ifndef ALLIES_SERVICES_REPORT_REVIEW_H_
#define ALLIES_SERVICES_REPORT_REVIEW_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "allies/v1/report.pb.h"
#include "api/rpc.h"
#include "storage/pool.h"

namespace allies::services::review {

// The period of a review (both days included).
struct Period {
  absl::CivilDay start;
  absl::CivilDay end;
};

// The period a request names: a year, or two days (at most 366 days apart, not after today);
// INVALID_ARGUMENT otherwise.
absl::StatusOr<Period> PeriodOf(int32_t year, const google::type::Date& start,
                                const google::type::Date& end, absl::CivilDay today);

// Builds the review of `library`'s subtree (which the caller must reach) over `period`.
absl::StatusOr<v1::NetworkReview> Build(storage::ConnectionPool& pool, const api::Call& call,
                                        const std::string& library, const Period& period);

// What `current` gives differently from `approved`, per drill-down entry and key.
std::vector<v1::FigureChange> Differences(const v1::NetworkReview& approved,
                                          const v1::NetworkReview& current);

}  // namespace allies::services::review

#endif  // ALLIES_SERVICES_REPORT_REVIEW_H_
