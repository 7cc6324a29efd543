#include "clients/alliesctl/cli.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <utility>

#include "CLI/CLI.hpp"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "clients/alliesctl/activities.h"
#include "clients/alliesctl/agreements.h"
#include "clients/alliesctl/changes.h"
#include "clients/alliesctl/completion.h"
#include "clients/alliesctl/consents.h"
#include "clients/alliesctl/contacts.h"
#include "clients/alliesctl/describe.h"
#include "clients/alliesctl/errors.h"
#include "clients/alliesctl/governance.h"
#include "clients/alliesctl/hours.h"
#include "clients/alliesctl/keys.h"
#include "clients/alliesctl/libraries.h"
#include "clients/alliesctl/partners.h"
#include "clients/alliesctl/projects.h"
#include "clients/alliesctl/reminders.h"
#include "clients/alliesctl/reports.h"
#include "clients/alliesctl/volunteer_records.h"
#include "clients/alliesctl/volunteers.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"

namespace allies::ctl {
namespace {

std::string FlagsHelp(const std::vector<FlagSpec>& flags) {
  std::vector<std::pair<std::string, std::string>> lines;
  size_t width = 0;
  for (const FlagSpec& flag : flags) {
    std::string left = flag.short_name != '\0'
                           ? absl::StrCat("-", std::string(1, flag.short_name), ", --", flag.name)
                           : absl::StrCat("    --", flag.name);
    if (flag.takes_value) absl::StrAppend(&left, " ", flag.value_name);
    width = std::max(width, left.size());
    lines.emplace_back(std::move(left), flag.help);
  }
  std::string out;
  for (const auto& [left, help] : lines) {
    absl::StrAppend(&out, "  ", left, std::string(width - left.size() + 2, ' '), help, "\n");
  }
  return out;
}

}  // namespace

// ---- Invocation ----

Invocation::Invocation(const Command& command, GlobalOptions options, ParsedArgs args,
                       std::vector<std::string> operands, std::ostream& out, std::ostream& err)
    : command_(command),
      options_(std::move(options)),
      args_(std::move(args)),
      operands_(std::move(operands)),
      out_(out),
      err_(err) {}

std::shared_ptr<grpc::Channel> Invocation::Channel() {
  if (channel_ == nullptr) {
    grpc::ChannelArguments channel_args;
    channel_args.SetUserAgentPrefix("alliesctl");
    std::shared_ptr<grpc::ChannelCredentials> credentials = grpc::InsecureChannelCredentials();
    if (!options_.tls_ca.empty()) {
      grpc::SslCredentialsOptions tls;
      tls.pem_root_certs = options_.tls_ca;
      tls.pem_cert_chain = options_.tls_cert;
      tls.pem_private_key = options_.tls_key;
      credentials = grpc::SslCredentials(tls);
    }
    channel_ = grpc::CreateCustomChannel(options_.endpoint, credentials, channel_args);
  }
  return channel_;
}

void Invocation::PrepareContext(grpc::ClientContext* context) const {
  if (!options_.api_key.empty()) {
    context->AddMetadata("authorization", "Bearer " + options_.api_key);
  }
  const auto timeout = std::chrono::duration_cast<std::chrono::system_clock::duration>(
      std::chrono::duration<double>(options_.timeout_seconds));
  context->set_deadline(std::chrono::system_clock::now() + timeout);
}

int Invocation::Print(const google::protobuf::Message& message, const Table& table) {
  switch (options_.output) {
    case OutputFormat::kJson: {
      absl::StatusOr<std::string> json = MessageToJson(message);
      if (!json.ok()) {
        err_ << "error: " << json.status().message() << "\n";
        return kExitError;
      }
      out_ << *json;
      break;
    }
    case OutputFormat::kYaml: {
      absl::StatusOr<std::string> yaml = MessageToYaml(message);
      if (!yaml.ok()) {
        err_ << "error: " << yaml.status().message() << "\n";
        return kExitError;
      }
      out_ << *yaml;
      break;
    }
    case OutputFormat::kCsv:
      out_ << RenderCsv(table);
      break;
    case OutputFormat::kHtml:
      out_ << RenderHtml(table, absl::StrCat("alliesctl ", command_.resource, " ", command_.verb));
      break;
    case OutputFormat::kTable:
      out_ << RenderTable(table, options_.table_width);
      break;
    case OutputFormat::kName: {
      absl::StatusOr<std::vector<std::string>> names = ResourceNames(message);
      if (!names.ok()) {
        err_ << "error: " << names.status().message() << "\n";
        return kExitError;
      }
      for (const std::string& name : *names) out_ << name << "\n";
      break;
    }
    case OutputFormat::kDescribe:
      out_ << DescribeMessage(message);
      break;
  }
  out_.flush();
  return out_.good() ? kExitOk : kExitError;
}

int Invocation::RpcFailed(const grpc::Status& status) {
  err_ << FormatRpcError(status);
  if (status.error_code() == grpc::StatusCode::UNAUTHENTICATED && options_.api_key.empty()) {
    err_ << kNoApiKeyHint;
  }
  return ExitCodeForStatus(status.error_code());
}

int Invocation::UsageError(absl::string_view message) {
  err_ << "error: " << message << "\n\n" << CommandUsage(command_);
  return kExitUsage;
}

// ---- CommandRegistry ----

void CommandRegistry::AddResource(Resource resource) { resources_.push_back(std::move(resource)); }

void CommandRegistry::AddCommand(Command command) { commands_.push_back(std::move(command)); }

bool IsSubResource(const Resource& resource) { return absl::StrContains(resource.name, ' '); }

std::string OwnWord(const Resource& resource) {
  const size_t space = resource.name.rfind(' ');
  return space == std::string::npos ? resource.name : resource.name.substr(space + 1);
}

const Resource* CommandRegistry::FindResource(absl::string_view word) const {
  for (const Resource& resource : resources_) {
    if (IsSubResource(resource)) continue;
    if (resource.name == word) return &resource;
    for (const std::string& alias : resource.aliases) {
      if (alias == word) return &resource;
    }
  }
  return nullptr;
}

const Resource* CommandRegistry::FindSubResource(const Resource& parent,
                                                 absl::string_view word) const {
  const std::string prefix = absl::StrCat(parent.name, " ");
  for (const Resource& resource : resources_) {
    absl::string_view own = resource.name;
    if (!absl::ConsumePrefix(&own, prefix) || absl::StrContains(own, ' ')) continue;
    if (own == word) return &resource;
    for (const std::string& alias : resource.aliases) {
      if (alias == word) return &resource;
    }
  }
  return nullptr;
}

std::vector<const Resource*> CommandRegistry::SubResourcesOf(const Resource& parent) const {
  std::vector<const Resource*> result;
  const std::string prefix = absl::StrCat(parent.name, " ");
  for (const Resource& resource : resources_) {
    absl::string_view own = resource.name;
    if (absl::ConsumePrefix(&own, prefix) && !absl::StrContains(own, ' ')) {
      result.push_back(&resource);
    }
  }
  return result;
}

const Command* CommandRegistry::FindCommand(absl::string_view resource,
                                            absl::string_view verb) const {
  const std::vector<absl::string_view> words = absl::StrSplit(resource, ' ');
  const Resource* found = FindResource(words[0]);
  for (size_t i = 1; found != nullptr && i < words.size(); ++i) {
    found = FindSubResource(*found, words[i]);
  }
  if (found == nullptr) return nullptr;
  for (const Command& command : commands_) {
    if (command.resource == found->name && command.verb == verb) return &command;
  }
  return nullptr;
}

std::vector<const Command*> CommandRegistry::CommandsOf(absl::string_view resource) const {
  std::vector<const Command*> result;
  for (const Command& command : commands_) {
    if (command.resource == resource) result.push_back(&command);
  }
  return result;
}

std::vector<FlagSpec> CommandRegistry::AllFlags() const {
  std::vector<FlagSpec> flags = GlobalFlags();
  for (const Command& command : commands_) {
    for (const FlagSpec& flag : command.flags) {
      if (FindFlagSpec(flags, flag.name) == nullptr) flags.push_back(flag);
    }
  }
  return flags;
}

const std::vector<FlagSpec>& GlobalFlags() {
  static const auto* const flags = new std::vector<FlagSpec>{
      {"endpoint", '\0', true, "HOST:PORT",
       absl::StrCat("server address (default: $", kEndpointEnvVar, ", else ", kDefaultEndpoint,
                    ")")},
      {"output", 'o', true, "FORMAT",
       absl::StrCat("output format: ", OutputFormatNames(), " (default table)")},
      {"timeout", '\0', true, "SECONDS", "deadline of each RPC (default 10)"},
      {"ca", '\0', true, "FILE", "use TLS, trusting this PEM CA for the server ($ALLIES_CA)"},
      {"cert", '\0', true, "FILE", "client certificate (PEM) for mutual TLS"},
      {"key", '\0', true, "FILE", "private key (PEM) of --cert"},
      {"help", 'h', false, "", "show help"},
  };
  return *flags;
}

std::string FindApiKey() {
  auto first_line = [](const std::string& path) -> std::string {
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);
    return std::string(absl::StripAsciiWhitespace(line));
  };
  if (const char* key = std::getenv(kApiKeyEnvVar); key != nullptr && *key != '\0') return key;
  if (const char* file = std::getenv(kApiKeyFileEnvVar); file != nullptr && *file != '\0') {
    return first_line(file);
  }
  std::error_code ec;
  for (std::filesystem::path dir = std::filesystem::current_path(ec); !ec && !dir.empty();
       dir = dir.parent_path()) {
    const std::filesystem::path candidate = dir / ".allies" / "admin.key";
    if (std::filesystem::exists(candidate, ec)) return first_line(candidate.string());
    if (dir == dir.parent_path()) break;
  }
  return "";
}

