#include "services/library/library_validation.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "api/errors.h"
#include "api/fields.h"
#include "api/names.h"
#include "api/text.h"

namespace allies::services {

const api::FilterSchema& LibraryFilterSchema() {
  static const api::FilterSchema* schema = [] {
    std::vector<std::pair<std::string, int>> kinds;
    const auto* kind_enum = v1::Library::Kind_descriptor();
    for (int i = 0; i < kind_enum->value_count(); ++i) {
      if (kind_enum->value(i)->number() == 0) continue;
      kinds.emplace_back(kind_enum->value(i)->name(), kind_enum->value(i)->number());
    }
    using api::FieldKind;
    return new api::FilterSchema{
        {"name", FieldKind::kName, false, true, {}},
        {"display_name", FieldKind::kString, false, true, {}},
        {"parent", FieldKind::kName, false, false, {}},
        {"kind", FieldKind::kEnum, false, true, kinds},
        {"region", FieldKind::kString, false, true, {}},
        {"address", FieldKind::kString, false, false, {}},
        {"website", FieldKind::kString, false, false, {}},
        {"create_time", FieldKind::kTimestamp, false, true, {}},
        {"update_time", FieldKind::kTimestamp, false, true, {}},
        {"delete_time", FieldKind::kTimestamp, false, false, {}},
    };
  }();
  return *schema;
}

const std::vector<std::string>& MutableLibraryFields() {
  static const auto* fields = new std::vector<std::string>{"display_name", "parent",  "kind",
                                                           "region",       "address", "website"};
  return *fields;
}

void CheckLibraryFields(const v1::Library& library, const std::vector<std::string>& fields,
                        api::FieldViolations& v) {
  auto wanted = [&](absl::string_view f) {
    return fields.empty() || std::find(fields.begin(), fields.end(), f) != fields.end();
  };
  if (wanted("display_name")) {
    api::CheckText(v, "library.display_name", library.display_name(), kMaxDisplayName, true);
  }
  if (wanted("parent") && !library.parent().empty()) {
    auto parent = api::ParseLibraryName(library.parent(), "library.parent");
    if (!parent.ok()) v.AddFrom(parent.status(), "library.parent");
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
}

absl::Status ValidateCreateLibrary(const v1::CreateLibraryRequest& request) {
  api::FieldViolations v;
  const std::string& id = request.library_id();
  if (!id.empty() && !api::IsValidResourceId(id)) {
    v.Add("library_id", absl::StrCat("must match [a-z][a-z0-9-]{0,62}, got ", api::Quote(id)));
  }
  if (!request.has_library()) {
    v.Add("library", "is required");
  } else {
    CheckLibraryFields(request.library(), {}, v);
  }
  return v.ToStatus();
}

absl::StatusOr<std::vector<std::string>> ResolveLibraryUpdateMask(
    const google::protobuf::FieldMask& mask) {
  return api::ResolveUpdateMask(mask, MutableLibraryFields(), v1::Library::descriptor());
}

}  // namespace allies::services
