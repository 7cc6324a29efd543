// The standard inputs of every List method, parsed once: page size, filter, order, and the page
// token bound to all of them (and to whatever else the query depends on).
#ifndef ALLIES_API_LIST_REQUEST_H_
#define ALLIES_API_LIST_REQUEST_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "api/filter.h"
#include "api/pagination.h"

namespace allies::api {

struct ListParams {
  int page_size = kDefaultPageSize;
  std::unique_ptr<FilterExpr> filter;  // null: no filter
  std::vector<OrderTerm> order;
  std::vector<std::string> after_key;          // empty: the first page
  std::string fingerprint;                     // what the page token is bound to
  int limit() const { return page_size + 1; }  // one more row tells whether a page follows
};

struct ListInputs {
  absl::string_view method;  // "ListLibraries"
  int32_t page_size = 0;
  absl::string_view page_token;
  absl::string_view filter;
  absl::string_view order_by;
  absl::string_view default_order;  // used when order_by is empty
  absl::string_view context;        // the rest of the query (parent, show_deleted, ...)
};

absl::StatusOr<ListParams> ParseList(const ListInputs& inputs, const FilterSchema& schema);

// Trims `rows` (fetched with limit()) to the page; returns the next page token, empty on the
// last page. key_of(row) gives the row's keyset under params.order.
template <typename Row, typename KeyOf>
std::string NextPage(std::vector<Row>& rows, const ListParams& params, KeyOf key_of) {
  if (static_cast<int>(rows.size()) <= params.page_size) return "";
  rows.resize(params.page_size);
  return EncodePageToken(params.fingerprint, key_of(rows.back()));
}

}  // namespace allies::api

#endif  // ALLIES_API_LIST_REQUEST_H_
