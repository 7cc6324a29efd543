#include "clients/alliesctl/libraries.h"

#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "allies/v1/library.grpc.pb.h"
#include "clients/alliesctl/errors.h"
#include "grpcpp/client_context.h"

namespace allies::ctl {
namespace {

using allies::v1::Library;

constexpr char kResource[] = "libraries";
constexpr char kNamePrefix[] = "libraries/";
constexpr const char* kNone = kEmptyCell;

// A settable field of Library: its flag, its update_mask path and a setter
// that validates and stores the flag's value.
struct FieldFlag {
  const char* flag;
  const char* path;
  const char* value_name;
  const char* help;
  absl::Status (*set)(Library* library, const std::string& value);
};

const std::vector<FieldFlag>& FieldFlags() {
  static const auto* const fields = new std::vector<FieldFlag>{
      {"display-name", "display_name", "NAME", "display name (at most 300 characters)",
       [](Library* library, const std::string& value) {
         library->set_display_name(value);
         return absl::OkStatus();
       }},
      {"parent", "parent", "PARENT", "parent library, libraries/x or x (\"\" for a root library)",
       [](Library* library, const std::string& value) {
         library->set_parent(NormalizeLibraryName(value));
         return absl::OkStatus();
       }},
      {"kind", "kind", "KIND",
       "REGIONAL, CENTRAL_SYSTEM, CENTRAL_LIBRARY, BRANCH, UNIVERSITY, SCHOOL or SPECIAL "
       "(case-insensitive)",
       [](Library* library, const std::string& value) {
         absl::StatusOr<Library::Kind> kind = ParseLibraryKind(value);
         if (!kind.ok()) return kind.status();
         library->set_kind(*kind);
         return absl::OkStatus();
       }},
      {"region", "region", "REGION", "region (at most 300 characters)",
       [](Library* library, const std::string& value) {
         library->set_region(value);
         return absl::OkStatus();
       }},
      {"address", "address", "ADDRESS", "postal address (at most 1000 characters)",
       [](Library* library, const std::string& value) {
         library->set_address(value);
         return absl::OkStatus();
       }},
      {"website", "website", "URL", "http or https URL",
       [](Library* library, const std::string& value) {
         library->set_website(value);
         return absl::OkStatus();
       }},
  };
  return *fields;
}

std::vector<FlagSpec> FieldFlagSpecs() {
  std::vector<FlagSpec> specs;
  for (const FieldFlag& field : FieldFlags()) {
    specs.push_back({field.flag, '\0', true, field.value_name, field.help});
  }
  return specs;
}

std::string OrNone(std::string value) { return value.empty() ? kNone : std::move(value); }

std::string KindName(int kind) {
  const std::string& name = allies::v1::Library_Kind_Name(kind);
  return name.empty() ? absl::StrCat(kind) : name;
}

std::unique_ptr<allies::v1::LibraryService::Stub> Stub(Invocation& inv) {
  return allies::v1::LibraryService::NewStub(inv.Channel());
}

int PrintLibrary(Invocation& inv, const Library& library) {
  google::protobuf::RepeatedPtrField<Library> one;
  *one.Add() = library;
  return inv.Print(library, LibrariesTable(one));
}

// ---- Handlers ----

int RunGet(Invocation& inv) {
  allies::v1::GetLibraryRequest request;
  request.set_name(NormalizeLibraryName(inv.operands()[0]));
  grpc::ClientContext context;
  inv.PrepareContext(&context);
  Library response;
  grpc::Status status = Stub(inv)->GetLibrary(&context, request, &response);
  if (!status.ok()) return inv.RpcFailed(status);
  return PrintLibrary(inv, response);
}

int RunCreate(Invocation& inv) {
  absl::StatusOr<allies::v1::CreateLibraryRequest> request = BuildCreateLibraryRequest(inv.args());
  if (!request.ok()) return inv.UsageError(request.status().message());
  grpc::ClientContext context;
  inv.PrepareContext(&context);
  Library response;
  grpc::Status status = Stub(inv)->CreateLibrary(&context, *request, &response);
  if (!status.ok()) return inv.RpcFailed(status);
  return PrintLibrary(inv, response);
}

int RunUpdate(Invocation& inv) {
  absl::StatusOr<allies::v1::UpdateLibraryRequest> request =
      BuildUpdateLibraryRequest(inv.operands()[0], inv.args());
  if (!request.ok()) return inv.UsageError(request.status().message());
  grpc::ClientContext context;
  inv.PrepareContext(&context);
  Library response;
  grpc::Status status = Stub(inv)->UpdateLibrary(&context, *request, &response);
  if (!status.ok()) return inv.RpcFailed(status);
  return PrintLibrary(inv, response);
}

int RunDelete(Invocation& inv) {
  allies::v1::DeleteLibraryRequest request;
  request.set_name(NormalizeLibraryName(inv.operands()[0]));
  if (std::optional<std::string> etag = inv.args().Get("etag")) request.set_etag(*etag);
  request.set_force(inv.args().GetBool("force"));
  grpc::ClientContext context;
  inv.PrepareContext(&context);
  Library response;
  grpc::Status status = Stub(inv)->DeleteLibrary(&context, request, &response);
  if (!status.ok()) return inv.RpcFailed(status);
  return PrintLibrary(inv, response);
}

int RunUndelete(Invocation& inv) {
  allies::v1::UndeleteLibraryRequest request;
  request.set_name(NormalizeLibraryName(inv.operands()[0]));
  if (std::optional<std::string> etag = inv.args().Get("etag")) request.set_etag(*etag);
  if (std::optional<std::string> rid = inv.args().Get("request-id")) request.set_request_id(*rid);
  grpc::ClientContext context;
  inv.PrepareContext(&context);
  Library response;
  grpc::Status status = Stub(inv)->UndeleteLibrary(&context, request, &response);
  if (!status.ok()) return inv.RpcFailed(status);
  return PrintLibrary(inv, response);
}

int RunList(Invocation& inv) {
  allies::v1::ListLibrariesRequest request;
  if (std::optional<std::string> parent = inv.args().Get("parent")) {
    request.set_parent(NormalizeLibraryName(*parent));
  }
  if (int code = ApplyListFlags(inv, request); code != kExitOk) return code;
  std::unique_ptr<allies::v1::LibraryService::Stub> stub = Stub(inv);
  allies::v1::ListLibrariesResponse result;
  const int fetched = FetchPages(
      inv, request,
      [&](grpc::ClientContext* c, const auto& r, auto* page) {
        return stub->ListLibraries(c, r, page);
      },
      [](allies::v1::ListLibrariesResponse* page) { return page->mutable_libraries(); }, result);
  if (fetched != kExitOk) return fetched;

  if (inv.options().output == OutputFormat::kTable && result.libraries().empty()) {
    inv.err() << "No libraries found.\n";
  } else {
    const int code = inv.Print(result, LibrariesTable(result.libraries()));
    if (code != kExitOk) return code;
  }
  if (inv.options().output == OutputFormat::kTable && !result.next_page_token().empty()) {
    inv.err() << "next page: --page-token " << result.next_page_token() << "\n";
  }
  return kExitOk;
}

}  // namespace

std::string NormalizeLibraryName(absl::string_view name) {
  if (name.empty() || absl::StartsWith(name, kNamePrefix)) return std::string(name);
  return absl::StrCat(kNamePrefix, name);
}

absl::StatusOr<Library::Kind> ParseLibraryKind(absl::string_view value) {
  if (value.empty()) return Library::KIND_UNSPECIFIED;
  const std::string upper =
      absl::AsciiStrToUpper(absl::StrReplaceAll(value, {{"-", "_"}, {" ", "_"}}));
  Library::Kind kind = Library::KIND_UNSPECIFIED;
  if (!Library::Kind_Parse(upper, &kind)) {
    std::vector<std::string> names;
    for (int i = Library::Kind_MIN + 1; i <= Library::Kind_MAX; ++i) {
      if (Library::Kind_IsValid(i)) names.push_back(Library::Kind_Name(i));
    }
    return absl::InvalidArgumentError(absl::StrCat(
        "unknown library kind \"", value, "\" (want one of ", absl::StrJoin(names, ", "), ")"));
  }
  return kind;
}

absl::StatusOr<allies::v1::CreateLibraryRequest> BuildCreateLibraryRequest(const ParsedArgs& args) {
  for (const char* required : {"display-name", "kind"}) {
    if (!args.Has(required)) {
      return absl::InvalidArgumentError(absl::StrCat("--", required, " is required"));
    }
  }
  allies::v1::CreateLibraryRequest request;
  if (std::optional<std::string> id = args.Get("id")) request.set_library_id(*id);
  if (std::optional<std::string> rid = args.Get("request-id")) request.set_request_id(*rid);
  for (const FieldFlag& field : FieldFlags()) {
    if (std::optional<std::string> value = args.Get(field.flag)) {
      absl::Status status = field.set(request.mutable_library(), *value);
      if (!status.ok()) return status;
    }
  }
  return request;
}

absl::StatusOr<allies::v1::UpdateLibraryRequest> BuildUpdateLibraryRequest(absl::string_view name,
                                                                           const ParsedArgs& args) {
  allies::v1::UpdateLibraryRequest request;
  Library* library = request.mutable_library();
  library->set_name(NormalizeLibraryName(name));
  if (std::optional<std::string> etag = args.Get("etag")) library->set_etag(*etag);
  for (const FieldFlag& field : FieldFlags()) {
    if (std::optional<std::string> value = args.Get(field.flag)) {
      absl::Status status = field.set(library, *value);
      if (!status.ok()) return status;
      request.mutable_update_mask()->add_paths(field.path);
    }
  }
  if (request.update_mask().paths().empty()) {
    std::vector<std::string> flags;
    for (const FieldFlag& field : FieldFlags()) flags.push_back(absl::StrCat("--", field.flag));
    return absl::InvalidArgumentError(
        absl::StrCat("nothing to update: give at least one of ", absl::StrJoin(flags, ", ")));
  }
  return request;
}

Table LibrariesTable(const google::protobuf::RepeatedPtrField<Library>& libraries) {
  bool any_deleted = false;
  for (const Library& library : libraries) any_deleted |= library.has_delete_time();
  Table table;
  table.headers = {"NAME", "DISPLAY NAME", "KIND", "PARENT", "REGION", "UPDATED"};
  if (any_deleted) table.headers.push_back("DELETED");
  for (const Library& library : libraries) {
    std::vector<std::string> row = {
        library.name(),           OrNone(library.display_name()),
        KindName(library.kind()), OrNone(library.parent()),
        OrNone(library.region()), OrNone(FormatTimestamp(library.update_time())),
    };
    if (any_deleted) {
      row.push_back(library.has_delete_time() ? FormatTimestamp(library.delete_time()) : kNone);
    }
    table.rows.push_back(std::move(row));
  }
  return table;
}

void RegisterLibraryCommands(CommandRegistry* registry) {
  registry->AddResource({kResource, {"library", "lib", "libs"}, "the library network"});

  const FlagSpec etag{"etag", '\0', true, "ETAG",
                      "fail with ABORTED unless this is the library's current etag"};

  Command get;
  get.resource = kResource;
  get.verb = "get";
  get.operand_usage = "NAME";
  get.summary = "Show a library (NAME is libraries/x or x), including a deleted one.";
  get.min_operands = get.max_operands = 1;
  get.run = RunGet;
  registry->AddCommand(std::move(get));

  Command list;
  list.resource = kResource;
  list.verb = "list";
  list.summary = "List libraries (live ones unless --show-deleted), filtered and ordered.";
  list.details =
      "Without --all, one page is printed; in table output the token of the next page\n"
      "follows on stderr as 'next page: --page-token TOKEN'.\n"
      "Filter fields: name, display_name, parent, kind, region, address, website,\n"
      "create_time, update_time, delete_time; e.g. --filter 'kind = BRANCH AND\n"
      "display_name: \"детская\"'. Sortable: name, display_name, kind, region,\n"
      "create_time, update_time; e.g. --order-by 'display_name, create_time desc'.\n";
  list.flags = ListFlagSpecs("libraries", /*filter_and_order=*/true);
  list.flags.push_back(
      {"parent", '\0', true, "PARENT", "only the direct children of this library"});
  list.run = RunList;
  registry->AddCommand(std::move(list));

  Command create;
  create.resource = kResource;
  create.verb = "create";
  create.summary = "Create a library; --display-name and --kind are required.";
  create.flags = {
      {"id", '\0', true, "ID", "library id, [a-z][a-z0-9-]{0,62} (generated when omitted)"},
      {"request-id", '\0', true, "ID",
       "idempotency key: a retry with the same id returns the first result"}};
  for (FlagSpec& spec : FieldFlagSpecs()) create.flags.push_back(std::move(spec));
  create.run = RunCreate;
  registry->AddCommand(std::move(create));

  Command update;
  update.resource = kResource;
  update.verb = "update";
  update.operand_usage = "NAME";
  update.summary = "Update the fields given as flags (an empty value clears the field).";
  update.details =
      "The update_mask holds exactly the field flags given; --parent \"\" makes the\n"
      "library a root. At least one field flag is required.\n";
  update.min_operands = update.max_operands = 1;
  update.flags = FieldFlagSpecs();
  update.flags.push_back(etag);
  update.run = RunUpdate;
  registry->AddCommand(std::move(update));

  Command del;
  del.resource = kResource;
  del.verb = "delete";
  del.operand_usage = "NAME";
  del.summary = "Soft-delete a library (with --force, also its live subtree).";
  del.min_operands = del.max_operands = 1;
  del.flags = {etag, {"force", '\0', false, "", "also delete the live libraries under it"}};
  del.run = RunDelete;
  registry->AddCommand(std::move(del));

  Command undelete;
  undelete.resource = kResource;
  undelete.verb = "undelete";
  undelete.operand_usage = "NAME";
  undelete.summary = "Bring back a soft-deleted library (not its children).";
  undelete.min_operands = undelete.max_operands = 1;
  undelete.flags = {etag,
                    {"request-id", '\0', true, "ID",
                     "idempotency key: a retry with the same id returns the first result"}};
  undelete.run = RunUndelete;
  registry->AddCommand(std::move(undelete));
}

}  // namespace allies::ctl
