// The command framework of alliesctl: a table of commands ("<resource> <verb>"),
// global flags, help text, and dispatch. Resources register their commands
// (see libraries.h); RunCli parses the command line and runs one of them.
#ifndef ALLIES_CLIENTS_ALLIESCTL_CLI_H_
#define ALLIES_CLIENTS_ALLIESCTL_CLI_H_

#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "clients/alliesctl/args.h"
#include "clients/alliesctl/output.h"
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

struct GlobalOptions {
  std::string endpoint = kDefaultEndpoint;
  std::string api_key;
  // TLS (PEM contents): the CA trusted for the server; client certificate and key for mTLS.
  std::string tls_ca;
  std::string tls_cert;
  std::string tls_key;
  OutputFormat output = OutputFormat::kTable;
  double timeout_seconds = 10;
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
  const ParsedArgs& args() const { return args_; }
  // Positional words after "<resource> <verb>".
  const std::vector<std::string>& operands() const { return operands_; }
  std::ostream& out() { return out_; }
  std::ostream& err() { return err_; }

  std::shared_ptr<grpc::Channel> Channel();
  // Applies the deadline (--timeout) and other per-call settings.
  void PrepareContext(grpc::ClientContext* context) const;

  // Prints `message` in the selected output format; `table` is used for the
  // table format. Returns an exit code.
  int Print(const google::protobuf::Message& message, const Table& table);
  // Prints the error with its details to err() and returns its exit code.
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

struct Resource {
  std::string name;                  // "libraries".
  std::vector<std::string> aliases;  // "library", "lib".
  std::string summary;
};

class CommandRegistry {
 public:
  void AddResource(Resource resource);
  void AddCommand(Command command);

  // Resolves a resource word (name or alias).
  const Resource* FindResource(absl::string_view word) const;
  const Command* FindCommand(absl::string_view resource, absl::string_view verb) const;
  const std::vector<Resource>& resources() const { return resources_; }
  std::vector<const Command*> CommandsOf(absl::string_view resource) const;
  // Global flags followed by every command's flags (for parsing).
  std::vector<FlagSpec> AllFlags() const;

 private:
  std::vector<Resource> resources_;
  std::vector<Command> commands_;
};

// The flags every command accepts: --endpoint, -o/--output, --timeout, -h/--help.
// Applies the list flags every List command shares (--page-size, --page-token, --filter,
// --order-by, --show-deleted) to `request`. Returns kExitOk or a usage error's exit code.
template <typename Request>
int ApplyListFlags(Invocation& inv, Request& request) {
  if (std::optional<std::string> size = inv.args().Get("page-size")) {
    absl::StatusOr<int32_t> page_size = ParseInt32Flag("page-size", *size);
    if (!page_size.ok()) return inv.UsageError(page_size.status().message());
    request.set_page_size(*page_size);
  }
  if (std::optional<std::string> token = inv.args().Get("page-token")) {
    request.set_page_token(*token);
  }
  if (std::optional<std::string> filter = inv.args().Get("filter")) request.set_filter(*filter);
  if (std::optional<std::string> order = inv.args().Get("order-by")) {
    request.set_order_by(*order);
  }
  request.set_show_deleted(inv.args().GetBool("show-deleted"));
  return 0;
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

// The flags of ApplyListFlags, for a command's flag list (filter/order-by/show-deleted only
// when the method has them).
std::vector<FlagSpec> ListFlagSpecs(absl::string_view items, bool filter_and_order);

const std::vector<FlagSpec>& GlobalFlags();

// A registry with every resource of the client registered.
CommandRegistry DefaultRegistry();

std::string TopLevelUsage(const CommandRegistry& registry);
std::string ResourceUsage(const CommandRegistry& registry, const Resource& resource);
std::string CommandUsage(const Command& command);

// Runs alliesctl with `args` (without the program name). `endpoint_env` is the
// value of $ALLIES_ENDPOINT, if set. Returns the process exit code.
int RunCli(const CommandRegistry& registry, const std::vector<std::string>& args,
           const std::optional<std::string>& endpoint_env, std::ostream& out, std::ostream& err);

}  // namespace allies::ctl

#endif  // ALLIES_CLIENTS_ALLIESCTL_CLI_H_
