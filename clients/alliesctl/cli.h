// The command framework of alliesctl: a table of commands ("<resource> <verb>"),
// global flags, help text, and dispatch. Resources register their commands
// (see libraries.h); RunCli turns the table into CLI11 subcommands, parses the
// command line with them and runs one command.
#ifndef ALLIES_CLIENTS_ALLIESCTL_CLI_H_
#define ALLIES_CLIENTS_ALLIESCTL_CLI_H_

#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "clients/alliesctl/args.h"
#include "clients/alliesctl/errors.h"
#include "clients/alliesctl/output.h"
#include "google/protobuf/field_mask.pb.h"
#include "google/protobuf/message.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/status.h"

namespace allies::ctl {

inline constexpr char kDefaultEndpoint[] = "127.0.0.1:50051";
inline constexpr char kEndpointEnvVar[] = "ALLIES_ENDPOINT";

inline constexpr char kApiKeyEnvVar[] = "ALLIES_API_KEY";
inline constexpr char kApiKeyFileEnvVar[] = "ALLIES_API_KEY_FILE";

// The API key to send: $ALLIES_API_KEY, else the first line of $ALLIES_API_KEY_FILE, else of the
// nearest .allies/admin.key from the current directory upwards (what ./allies up writes).
// Empty when there is none.
std::string FindApiKey();

// What follows an UNAUTHENTICATED error when no key was sent.
inline constexpr char kNoApiKeyHint[] =
    "hint: no API key: set ALLIES_API_KEY, ALLIES_API_KEY_FILE or run ./allies up to create "
    ".allies/admin.key\n";

struct GlobalOptions {
  std::string endpoint = kDefaultEndpoint;
  std::string api_key;
  // TLS (PEM contents): the CA trusted for the server; client certificate and key for mTLS.
  std::string tls_ca;
  std::string tls_cert;
  std::string tls_key;
  OutputFormat output = OutputFormat::kTable;
  double timeout_seconds = 10;
  // The width tables are fitted to; 0: none (TableWidthFromEnvironment).
  size_t table_width = 0;
};

struct Command;

// What a command handler gets: options, arguments, output streams, and a
// lazily created channel to the server.
class Invocation {
 public:
  Invocation(const Command& command, GlobalOptions options, ParsedArgs args,
             std::vector<std::string> operands, std::ostream& out, std::ostream& err);

  const Command& command() const { return command_; }
  const GlobalOptions& options() const { return options_; }
  GlobalOptions& mutable_options() { return options_; }
  const ParsedArgs& args() const { return args_; }
  // Positional words after "<resource> <verb>".
  const std::vector<std::string>& operands() const { return operands_; }
  std::ostream& out() { return out_; }
  std::ostream& err() { return err_; }

  std::shared_ptr<grpc::Channel> Channel();
  // Applies the deadline (--timeout) and other per-call settings.
  void PrepareContext(grpc::ClientContext* context) const;

  // Prints `message` in the selected output format; `table` is used for the
  // table (fitted to options().table_width) and CSV formats. Returns an exit code.
  int Print(const google::protobuf::Message& message, const Table& table);
  // Prints the error with its details to err() and returns its exit code; on UNAUTHENTICATED
  // without a key, kNoApiKeyHint too.
  int RpcFailed(const grpc::Status& status);
  // Prints "error: <message>" and the command's usage to err(); returns
  // kExitUsage.
  int UsageError(absl::string_view message);