std::vector<FlagSpec> PageFlagSpecs(absl::string_view items) {
  return {
      {"page-size", '\0', true, "N",
       absl::StrCat(items, " per page (server default 50, at most 1000)")},
      {"page-token", '\0', true, "TOKEN", "continue from this page token"},
      {"all", '\0', false, "", "follow next_page_token until the last page"},
  };
}

std::vector<FlagSpec> ListFlagSpecs(absl::string_view items, bool filter_and_order) {
  std::vector<FlagSpec> flags = PageFlagSpecs(items);
  flags.push_back({"show-deleted", '\0', false, "", absl::StrCat("include soft-deleted ", items)});
  if (filter_and_order) {
    flags.push_back({"filter", '\0', true, "FILTER", "AIP-160 filter (see above)"});
    flags.push_back(
        {"order-by", '\0', true, "ORDER", "sort fields, each optionally followed by desc"});
  }
  return flags;
}

int PrintListPage(Invocation& inv, const google::protobuf::Message& response, const Table& table,
                  bool empty, const std::string& next_page_token, absl::string_view noun) {
  const bool as_table = inv.options().output == OutputFormat::kTable;
  if (as_table && empty) {
    inv.err() << "No " << noun << " found.\n";
  } else {
    const int code = inv.Print(response, table);
    if (code != kExitOk) return code;
  }
  const bool as_names = inv.options().output == OutputFormat::kName;
  if ((as_table || as_names) && !next_page_token.empty()) {
    inv.err() << "next page: --page-token " << next_page_token << "\n";
  }
  return kExitOk;
}

