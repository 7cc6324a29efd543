#include "api/list_request.h"

#include "absl/strings/str_cat.h"

namespace allies::api {

absl::StatusOr<ListParams> ParseList(const ListInputs& inputs, const FilterSchema& schema) {
  ListParams params;
  auto page_size = EffectivePageSize(inputs.page_size);
  if (!page_size.ok()) return page_size.status();
  params.page_size = *page_size;
  auto filter = ParseFilter(inputs.filter, schema);
  if (!filter.ok()) return filter.status();
  params.filter = *std::move(filter);
  auto order =
      ParseOrderBy(inputs.order_by.empty() ? inputs.default_order : inputs.order_by, schema);
  if (!order.ok()) return order.status();
  params.order = *std::move(order);
  params.fingerprint = absl::StrCat(inputs.method, "|", inputs.context,
                                    "|filter=", CanonicalFilter(params.filter.get()),
                                    "|order=", CanonicalOrder(params.order));
  auto key = DecodePageToken(inputs.page_token, params.fingerprint);
  if (!key.ok()) return key.status();
  params.after_key = *std::move(key);
  return params;
}

}  // namespace allies::api
