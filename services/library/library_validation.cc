#include "services/library/library_validation.h"

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "api/contact_points.h"
#include "api/fields.h"
#include "api/text.h"

namespace allies::services {

const std::vector<std::string>& MutableLibraryFields() {
  static const auto* fields = new std::vector<std::string>{
      "display_name", "parent", "kind", "region", "address", "website", "time_zone", "email"};
  return *fields;
}

void CheckLibraryFields(const v1::Library& library, const std::vector<std::string>& fields,
                        api::FieldViolations& v) {
  auto wanted = [&](absl::string_view f) { return api::HasPath(fields, f); };
  if (wanted("display_name")) {
    api::CheckText(v, "library.display_name", library.display_name(), kMaxDisplayName, true);
  }
  if (wanted("kind")) {
    if (library.kind() == v1::Library::KIND_UNSPECIFIED) {
      v.Add("library.kind",
            "is required (REGIONAL, CENTRAL_SYSTEM, CENTRAL_LIBRARY, BRANCH, "
            "UNIVERSITY, SCHOOL or SPECIAL)");
    } else if (!v1::Library::Kind_IsValid(library.kind())) {
      v.Add("library.kind", absl::StrCat("unknown kind ", library.kind()));
    }
  }
  if (wanted("region")) api::CheckText(v, "library.region", library.region(), kMaxRegion, false);
  if (wanted("address")) {
    api::CheckText(v, "library.address", library.address(), kMaxAddress, false, true);
  }
  if (wanted("website")) api::CheckUrl(v, "library.website", library.website(), kMaxWebsite);
  if (wanted("email") && !library.email().empty()) {
    api::CheckEmail(v, "library.email", library.email());
  }
  // Empty stands for the default (normalized to it before the write).
  if (wanted("time_zone") && !library.time_zone().empty()) {
    absl::TimeZone zone;
    if (library.time_zone().size() > 64 || library.time_zone()[0] == '/' ||
        library.time_zone().find("..") != std::string::npos ||
        !absl::LoadTimeZone(library.time_zone(), &zone)) {
      v.Add("library.time_zone",
            absl::StrCat("must be an IANA time zone such as \"Europe/Moscow\" or "
                         "\"Asia/Vladivostok\", got ",
                         api::Quote(library.time_zone())));
    }
  }
}

}  // namespace allies::services