// ---- Building blocks of resource commands ----

Command NewCommand(std::string resource, std::string verb, std::string operand_usage,
                   std::string summary) {
  Command command;
  for (absl::string_view word : absl::StrSplit(operand_usage, ' ', absl::SkipEmpty())) {
    ++command.max_operands;
    if (!absl::StartsWith(word, "[")) ++command.min_operands;
  }
  command.resource = std::move(resource);
  command.verb = std::move(verb);
  command.operand_usage = std::move(operand_usage);
  command.summary = std::move(summary);
  return command;
}

std::vector<FlagSpec> CreateFlagSpecs(absl::string_view noun,
                                      const std::vector<FieldFlag>& fields) {
  std::vector<FlagSpec> flags = {IdFlag(noun), RequestIdFlag()};
  for (FlagSpec& spec : FieldFlagSpecs(fields)) flags.push_back(std::move(spec));
  return flags;
}

std::vector<FlagSpec> UpdateFlagSpecs(absl::string_view noun,
                                      const std::vector<FieldFlag>& fields) {
  std::vector<FlagSpec> flags = FieldFlagSpecs(fields);
  flags.push_back(EtagFlag(noun));
  return flags;
}

FlagSpec EtagFlag(absl::string_view noun) {
  return {"etag", '\0', true, "ETAG",
          absl::StrCat("fail with ABORTED unless this is the ", noun, "'s current etag")};
}

FlagSpec RequestIdFlag() {
  return {"request-id", '\0', true, "ID",
          "idempotency key: a retry with the same id returns the first result"};
}

FlagSpec IdFlag(absl::string_view noun) {
  return {"id", '\0', true, "ID",
          absl::StrCat(noun, " id, [a-z][a-z0-9-]{0,62} or a number (generated when omitted)")};
}

std::vector<FlagSpec> FieldFlagSpecs(const std::vector<FieldFlag>& fields) {
  std::vector<FlagSpec> specs;
  for (const FieldFlag& field : fields) {
    specs.push_back({field.flag, '\0', !field.value_name.empty(), field.value_name, field.help});
  }
  return specs;
}