 private:
  const Command& command_;
  GlobalOptions options_;
  ParsedArgs args_;
  std::vector<std::string> operands_;
  std::ostream& out_;
  std::ostream& err_;
  std::shared_ptr<grpc::Channel> channel_;
};

struct Command {
  std::string resource;       // Canonical resource word, e.g. "libraries".
  std::string verb;           // e.g. "get".
  std::string operand_usage;  // e.g. "NAME"; empty when the command takes none.
  std::string summary;        // One line.
  std::string details;        // Optional extra help paragraphs.
  size_t min_operands = 0;
  size_t max_operands = 0;
  std::vector<FlagSpec> flags;  // Command-specific flags (global ones are implied).
  std::function<int(Invocation&)> run;
};

// A resource word, or a resource below another ("boards members": `alliesctl boards members
// create ...`). A sub-resource's name is its parent's name, a space and its own word; its
// aliases are aliases of its own word ("member"), and it is found only after its parent's word.
struct Resource {
  std::string name;                  // "libraries"; "boards members".
  std::vector<std::string> aliases;  // "library", "lib"; "member".
  std::string summary;
};

// Whether `resource` is below another ("boards members").
bool IsSubResource(const Resource& resource);
// The word of a resource on its own: "members" of "boards members", "libraries" of "libraries".
std::string OwnWord(const Resource& resource);

class CommandRegistry {
 public:
  void AddResource(Resource resource);
  void AddCommand(Command command);

  // Resolves a top-level resource word (name or alias).
  const Resource* FindResource(absl::string_view word) const;
  // Resolves the word after `parent`'s to one of its sub-resources (own word or alias).
  const Resource* FindSubResource(const Resource& parent, absl::string_view word) const;
  // `resource` is a name as Resource::name has it, or the same with aliases for its words.
  const Command* FindCommand(absl::string_view resource, absl::string_view verb) const;
  const std::vector<Resource>& resources() const { return resources_; }
  std::vector<const Resource*> SubResourcesOf(const Resource& parent) const;
  std::vector<const Command*> CommandsOf(absl::string_view resource) const;
  // Global flags followed by every command's flags (each name once).
  std::vector<FlagSpec> AllFlags() const;

