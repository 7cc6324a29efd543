#include "clients/alliesctl/libraries.h"

#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "allies/v1/library.grpc.pb.h"
#include "clients/alliesctl/errors.h"
#include "grpcpp/client_context.h"

namespace allies::ctl {
namespace {

using allies::v1::Library;
using allies::v1::LibraryService;

constexpr char kResource[] = "libraries";
constexpr char kNamePrefix[] = "libraries/";

// The settable fields of Library, as flags of create and update.
const std::vector<FieldFlag>& FieldFlags() {
  static const auto* const fields = new std::vector<FieldFlag>{
      {"display-name", "display_name", "NAME", "display name (at most 300 characters)",
       /*required=*/true},
      {"parent", "parent", "PARENT", "parent library, libraries/x or x (\"\" for a root library)",
       /*required=*/false,
       [](const ParsedArgs& args, google::protobuf::Message* library) {
         static_cast<Library*>(library)->set_parent(NormalizeLibraryName(*args.Get("parent")));
         return absl::OkStatus();
       }},
      {"kind", "kind", "KIND",
       absl::StrCat(EnumValueNames(*Library::Kind_descriptor()), " (case-insensitive)"),
       /*required=*/true},
      {"region", "region", "REGION", "region (at most 300 characters)"},
      {"address", "address", "ADDRESS", "postal address (at most 1000 characters)"},
      {"website", "website", "URL", "http or https URL"},
      {"time-zone", "time_zone", "ZONE",
       "IANA time zone its shifts read in (default Europe/Moscow), e.g. Asia/Vladivostok"},
      {"email", "email", "ADDRESS", "the library's e-mail: the sender of its reminders"},
  };
  return *fields;
}

const Columns<Library>& LibraryColumns() {
  static const auto* const columns =
      new Columns<Library>{{"NAME", "DISPLAY NAME", "KIND", "PARENT", "REGION", "UPDATED"},
                           [](const Library& library) -> std::vector<std::string> {
                             return {library.name(),
                                     OrNone(library.display_name()),
                                     EnumName(*Library::Kind_descriptor(), library.kind()),
                                     OrNone(library.parent()),
                                     OrNone(library.region()),
                                     OrNone(FormatTimestamp(library.update_time()))};
                           }};
  return *columns;
}

// ---- Handlers ----

absl::StatusOr<allies::v1::CreateLibraryRequest> CreateRequest(Invocation& inv) {
  return BuildCreateLibraryRequest(inv.args());
}

absl::StatusOr<allies::v1::UpdateLibraryRequest> UpdateRequest(Invocation& inv) {
  return BuildUpdateLibraryRequest(inv.operands()[0], inv.args());
}

// Libraries are listed across the network, the children of one with --parent.
struct LibraryListFlags {
  int operator()(Invocation& inv, allies::v1::ListLibrariesRequest& request) const {
    if (std::optional<std::string> parent = inv.args().Get("parent")) {
      request.set_parent(NormalizeLibraryName(*parent));
    }
    return ApplyListFlags(inv, request);
  }
};

}  // namespace

Table LibrariesTable(const google::protobuf::RepeatedPtrField<Library>& libraries) {
  return LibraryColumns()(libraries);
}

std::string NormalizeLibraryName(absl::string_view name) {
  if (name.empty() || absl::StartsWith(name, kNamePrefix)) return std::string(name);
  return absl::StrCat(kNamePrefix, name);
}

absl::StatusOr<Library::Kind> ParseLibraryKind(absl::string_view value) {
  absl::StatusOr<int> kind = ParseEnumFlag("kind", *Library::Kind_descriptor(), value);
  if (!kind.ok()) return kind.status();
  return static_cast<Library::Kind>(*kind);
}

absl::StatusOr<allies::v1::CreateLibraryRequest> BuildCreateLibraryRequest(const ParsedArgs& args) {
  return BuildCreateRequest<allies::v1::CreateLibraryRequest>(FieldFlags(), "library", std::nullopt,
                                                              args);
}

absl::StatusOr<allies::v1::UpdateLibraryRequest> BuildUpdateLibraryRequest(absl::string_view name,
                                                                           const ParsedArgs& args) {
  return BuildUpdateRequest<allies::v1::UpdateLibraryRequest>(FieldFlags(), "library",
                                                              NormalizeLibraryName(name), args);
}

void RegisterLibraryCommands(CommandRegistry* registry) {
  registry->AddResource({kResource, {"library", "lib", "libs"}, "the library network"});

  const FlagSpec etag = EtagFlag("library");

  Command get = NewCommand(kResource, "get", "NAME",
                           "Show a library (NAME is libraries/x or x), including a deleted one.");
  get.run = NamedCall<LibraryService>(&LibraryService::Stub::GetLibrary, LibraryColumns(),
                                      NormalizeName{NormalizeLibraryName});
  registry->AddCommand(std::move(get));

  Command list = NewCommand(kResource, "list", "",
                            "List libraries (live ones unless --show-deleted), filtered and "
                            "ordered.");
  list.details =
      "Without --all, one page is printed; in table output the token of the next page\n"
      "follows on stderr as 'next page: --page-token TOKEN'.\n"
      "Filter fields: name, display_name, parent, kind, region, address, website, email,\n"
      "create_time, update_time, delete_time; e.g. --filter 'kind = BRANCH AND\n"
      "display_name: \"детская\"'. Sortable: name, display_name, kind, region,\n"
      "create_time, update_time; e.g. --order-by 'display_name, create_time desc'.\n";
  list.flags = ListFlagSpecs("libraries", /*filter_and_order=*/true);
  list.flags.push_back(
      {"parent", '\0', true, "PARENT", "only the direct children of this library"});
  list.run = ListCall<LibraryService>(
      &LibraryService::Stub::ListLibraries,
      [](allies::v1::ListLibrariesResponse* page) { return page->mutable_libraries(); },
      LibraryColumns(), "libraries", LibraryListFlags());
  registry->AddCommand(std::move(list));

  Command create = NewCommand(kResource, "create", "",
                              "Create a library; --display-name and --kind are required.");
  create.flags = CreateFlagSpecs("library", FieldFlags());
  create.run =
      Send<LibraryService>(&LibraryService::Stub::CreateLibrary, CreateRequest, LibraryColumns());
  registry->AddCommand(std::move(create));

  Command update =
      NewCommand(kResource, "update", "NAME",
                 "Update the fields given as flags (an empty value clears the field).");
  update.details =
      "The update_mask holds exactly the field flags given; --parent \"\" makes the\n"
      "library a root. At least one field flag is required.\n";
  update.flags = UpdateFlagSpecs("library", FieldFlags());
  update.run =
      Send<LibraryService>(&LibraryService::Stub::UpdateLibrary, UpdateRequest, LibraryColumns());
  registry->AddCommand(std::move(update));

  Command del = NewCommand(kResource, "delete", "NAME",
                           "Soft-delete a library (with --force, also its live subtree).");
  del.flags = {etag, {"force", '\0', false, "", "also delete the live libraries under it"}};
  del.run = NamedCall<LibraryService>(&LibraryService::Stub::DeleteLibrary, LibraryColumns(),
                                      NormalizeName{NormalizeLibraryName});
  registry->AddCommand(std::move(del));

  Command undelete = NewCommand(kResource, "undelete", "NAME",
                                "Bring back a soft-deleted library (not its children).");
  undelete.flags = {etag, RequestIdFlag()};
  undelete.run = NamedCall<LibraryService>(&LibraryService::Stub::UndeleteLibrary, LibraryColumns(),
                                           NormalizeName{NormalizeLibraryName});
  registry->AddCommand(std::move(undelete));
}

}  // namespace allies::ctl