namespace {

using google::protobuf::FieldDescriptor;

// FieldFlag::set when it is empty: by the type of the field.
absl::Status SetFieldByType(const FieldFlag& flag, const ParsedArgs& args,
                            google::protobuf::Message* resource) {
  const FieldDescriptor* field = resource->GetDescriptor()->FindFieldByName(flag.field);
  if (field == nullptr) {
    return absl::InternalError(
        absl::StrCat(resource->GetDescriptor()->full_name(), " has no field ", flag.field));
  }
  const google::protobuf::Reflection* reflection = resource->GetReflection();
  const auto unsupported = [&] {
    return absl::InternalError(absl::StrCat("--", flag.flag, ": no setter for ", field->type_name(),
                                            " field ", field->full_name()));
  };
  if (field->is_repeated()) {
    reflection->ClearField(resource, field);
    for (const std::string& item : args.GetList(flag.flag)) {
      if (field->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
        reflection->AddString(resource, field, item);
      } else if (field->cpp_type() == FieldDescriptor::CPPTYPE_ENUM) {
        absl::StatusOr<int> number = ParseEnumFlag(flag.flag, *field->enum_type(), item);
        if (!number.ok()) return number.status();
        reflection->AddEnumValue(resource, field, *number);
      } else {
        return unsupported();
      }
    }
    return absl::OkStatus();
  }
  const std::string value = args.Get(flag.flag).value_or("");
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      reflection->SetString(resource, field, value);
      return absl::OkStatus();
    case FieldDescriptor::CPPTYPE_ENUM: {
      absl::StatusOr<int> number = ParseEnumFlag(flag.flag, *field->enum_type(), value);
      if (!number.ok()) return number.status();
      reflection->SetEnumValue(resource, field, *number);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_BOOL:
      reflection->SetBool(resource, field, args.GetBool(flag.flag));
      return absl::OkStatus();
    case FieldDescriptor::CPPTYPE_INT32: {
      absl::StatusOr<int32_t> number = ParseInt32Flag(flag.flag, value);
      if (!number.ok()) return number.status();
      reflection->SetInt32(resource, field, *number);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_MESSAGE:
      if (value.empty()) {
        reflection->ClearField(resource, field);
        return absl::OkStatus();
      }
      if (field->message_type() == google::type::Date::descriptor()) {
        absl::StatusOr<google::type::Date> date = ParseDateFlag(flag.flag, value);
        if (!date.ok()) return date.status();
        reflection->MutableMessage(resource, field)->CopyFrom(*date);
        return absl::OkStatus();
      }
      if (field->message_type() == google::protobuf::Timestamp::descriptor()) {
        absl::StatusOr<google::protobuf::Timestamp> time = ParseTimestampFlag(flag.flag, value);
        if (!time.ok()) return time.status();
        reflection->MutableMessage(resource, field)->CopyFrom(*time);
        return absl::OkStatus();
      }
      if (field->message_type() == google::type::Money::descriptor()) {
        absl::StatusOr<google::type::Money> money = ParseMoneyFlag(flag.flag, value);
        if (!money.ok()) return money.status();
        reflection->MutableMessage(resource, field)->CopyFrom(*money);
        return absl::OkStatus();
      }
      return unsupported();
    default:
      return unsupported();
  }
}

// The field `name` of `message`, or null.
const FieldDescriptor* FindField(const google::protobuf::Message& message, absl::string_view name) {
  return message.GetDescriptor()->FindFieldByName(std::string(name));
}

void SetStringIfPresent(google::protobuf::Message* message, absl::string_view name,
                        const std::string& value) {
  const FieldDescriptor* field = FindField(*message, name);
  if (field != nullptr && !field->is_repeated() &&
      field->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
    message->GetReflection()->SetString(message, field, value);
  }
}

absl::StatusOr<google::protobuf::Message*> MutableMessageField(google::protobuf::Message* message,
                                                               absl::string_view name) {
  const FieldDescriptor* field = FindField(*message, name);
  if (field == nullptr || field->is_repeated() ||
      field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) {
    return absl::InternalError(
        absl::StrCat(message->GetDescriptor()->full_name(), " has no message field ", name));
  }
  return message->GetReflection()->MutableMessage(message, field);
}

}  // namespace

std::function<absl::Status(const ParsedArgs& args, google::protobuf::Message* resource)>
EachValueSetter(std::string flag, std::string field) {
  return [flag = std::move(flag), field = std::move(field)](
             const ParsedArgs& args, google::protobuf::Message* resource) -> absl::Status {
    const FieldDescriptor* descriptor = FindField(*resource, field);
    if (descriptor == nullptr || !descriptor->is_repeated() ||
        descriptor->cpp_type() != FieldDescriptor::CPPTYPE_STRING) {
      return absl::InternalError(absl::StrCat("--", flag, ": ",
                                              resource->GetDescriptor()->full_name(),
                                              " has no repeated text field ", field));
    }
    const google::protobuf::Reflection* reflection = resource->GetReflection();
    reflection->ClearField(resource, descriptor);
    for (const std::string& value : args.GetAll(flag)) {
      absl::string_view item = absl::StripAsciiWhitespace(value);
      if (!item.empty()) reflection->AddString(resource, descriptor, std::string(item));
    }
    return absl::OkStatus();
  };
}

absl::Status ApplyFieldFlags(const std::vector<FieldFlag>& fields, const ParsedArgs& args,
                             google::protobuf::Message* resource,
                             google::protobuf::FieldMask* mask) {
  for (const FieldFlag& field : fields) {
    if (!args.Has(field.flag)) continue;
    absl::Status status =
        field.set ? field.set(args, resource) : SetFieldByType(field, args, resource);
    if (!status.ok()) return status;
    if (mask != nullptr) mask->add_paths(field.field);
  }
  return absl::OkStatus();
}

absl::Status FillCreateRequest(const std::vector<FieldFlag>& fields,
                               absl::string_view resource_field,
                               const std::optional<std::string>& parent, const ParsedArgs& args,
                               google::protobuf::Message* request) {
  for (const FieldFlag& field : fields) {
    if (field.required && !args.Has(field.flag)) {
      return absl::InvalidArgumentError(absl::StrCat("--", field.flag, " is required"));
    }
  }
  if (parent.has_value()) SetStringIfPresent(request, "parent", NormalizeLibraryName(*parent));
  if (std::optional<std::string> id = args.Get("id")) {
    SetStringIfPresent(request, absl::StrCat(resource_field, "_id"), *id);
  }
  if (std::optional<std::string> rid = args.Get("request-id")) {
    SetStringIfPresent(request, "request_id", *rid);
  }
  absl::StatusOr<google::protobuf::Message*> resource =
      MutableMessageField(request, resource_field);
  if (!resource.ok()) return resource.status();
  return ApplyFieldFlags(fields, args, *resource, nullptr);
}

absl::Status FillUpdateRequest(const std::vector<FieldFlag>& fields,
                               absl::string_view resource_field, absl::string_view name,
                               const ParsedArgs& args, google::protobuf::Message* request) {
  absl::StatusOr<google::protobuf::Message*> resource =
      MutableMessageField(request, resource_field);
  if (!resource.ok()) return resource.status();
  SetStringIfPresent(*resource, "name", std::string(name));
  if (std::optional<std::string> etag = args.Get("etag")) {
    SetStringIfPresent(*resource, "etag", *etag);
  }
  google::protobuf::FieldMask mask;
  absl::Status status = ApplyFieldFlags(fields, args, *resource, &mask);
  if (!status.ok()) return status;
  if (mask.paths().empty()) {
    std::vector<std::string> flags;
    for (const FieldFlag& field : fields) flags.push_back(absl::StrCat("--", field.flag));
    return absl::InvalidArgumentError(
        absl::StrCat("nothing to update: give at least one of ", absl::StrJoin(flags, ", ")));
  }
  absl::StatusOr<google::protobuf::Message*> mask_field =
      MutableMessageField(request, "update_mask");
  if (!mask_field.ok()) return mask_field.status();
  (*mask_field)->CopyFrom(mask);
  return absl::OkStatus();
}

void FillNamedRequest(absl::string_view name, const ParsedArgs& args,
                      google::protobuf::Message* request) {
  SetStringIfPresent(request, "name", std::string(name));
  if (std::optional<std::string> etag = args.Get("etag"))
    SetStringIfPresent(request, "etag", *etag);
  if (std::optional<std::string> rid = args.Get("request-id")) {
    SetStringIfPresent(request, "request_id", *rid);
  }
  const FieldDescriptor* force = FindField(*request, "force");
  if (force != nullptr && force->cpp_type() == FieldDescriptor::CPPTYPE_BOOL &&
      !force->is_repeated()) {
    request->GetReflection()->SetBool(request, force, args.GetBool("force"));
  }
}

std::string ListParentBelow(absl::string_view operand,
                            const std::vector<absl::string_view>& collections) {
  std::string parent = operand.empty() ? "libraries/-" : NormalizeLibraryName(operand);
  absl::string_view rest = parent;
  absl::ConsumePrefix(&rest, "libraries/");
  // Words after the library's id: collection, id, collection, id, ...
  const size_t levels = std::vector<absl::string_view>(absl::StrSplit(rest, '/')).size() / 2;
  for (size_t i = levels; i < collections.size(); ++i) {
    absl::StrAppend(&parent, "/", collections[i], "/-");
  }
  return parent;
}

std::string ListParent(const Invocation& inv) {
  return inv.operands().empty() ? "libraries/-" : NormalizeLibraryName(inv.operands()[0]);
}

CommandRegistry DefaultRegistry() {
  CommandRegistry registry;
  RegisterLibraryCommands(&registry);
  RegisterPartnerCommands(&registry);
  RegisterContactCommands(&registry);
  RegisterAgreementCommands(&registry);
  RegisterVolunteerCommands(&registry);
  RegisterVolunteerRecordCommands(&registry);
  RegisterConsentCommands(&registry);
  RegisterProjectCommands(&registry);
  RegisterHoursCommands(&registry);
  RegisterGovernanceCommands(&registry);
  RegisterReminderCommands(&registry);
  RegisterReportCommands(&registry);
  RegisterActivityCommands(&registry);
  RegisterChangeCommands(&registry);
  RegisterKeyCommands(&registry);
  AddDescribeCommands(&registry);
  return registry;
}

void AddDescribeCommands(CommandRegistry* registry) {
  std::vector<Command> added;
  for (const Resource& resource : registry->resources()) {
    const Command* get = registry->FindCommand(resource.name, "get");
    if (get == nullptr || registry->FindCommand(resource.name, "describe") != nullptr) continue;
    Command describe = *get;
    describe.verb = "describe";
    describe.summary =
        "Show every field of what 'get' shows, the empty and default ones too, one \"field: "
        "value\" line each (nested messages indented).";
    describe.details = "";
    describe.run = [get_run = get->run](Invocation& inv) {
      if (inv.args().Has("output") && inv.options().output != OutputFormat::kTable) {
        return inv.UsageError("describe prints text; for JSON or YAML use get -o json|yaml");
      }
      inv.mutable_options().output = OutputFormat::kDescribe;
      return get_run(inv);
    };
    added.push_back(std::move(describe));
  }
  for (Command& command : added) registry->AddCommand(std::move(command));
}

// ---- Help ----

std::string TopLevelUsage(const CommandRegistry& registry) {
  std::string out =
      "alliesctl: command-line client of the Allies API.\n\n"
      "Usage:\n"
      "  alliesctl <resource> [<word below it>] <verb> [arguments] [flags]\n"
      "  alliesctl <resource> --help | alliesctl <resource> <verb> --help\n"
      "  alliesctl completion bash   bash completion: source <(alliesctl completion bash)\n"
      "  alliesctl --version\n\n"
      "Resources (each with a get also has describe: every field, the empty ones too):\n";
  for (const Resource& resource : registry.resources()) {
    if (IsSubResource(resource)) continue;
    std::vector<std::string> verbs;
    for (const Command* command : registry.CommandsOf(resource.name)) {
      verbs.push_back(command->verb);
    }
    absl::StrAppend(&out, "  ", resource.name, "  ", resource.summary,
                    "\n    verbs: ", absl::StrJoin(verbs, ", "), "\n");
    std::vector<std::string> below;
    for (const Resource* sub : registry.SubResourcesOf(resource)) {
      below.push_back(sub->name.substr(resource.name.size() + 1));
    }
    if (!below.empty()) {
      absl::StrAppend(&out, "    below it (alliesctl ", resource.name,
                      " <word> <verb>): ", absl::StrJoin(below, ", "), "\n");
    }
  }
  absl::StrAppend(&out,
                  "\nGlobal flags (before or after the command words; --flag value or "
                  "--flag=value):\n",
                  FlagsHelp(GlobalFlags()), "\n", kExitCodesHelp);
  return out;
}

std::string ResourceUsage(const CommandRegistry& registry, const Resource& resource) {
  std::string out = absl::StrCat(resource.name, ": ", resource.summary, "\n");
  if (!resource.aliases.empty()) {
    absl::StrAppend(&out, "Aliases: ", absl::StrJoin(resource.aliases, ", "), "\n");
  }
  absl::StrAppend(&out, "\nCommands:\n");
  for (const Command* command : registry.CommandsOf(resource.name)) {
    absl::StrAppend(&out, "  alliesctl ", command->resource, " ", command->verb,
                    command->operand_usage.empty() ? "" : " ", command->operand_usage, "\n      ",
                    command->summary, "\n");
  }
  const std::vector<const Resource*> below = registry.SubResourcesOf(resource);
  if (!below.empty()) {
    absl::StrAppend(&out, "\nBelow it:\n");
    for (const Resource* sub : below) {
      std::vector<std::string> verbs;
      for (const Command* command : registry.CommandsOf(sub->name)) {
        verbs.push_back(command->verb);
      }
      absl::StrAppend(&out, "  alliesctl ", sub->name, " <verb>\n      ", sub->summary,
                      "\n      verbs: ", absl::StrJoin(verbs, ", "), "\n");
    }
  }
  absl::StrAppend(&out, "\nRun 'alliesctl ", resource.name, " <verb> --help' for the flags",
                  below.empty() ? "" : ", 'alliesctl " + resource.name + " <word> --help'",
                  below.empty() ? "" : " for the commands below it", ".\n");
  return out;
}

std::string CommandUsage(const Command& command) {
  std::string out = absl::StrCat("Usage: alliesctl ", command.resource, " ", command.verb,
                                 command.operand_usage.empty() ? "" : " ", command.operand_usage,
                                 " [flags]\n\n", command.summary, "\n");
  if (!command.details.empty()) absl::StrAppend(&out, "\n", command.details);
  if (!command.flags.empty()) absl::StrAppend(&out, "\nFlags:\n", FlagsHelp(command.flags));
  absl::StrAppend(&out, "\nGlobal flags:\n", FlagsHelp(GlobalFlags()));
  return out;
}

// ---- Dispatch ----

namespace {

const FlagSpec& VersionFlag() {
  static const auto* const flag =
      new FlagSpec{"version", '\0', false, "", "print alliesctl's version and exit"};
  return *flag;
}

constexpr char kCompletionUsage[] =
    "Usage: alliesctl completion bash\n\n"
    "Print a bash completion script: resources, the words below them, verbs, flags and -o's\n"
    "values. Load it with\n"
    "  source <(alliesctl completion bash)\n"
    "or save it as /etc/bash_completion.d/alliesctl (or\n"
    "~/.local/share/bash-completion/completions/alliesctl).\n";

// The command table as CLI11 subcommands.
struct CliTree {
  std::unique_ptr<CLI::App> root;
  std::map<const CLI::App*, const Resource*> resources;
  std::map<const CLI::App*, const Command*> commands;
  const CLI::App* help = nullptr;
  const CLI::App* completion = nullptr;
};

// The words of `app`'s level that nothing else took: before a verb an unknown word ("alliesctl
// frob", "alliesctl libraries frob"), after one the operands beyond the command's.
void AddStrayWords(CLI::App* app) {
  app->add_option("stray")->expected(0, -1)->allow_extra_args()->multi_option_policy(
      CLI::MultiOptionPolicy::TakeAll);
}

std::vector<std::string> StrayWords(const CLI::App& app) {
  const CLI::Option* stray = app.get_option_no_throw("stray");
  return stray == nullptr ? std::vector<std::string>{} : stray->results();
}

CLI::App* AddSubcommand(CLI::App* parent, const std::string& name, const std::string& summary) {
  CLI::App* app = parent->add_subcommand(name, summary);
  app->set_help_flag();           // -h/--help is a global flag, the help texts our own.
  app->fallthrough();             // Global flags after the command words.
  app->require_subcommand(0, 1);  // After a verb, a verb's name is an operand.
  return app;
}

void AddResourceCommands(const CommandRegistry& registry, const Resource& resource,
                         CLI::App* parent, CliTree* tree) {
  CLI::App* app = AddSubcommand(parent, OwnWord(resource), resource.summary);
  for (const std::string& alias : resource.aliases) app->alias(alias);
  tree->resources[app] = &resource;
  for (const Command* command : registry.CommandsOf(resource.name)) {
    CLI::App* verb = AddSubcommand(app, command->verb, command->summary);
    AddFlagOptions(verb, command->flags);
    for (size_t i = 0; i < command->max_operands; ++i) {
      verb->add_option(absl::StrCat("operand", i + 1));
    }
    AddStrayWords(verb);
    tree->commands[verb] = command;
  }
  for (const Resource* sub : registry.SubResourcesOf(resource)) {
    AddResourceCommands(registry, *sub, app, tree);
  }
  AddStrayWords(app);
}

CliTree BuildCliTree(const CommandRegistry& registry) {
  CliTree tree;
  tree.root =
      std::make_unique<CLI::App>("alliesctl: command-line client of the Allies API.", "alliesctl");
  CLI::App* root = tree.root.get();
  root->set_help_flag();
  root->allow_extras();  // Unknown flags are ours to report (RunCli).
  root->require_subcommand(0, 1);
  AddFlagOptions(root, GlobalFlags());
  AddFlagOptions(root, {VersionFlag()});
  for (const Resource& resource : registry.resources()) {
    if (!IsSubResource(resource)) AddResourceCommands(registry, resource, root, &tree);
  }
  CLI::App* help = AddSubcommand(root, "help", "show help");
  AddStrayWords(help);
  tree.help = help;
  CLI::App* completion = AddSubcommand(root, "completion", "print a shell completion script");
  completion->add_option("shell");
  AddStrayWords(completion);
  tree.completion = completion;
  AddStrayWords(root);
  return tree;
}

bool IsKnownFlag(const std::vector<FlagSpec>& specs, absl::string_view flag) {
  for (const FlagSpec& spec : specs) {
    for (const std::string& spelling : FlagSpellings(spec)) {
      if (flag == spelling) return true;
    }
  }
  return false;
}

int RunCompletion(const CommandRegistry& registry, const CLI::App& app, bool help,
                  std::ostream& out, std::ostream& err) {
  if (help) {
    out << kCompletionUsage;
    return kExitOk;
  }
  const CLI::Option* shell = app.get_option_no_throw("shell");
  if (shell->count() == 0) {
    err << "error: missing shell\n\n" << kCompletionUsage;
    return kExitUsage;
  }
  if (shell->results().front() != "bash" || !StrayWords(app).empty()) {
    err << "error: no completion for \"" << shell->results().front() << "\" (only bash)\n\n"
        << kCompletionUsage;
    return kExitUsage;
  }
  out << BashCompletion(registry);
  out.flush();
  return out.good() ? kExitOk : kExitError;
}

}  // namespace

int RunCli(const CommandRegistry& registry, const std::vector<std::string>& args,
           const std::optional<std::string>& endpoint_env, std::ostream& out, std::ostream& err) {
  std::vector<FlagSpec> all_flags = registry.AllFlags();
  all_flags.push_back(VersionFlag());
  const CliTree tree = BuildCliTree(registry);

  // The words the user gave, then the subcommands CLI11 found: the root's, a resource's, ...
  absl::StatusOr<std::vector<std::string>> words = NormalizeFlagForms(args, all_flags);
  absl::Status status = words.ok() ? ParseWithCli11(*tree.root, *std::move(words)) : words.status();
  std::vector<const CLI::App*> chain;
  for (const CLI::App* app = tree.root.get(); !app->get_subcommands().empty();) {
    app = app->get_subcommands().front();
    chain.push_back(app);
  }
  const Resource* resource = nullptr;
  const Command* command = nullptr;
  for (const CLI::App* app : chain) {
    if (auto it = tree.resources.find(app); it != tree.resources.end()) resource = it->second;
    if (auto it = tree.commands.find(app); it != tree.commands.end()) command = it->second;
  }
  ParsedArgs parsed;
  if (status.ok()) status = CollectFlagValues(*tree.root, &parsed);
  if (status.ok() && command != nullptr) status = CollectFlagValues(*chain.back(), &parsed);
  if (!status.ok()) {
    err << "error: " << status.message() << "\n\n" << TopLevelUsage(registry);
    return kExitUsage;
  }
  // Flags no level took: unknown ones, or flags of other commands than this one.
  std::vector<std::string> foreign_flags;
  for (const std::string& word : tree.root->remaining(/*recurse=*/true)) {
    const std::string flag = FlagOfWord(word);
    if (word == "--" || flag.empty()) continue;
    if (!IsKnownFlag(all_flags, flag)) {
      err << "error: unknown flag " << flag << "\n\n" << TopLevelUsage(registry);
      return kExitUsage;
    }
    foreign_flags.push_back(flag);
  }
  if (parsed.GetBool("version")) {
    out << VersionText();
    return kExitOk;
  }
  const bool help = parsed.GetBool("help");

  if (const std::vector<std::string> stray = StrayWords(*tree.root); !stray.empty()) {
    err << "error: unknown resource \"" << stray.front() << "\"\n\n" << TopLevelUsage(registry);
    return kExitUsage;
  }
  if (chain.empty()) {
    if (help) {
      out << TopLevelUsage(registry);
      return kExitOk;
    }
    err << "error: missing command\n\n" << TopLevelUsage(registry);
    return kExitUsage;
  }
  if (chain.front() == tree.help) {
    out << TopLevelUsage(registry);
    return kExitOk;
  }
  if (chain.front() == tree.completion) {
    return RunCompletion(registry, *chain.front(), help, out, err);
  }
  // A word after a resource's that is neither a verb nor a word below it.
  for (const CLI::App* app : chain) {
    auto it = tree.resources.find(app);
    if (it == tree.resources.end()) continue;
    if (const std::vector<std::string> stray = StrayWords(*app); !stray.empty()) {
      err << "error: unknown verb \"" << stray.front() << "\" for " << it->second->name << "\n\n"
          << ResourceUsage(registry, *it->second);
      return kExitUsage;
    }
  }
  if (command == nullptr) {
    if (help) {
      out << ResourceUsage(registry, *resource);
      return kExitOk;
    }
    err << "error: missing verb for " << resource->name << "\n\n"
        << ResourceUsage(registry, *resource);
    return kExitUsage;
  }
  if (help) {
    out << CommandUsage(*command);
    return kExitOk;
  }

  // Every flag given must belong to this command or be global.
  if (!foreign_flags.empty()) {
    err << "error: flag " << foreign_flags.front() << " is not accepted by '" << command->resource
        << " " << command->verb << "'\n\n"
        << CommandUsage(*command);
    return kExitUsage;
  }
  std::vector<std::string> operands;
  for (size_t i = 0; i < command->max_operands; ++i) {
    const CLI::Option* operand = chain.back()->get_option_no_throw(absl::StrCat("operand", i + 1));
    if (operand->count() > 0) operands.push_back(operand->results().front());
  }
  const size_t given = operands.size() + StrayWords(*chain.back()).size();
  if (given < command->min_operands || given > command->max_operands) {
    err << "error: '" << command->resource << " " << command->verb << "' takes "
        << (command->operand_usage.empty() ? std::string("no arguments")
                                           : absl::StrCat("arguments ", command->operand_usage))
        << ", got " << given << "\n\n"
        << CommandUsage(*command);
    return kExitUsage;
  }

  GlobalOptions options;
  options.table_width = TableWidthFromEnvironment();
  if (std::optional<std::string> endpoint = parsed.Get("endpoint")) {
    options.endpoint = *endpoint;
  } else if (endpoint_env.has_value() && !endpoint_env->empty()) {
    options.endpoint = *endpoint_env;
  }
  if (options.endpoint.empty()) {
    err << "error: --endpoint must not be empty\n\n" << CommandUsage(*command);
    return kExitUsage;
  }
  options.api_key = FindApiKey();
  if (std::optional<std::string> output = parsed.Get("output")) {
    absl::StatusOr<OutputFormat> format = ParseOutputFormat(*output);
    if (!format.ok()) {
      err << "error: " << format.status().message() << "\n\n" << CommandUsage(*command);
      return kExitUsage;
    }
    options.output = *format;
  }
  // TLS material: read now, so that a bad path is a usage error, not a connection failure.
  std::optional<std::string> ca = parsed.Get("ca");
  if (!ca) {
    if (const char* env = std::getenv("ALLIES_CA"); env != nullptr && *env != '\0') ca = env;
  }
  const std::vector<std::pair<std::string, std::string*>> tls_files = {
      {"ca", &options.tls_ca}, {"cert", &options.tls_cert}, {"key", &options.tls_key}};
  for (const auto& [flag, target] : tls_files) {
    std::optional<std::string> path = flag == "ca" ? ca : parsed.Get(flag);
    if (!path) continue;
    std::ifstream in(*path, std::ios::binary);
    std::stringstream contents;
    contents << in.rdbuf();
    if (!in || contents.str().empty()) {
      err << "error: --" << flag << ": cannot read " << *path << "\n\n" << CommandUsage(*command);
      return kExitUsage;
    }
    *target = contents.str();
  }
  if (options.tls_ca.empty() && (!options.tls_cert.empty() || !options.tls_key.empty())) {
    err << "error: --cert and --key need --ca\n\n" << CommandUsage(*command);
    return kExitUsage;
  }
  if (std::optional<std::string> timeout = parsed.Get("timeout")) {
    absl::StatusOr<double> seconds = ParsePositiveSecondsFlag("timeout", *timeout);
    if (!seconds.ok()) {
      err << "error: " << seconds.status().message() << "\n\n" << CommandUsage(*command);
      return kExitUsage;
    }
    options.timeout_seconds = *seconds;
  }

  Invocation invocation(*command, std::move(options), std::move(parsed), std::move(operands), out,
                        err);
  return command->run(invocation);
}

}  // namespace allies::ctl