 private:
  std::vector<Resource> resources_;
  std::vector<Command> commands_;
};

// Applies the paging flags every List command shares (--page-size, --page-token) to `request`.
// Returns kExitOk or a usage error's exit code.
template <typename Request>
int ApplyPageFlags(Invocation& inv, Request& request) {
  if (std::optional<std::string> size = inv.args().Get("page-size")) {
    absl::StatusOr<int32_t> page_size = ParseInt32Flag("page-size", *size);
    if (!page_size.ok()) return inv.UsageError(page_size.status().message());
    request.set_page_size(*page_size);
  }
  if (std::optional<std::string> token = inv.args().Get("page-token")) {
    request.set_page_token(*token);
  }
  return kExitOk;
}

// Applies the list flags every List command shares (--page-size, --page-token, --filter,
// --order-by, --show-deleted) to `request`. Returns kExitOk or a usage error's exit code.
template <typename Request>
int ApplyListFlags(Invocation& inv, Request& request) {
  if (int code = ApplyPageFlags(inv, request); code != kExitOk) return code;
  if (std::optional<std::string> filter = inv.args().Get("filter")) request.set_filter(*filter);
  if (std::optional<std::string> order = inv.args().Get("order-by")) {
    request.set_order_by(*order);
  }
  request.set_show_deleted(inv.args().GetBool("show-deleted"));
  return kExitOk;
}

// Calls `call(context, request, page)` once, or with --all until the last page, appending each
// page's items (`items(page)`, a RepeatedPtrField) into the first. Returns an exit code; on
// success `result` holds what to print.
template <typename Request, typename Response, typename Call, typename Items>
int FetchPages(Invocation& inv, Request request, Call call, Items items, Response& result) {
  const bool all = inv.args().GetBool("all");
  while (true) {
    grpc::ClientContext context;
    inv.PrepareContext(&context);
    Response page;
    grpc::Status status = call(&context, request, &page);
    if (!status.ok()) return inv.RpcFailed(status);
    if (!all) {
      result = std::move(page);
      return 0;
    }
    for (auto& item : *items(&page)) *items(&result)->Add() = std::move(item);
    if (page.next_page_token().empty()) return 0;
    if (page.next_page_token() == request.page_token()) {
      inv.err() << "error: the server returned the same page token twice\n";
      return 1;
    }
    request.set_page_token(page.next_page_token());
  }
}

// The flags of ApplyPageFlags and --all (for FetchPages).
std::vector<FlagSpec> PageFlagSpecs(absl::string_view items);
// The flags of ApplyListFlags and --all (filter/order-by only when the method has them).
std::vector<FlagSpec> ListFlagSpecs(absl::string_view items, bool filter_and_order);

// Prints a List result: in table output an empty one is "No <noun> found." on stderr, and the
// token of the next page, if any, follows on stderr. Returns an exit code.
int PrintListPage(Invocation& inv, const google::protobuf::Message& response, const Table& table,
                  bool empty, const std::string& next_page_token, absl::string_view noun);

// ---- Building blocks of resource commands ----
// A resource file declares its fields as FieldFlags and its commands with these; see
// partners.cc for the standard methods and agreements.cc for custom ones.

// A command "<resource> <verb>" taking the operands of `operand_usage`: each word is required,
// a word in brackets ("[LIBRARY]") optional.
Command NewCommand(std::string resource, std::string verb, std::string operand_usage,
                   std::string summary);

// Flags many commands share: --etag ("fail with ABORTED unless this is the <noun>'s current
// etag"), --request-id (idempotency key), --id (the id of a created <noun>).
FlagSpec EtagFlag(absl::string_view noun);
FlagSpec RequestIdFlag();
FlagSpec IdFlag(absl::string_view noun);

// A field of a resource message set from a flag by Create and Update commands.
struct FieldFlag {
  std::string flag;        // "display-name".
  std::string field;       // "display_name": the message field, also its update_mask path.
  std::string value_name;  // "NAME"; empty for a boolean flag (--auto-renew, --auto-renew=false).
  std::string help;
  bool required = false;  // On create.
  // Sets the field from the flag. When empty, the field's type decides: text; an enum by name
  // (ParseEnumFlag); bool; int32; google.type.Date (ParseDateFlag), google.type.Money
  // (ParseMoneyFlag) and google.protobuf.Timestamp (ParseTimestampFlag), which an empty value
  // clears; repeated text or enums from every occurrence of the flag, comma-separated
  // (ParsedArgs::GetList).
  std::function<absl::Status(const ParsedArgs& args, google::protobuf::Message* resource)> set =
      nullptr;
};

// A FieldFlag::set for a repeated text field whose values may hold commas ("контактные данные
// (телефон, e-mail)"): each occurrence of --`flag` is one whole value, trimmed; empty ones are
// skipped, so --flag "" clears the list.
std::function<absl::Status(const ParsedArgs& args, google::protobuf::Message* resource)>
EachValueSetter(std::string flag, std::string field);

std::vector<FlagSpec> FieldFlagSpecs(const std::vector<FieldFlag>& fields);
// The flags of a Create command: --id, --request-id, then one per field.
std::vector<FlagSpec> CreateFlagSpecs(absl::string_view noun, const std::vector<FieldFlag>& fields);
// The flags of an Update command: one per field, then --etag.
std::vector<FlagSpec> UpdateFlagSpecs(absl::string_view noun, const std::vector<FieldFlag>& fields);

// Sets on `resource` the field of each flag of `fields` that `args` has and, when `mask` is not
// null, lists it there, in the order of `fields`.
absl::Status ApplyFieldFlags(const std::vector<FieldFlag>& fields, const ParsedArgs& args,
                             google::protobuf::Message* resource,
                             google::protobuf::FieldMask* mask);

// Fills a Create request: its message field `resource_field` ("partner") from the field flags
// (the required ones must be given), "<resource_field>_id" from --id, request_id from
// --request-id, and parent (a library, x or libraries/x) when `parent` is set. Errors are usage
// errors.
absl::Status FillCreateRequest(const std::vector<FieldFlag>& fields,
                               absl::string_view resource_field,
                               const std::optional<std::string>& parent, const ParsedArgs& args,
                               google::protobuf::Message* request);

// Fills an Update request: its message field `resource_field` gets `name`, the etag of --etag and
// the fields of the flags given, and update_mask lists exactly those fields. InvalidArgument when
// no field flag is given.
absl::Status FillUpdateRequest(const std::vector<FieldFlag>& fields,
                               absl::string_view resource_field, absl::string_view name,
                               const ParsedArgs& args, google::protobuf::Message* request);

// Fills a request about one resource: name, and those of etag, request_id and force the request
// has, from --etag, --request-id and --force.
void FillNamedRequest(absl::string_view name, const ParsedArgs& args,
                      google::protobuf::Message* request);

template <typename Request>
absl::StatusOr<Request> BuildCreateRequest(const std::vector<FieldFlag>& fields,
                                           absl::string_view resource_field,
                                           const std::optional<std::string>& parent,
                                           const ParsedArgs& args) {
  Request request;
  absl::Status status = FillCreateRequest(fields, resource_field, parent, args, &request);
  if (!status.ok()) return status;
  return request;
}

template <typename Request>
absl::StatusOr<Request> BuildUpdateRequest(const std::vector<FieldFlag>& fields,
                                           absl::string_view resource_field, absl::string_view name,
                                           const ParsedArgs& args) {
  Request request;
  absl::Status status = FillUpdateRequest(fields, resource_field, name, args, &request);
  if (!status.ok()) return status;
  return request;
}

// A unary method of a generated stub, e.g. &v1::PartnerService::Stub::GetPartner.
template <typename Service, typename Request, typename Response>
using UnaryMethod = grpc::Status (Service::Stub::*)(grpc::ClientContext*, const Request&,
                                                    Response*);

// Sends `request` with `method` on a new stub of Service (with the deadline and key of
// PrepareContext) into `response`. Returns kExitOk, or prints the error and returns its exit code.
template <typename Service, typename Request, typename Response>
int Call(Invocation& inv, UnaryMethod<Service, Request, Response> method, const Request& request,
         Response* response) {
  std::unique_ptr<typename Service::Stub> stub = Service::NewStub(inv.Channel());
  grpc::ClientContext context;
  inv.PrepareContext(&context);
  grpc::Status status = (stub.get()->*method)(&context, request, response);
  return status.ok() ? kExitOk : inv.RpcFailed(status);
}

// Call, then prints the response (`to_table(response)` in table and CSV output, e.g. a Columns).
// Returns an exit code.
template <typename Service, typename Request, typename Response, typename ToTable>
int CallAndPrint(Invocation& inv, UnaryMethod<Service, Request, Response> method,
                 const Request& request, const ToTable& to_table) {
  Response response;
  if (int code = Call<Service>(inv, method, request, &response); code != kExitOk) return code;
  return inv.Print(response, to_table(response));
}

// A command handler: `build(inv)` makes the request (an error is a usage error), CallAndPrint
// sends it.
template <typename Service, typename Request, typename Response, typename Build, typename ToTable>
std::function<int(Invocation&)> Send(UnaryMethod<Service, Request, Response> method, Build build,
                                     ToTable to_table) {
  return [method, build, to_table](Invocation& inv) {
    absl::StatusOr<Request> request = build(inv);
    if (!request.ok()) return inv.UsageError(request.status().message());
    return CallAndPrint<Service>(inv, method, *request, to_table);
  };
}

// What NamedCall adds to a request by default: nothing.
struct NothingMore {
  template <typename Request>
  absl::Status operator()(const ParsedArgs&, Request*) const {
    return absl::OkStatus();
  }
};

// NamedCall's `more` for an operand that may be written short ("x" for "libraries/x"): the
// request's name becomes `normalize(name)`.
struct NormalizeName {
  std::string (*normalize)(absl::string_view name);
  template <typename Request>
  absl::Status operator()(const ParsedArgs&, Request* request) const {
    request->set_name(normalize(request->name()));
    return absl::OkStatus();
  }
};

// A command handler for a method on the resource named by the first operand: FillNamedRequest,
// then `more(args, &request)` for the command's own flags (an error is a usage error).
template <typename Service, typename Request, typename Response, typename ToTable,
          typename More = NothingMore>
std::function<int(Invocation&)> NamedCall(UnaryMethod<Service, Request, Response> method,
                                          ToTable to_table, More more = More()) {
  return Send<Service>(
      method,
      [more](Invocation& inv) -> absl::StatusOr<Request> {
        Request request;
        FillNamedRequest(inv.operands()[0], inv.args(), &request);
        if (absl::Status status = more(inv.args(), &request); !status.ok()) return status;
        return request;
      },
      to_table);
}

// "libraries/x" and the collections below it, for a parent written short (x, libraries/x,
// x/projects/p) and completed with "-" for the levels it leaves out: with {"projects",
// "shifts"}, "x" is libraries/x/projects/-/shifts/-. Empty: libraries/-/... .
std::string ListParentBelow(absl::string_view operand,
                            const std::vector<absl::string_view>& collections);

// The parent of a List command: its LIBRARY operand (x, libraries/x, or - for every library the
// caller may see), "libraries/-" when there is none.
std::string ListParent(const Invocation& inv);

// The request of a List command by default: the parent of ListParent and the shared list flags.
struct SharedListFlags {
  template <typename Request>
  int operator()(Invocation& inv, Request& request) const {
    request.set_parent(ListParent(inv));
    return ApplyListFlags(inv, request);
  }
};

// A command handler for a List method: `flags(inv, request)` fills the request from the
// operands and flags (an exit code), FetchPages follows pages, and PrintListPage prints the
// `items` of the result (e.g. [](v1::ListPartnersResponse* r) { return r->mutable_partners(); })
// with `to_table`.
template <typename Service, typename Request, typename Response, typename Items, typename ToTable,
          typename Flags = SharedListFlags>
std::function<int(Invocation&)> ListCall(UnaryMethod<Service, Request, Response> method,
                                         Items items, ToTable to_table, std::string noun,
                                         Flags flags = Flags()) {
  return [method, items, to_table, noun, flags](Invocation& inv) {
    Request request;
    if (int code = flags(inv, request); code != kExitOk) return code;
    std::unique_ptr<typename Service::Stub> stub = Service::NewStub(inv.Channel());
    Response result;
    const int fetched = FetchPages(
        inv, request,
        [&](grpc::ClientContext* context, const Request& r, Response* page) {
          return (stub.get()->*method)(context, r, page);
        },
        items, result);
    if (fetched != kExitOk) return fetched;
    return PrintListPage(inv, result, to_table(*items(&result)), items(&result)->empty(),
                         result.next_page_token(), noun);
  };
}

// The flags every command accepts: --endpoint, -o/--output, --timeout, TLS files, -h/--help.
const std::vector<FlagSpec>& GlobalFlags();

// "alliesctl 0.1.0 (git 4c1b201)\n": the CMake project's version and `git describe` at configure
// time (version.cc).
std::string VersionText();

// Adds "<resource> describe" beside every "<resource> get": the same request, its result shown by
// DescribeMessage (every field, the empty ones too).
void AddDescribeCommands(CommandRegistry* registry);

// A registry with every resource of the client registered (and AddDescribeCommands).
CommandRegistry DefaultRegistry();

std::string TopLevelUsage(const CommandRegistry& registry);
std::string ResourceUsage(const CommandRegistry& registry, const Resource& resource);
std::string CommandUsage(const Command& command);

// Runs alliesctl with `args` (without the program name). `endpoint_env` is the
// value of $ALLIES_ENDPOINT, if set. Returns the process exit code.
//
// The command line is parsed by CLI11: the root command has the global flags, a
// subcommand per resource (aliases included), below it one per word below it and
// per verb, and a verb has its command's flags and operands; the global flags may
// follow the command words (fallthrough). Besides the resources, "help",
// "completion bash" (completion.h) and --version.
int RunCli(const CommandRegistry& registry, const std::vector<std::string>& args,
           const std::optional<std::string>& endpoint_env, std::ostream& out, std::ostream& err);

}  // namespace allies::ctl

#endif  // ALLIES_CLIENTS_ALLIESCTL_CLI_H_
