#include "services/library/library_service.h"

#include "absl/strings/str_cat.h"
#include "api/contact_points.h"
#include "api/errors.h"
#include "api/names.h"
#include "services/library/library_validation.h"
#include "storage/core_tables.h"
#include "storage/library_tree.h"
#include "storage/scope.h"

namespace allies::services {
namespace {

namespace tree = storage::library_tree;

absl::Status Cycle(const std::string& message, const std::string& name, const std::string& parent) {
  return api::Error(absl::StatusCode::kFailedPrecondition, "LIBRARY_CYCLE", message,
                    {{"resource", name}, {"parent", parent}});
}

}  // namespace

ResourceRules<v1::Library> LibraryRules() {
  ResourceRules<v1::Library> rules;
  rules.table = &storage::LibrariesTable();
  rules.field = "library";
  rules.mutable_fields = MutableLibraryFields();
  rules.check = CheckLibraryFields;
  rules.normalize = [](v1::Library& library) {
    if (library.time_zone().empty()) library.set_time_zone(std::string(kDefaultTimeZone));
    library.set_email(api::NormalizeEmail(library.email()));
  };
  // A move: to the network's root (network keys only), or under a library that is not inside
  // the moved one's own subtree. (The new parent's reach, existence and life are checked as a
  // declared reference.)
  rules.check_write = [](WriteContext& ctx, const storage::ResourceKey& key,
                         const v1::Library& library,
                         const std::vector<std::string>& changed) -> absl::Status {
    if (ctx.creating || !api::HasPath(changed, "parent")) return absl::OkStatus();
    const std::string name = api::LibraryName(key.id);
    if (library.parent().empty()) {
      return storage::scope::CheckNetwork(ctx.call.principal(), "the network's root libraries");
    }
    const std::string parent_id(api::LibraryIdOf(library.parent()));
    if (parent_id == key.id) {
      return Cycle(absl::StrCat(name, " cannot be its own parent"), name, library.parent());
    }
    auto ancestry = tree::LockAncestry(ctx.session, parent_id);
    if (!ancestry.ok()) return ancestry.status();
    for (const std::string& ancestor : *ancestry) {
      if (ancestor == key.id) {
        return Cycle(absl::StrCat("cannot move ", name, " under ", library.parent(),
                                  ", which lies inside its own subtree"),
                     name, library.parent());
      }
    }
    return absl::OkStatus();
  };
  rules.before_delete = [](WriteContext& ctx, const storage::ResourceKey& key,
                           const v1::Library& library, bool force) -> absl::Status {
    if (!force) {
      auto child = tree::AnyLiveChild(ctx.session, key.id);
      if (!child.ok()) return child.status();
      if (!*child) return absl::OkStatus();
      return api::Error(
          absl::StatusCode::kFailedPrecondition, "LIBRARY_HAS_CHILDREN",
          absl::StrCat(library.name(), " has live child libraries (e.g. ",
                       api::LibraryName(**child), "); delete them first or pass force"),
          {{"resource", library.name()}, {"child", api::LibraryName(**child)}});
    }
    // With force, the whole live subtree. Marking a row locks it; a child that another
    // transaction was creating under it commits first and is found by the next round.
    while (true) {
      auto descendants = tree::LiveDescendants(ctx.session, key.id, ctx.now);
      if (!descendants.ok()) return descendants.status();
      if (descendants->empty()) return absl::OkStatus();
      absl::Status marked = tree::MarkDeleted(ctx.session, *descendants, ctx.now);
      for (size_t i = 0; marked.ok() && i < descendants->size(); ++i) {
        const std::string& id = (*descendants)[i];
        marked = RecordChange(ctx, storage::LibrariesTable(), "DELETE", {id, id}, {"delete_time"});
      }
      if (!marked.ok()) return marked;
    }
  };
  return rules;
}

absl::Status LibraryService::List(const api::Call& call, const v1::ListLibrariesRequest& request,
                                  v1::ListLibrariesResponse* response) {
  ListArgs args = ListArgs::Of("ListLibraries", request);
  // ListLibraries' parent is a filter (libraries are a root collection): the direct children of
  // that library.
  args.parent = "";
  if (!request.parent().empty()) {
    auto parent = api::ParseLibraryName(request.parent(), "parent");
    if (!parent.ok()) return parent.status();
    args.condition = {"t.parent_id = ?", {*parent}};
    args.within_library = *parent;
    args.context = absl::StrCat("children_of=", request.parent());
  }
  return libraries_.List(call, args, response->mutable_libraries(),
                         response->mutable_next_page_token());
}

LibraryService::LibraryService(const server::ServiceDeps& deps)
    : AsyncServiceHost(deps.authenticator), libraries_(deps.pool, LibraryRules()) {
  using Async = v1::LibraryService::AsyncService;
  Unary(&Async::RequestGetLibrary, [this](const api::Call& c, const auto& r, auto* out) {
    return libraries_.Get(c, r.name(), out);
  });
  Unary(&Async::RequestListLibraries,
        [this](const api::Call& c, const auto& r, auto* out) { return List(c, r, out); });
  Unary(&Async::RequestCreateLibrary, [this](const api::Call& c, const auto& r, auto* out) {
    if (!r.has_library()) return api::InvalidField("library", "is required");
    return libraries_.Create(c, "", r.library(), r.library_id(), r.request_id(), r, out);
  });
  Unary(&Async::RequestUpdateLibrary, [this](const api::Call& c, const auto& r, auto* out) {
    if (!r.has_library()) return api::InvalidField("library", "is required");
    return libraries_.Update(c, r.library(), r.update_mask(), out);
  });
  Unary(&Async::RequestDeleteLibrary, [this](const api::Call& c, const auto& r, auto* out) {
    return libraries_.Delete(c, r.name(), r.etag(), r.force(), out);
  });
  Unary(&Async::RequestUndeleteLibrary, [this](const api::Call& c, const auto& r, auto* out) {
    return libraries_.Undelete(c, r.name(), r.etag(), r.request_id(), r, out);
  });
}

server::ServiceRegistration LibraryServiceRegistration() {
  return {v1::LibraryService::service_full_name(),
          [](const server::ServiceDeps& deps) { return std::make_unique<LibraryService>(deps); }};
}

}  // namespace allies::services
