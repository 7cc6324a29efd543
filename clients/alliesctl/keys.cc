#include "clients/alliesctl/keys.h"

#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "allies/v1/api_key.grpc.pb.h"
#include "clients/alliesctl/errors.h"
#include "clients/alliesctl/libraries.h"

namespace allies::ctl {
namespace {

using allies::v1::ApiKey;
using allies::v1::ApiKeyService;

constexpr char kResource[] = "keys";

std::string NormalizeKeyName(absl::string_view name) {
  return absl::StartsWith(name, "apiKeys/") ? std::string(name) : absl::StrCat("apiKeys/", name);
}

const Columns<ApiKey>& KeyColumns() {
  static const auto* const columns = new Columns<ApiKey>{
      {"NAME", "DISPLAY NAME", "ROLE", "LIBRARY", "EXPIRES", "REVOKED"},
      [](const ApiKey& k) -> std::vector<std::string> {
        return {k.name(),
                k.display_name(),
                ApiKey::Role_Name(k.role()),
                k.library().empty() ? "(whole network)" : k.library(),
                k.has_expire_time() ? FormatTimestamp(k.expire_time()) : kEmptyCell,
                k.has_revoke_time() ? FormatTimestamp(k.revoke_time()) : kEmptyCell};
      }};
  return *columns;
}

int RunCreate(Invocation& inv) {
  allies::v1::CreateApiKeyRequest request;
  ApiKey* key = request.mutable_api_key();
  const std::optional<std::string> role = inv.args().Get("role");
  const std::optional<std::string> display_name = inv.args().Get("display-name");
  if (!role || !display_name) return inv.UsageError("--display-name and --role are required");
  ApiKey::Role parsed = ApiKey::ROLE_UNSPECIFIED;
  if (!ApiKey::Role_Parse(absl::AsciiStrToUpper(*role), &parsed)) {
    return inv.UsageError(
        absl::StrCat("unknown role \"", *role,
                     "\" (want ADMIN, METHODIST, LIBRARIAN, COORDINATOR or INTEGRATION)"));
  }
  key->set_role(parsed);
  key->set_display_name(*display_name);
  if (auto library = inv.args().Get("library")) key->set_library(NormalizeLibraryName(*library));
  if (auto expires = inv.args().Get("expire-time")) {
    absl::Time t;
    std::string err;
    if (!absl::ParseTime(absl::RFC3339_full, *expires, &t, &err)) {
      return inv.UsageError(
          absl::StrCat("--expire-time: expected RFC 3339, got \"", *expires, "\""));
    }
    key->mutable_expire_time()->set_seconds(absl::ToUnixSeconds(t));
  }
  if (auto rid = inv.args().Get("request-id")) request.set_request_id(*rid);
  allies::v1::CreateApiKeyResponse response;
  const int code = Call<ApiKeyService>(inv, &ApiKeyService::Stub::CreateApiKey, request, &response);
  if (code != kExitOk) return code;
  if (inv.options().output == OutputFormat::kTable) {
    const int code = inv.Print(response.api_key(), KeyColumns()(response.api_key()));
    if (!response.key().empty()) {
      inv.out() << "\nThe key (shown only now; keep it safe):\n" << response.key() << "\n";
    }
    return code;
  }
  if (inv.options().output == OutputFormat::kName) {
    // The name on stdout; the secret, shown only now, on stderr.
    const int code = inv.Print(response.api_key(), Table{});
    if (!response.key().empty()) {
      inv.err() << "The key (shown only now; keep it safe):\n" << response.key() << "\n";
    }
    return code;
  }
  // JSON and YAML print the whole response, secret included; CSV adds it as a column, since
  // it is shown only now.
  Table table = KeyColumns()(response.api_key());
  table.headers.push_back("KEY");
  table.rows.front().push_back(response.key());
  return inv.Print(response, table);
}

// Keys belong to the network, not under a library: paging, --filter and --show-revoked.
struct KeyListFlags {
  int operator()(Invocation& inv, allies::v1::ListApiKeysRequest& request) const {
    if (int code = ApplyPageFlags(inv, request); code != kExitOk) return code;
    if (auto filter = inv.args().Get("filter")) request.set_filter(*filter);
    request.set_show_revoked(inv.args().GetBool("show-revoked"));
    return kExitOk;
  }
};

}  // namespace

void RegisterKeyCommands(CommandRegistry* registry) {
  registry->AddResource({kResource, {"key", "apikeys"}, "API keys (credentials)"});
  Command create =
      NewCommand(kResource, "create", "", "Create an API key; its secret is printed once.");
  create.flags = {
      {"display-name", '\0', true, "NAME", "who or what uses the key (required)"},
      {"role", '\0', true, "ROLE", "ADMIN, METHODIST, LIBRARIAN, COORDINATOR or INTEGRATION"},
      {"library", '\0', true, "LIBRARY",
       "the library whose subtree it reaches (omit for the whole network; ADMIN only)"},
      {"expire-time", '\0', true, "TIME", "when it stops working, RFC 3339"},
      RequestIdFlag(),
  };
  create.run = RunCreate;
  registry->AddCommand(std::move(create));

  Command get =
      NewCommand(kResource, "get", "NAME", "Show an API key (apiKeys/x or x); never its secret.");
  get.run = NamedCall<ApiKeyService>(&ApiKeyService::Stub::GetApiKey, KeyColumns(),
                                     NormalizeName{NormalizeKeyName});
  registry->AddCommand(std::move(get));

  Command list = NewCommand(kResource, "list", "", "List API keys.");
  list.flags = PageFlagSpecs("keys");
  list.flags.push_back(
      {"filter", '\0', true, "FILTER", "AIP-160 over display_name, role, library, ..."});
  list.flags.push_back({"show-revoked", '\0', false, "", "include revoked keys"});
  list.run = ListCall<ApiKeyService>(
      &ApiKeyService::Stub::ListApiKeys,
      [](allies::v1::ListApiKeysResponse* page) { return page->mutable_api_keys(); }, KeyColumns(),
      "keys", KeyListFlags());
  registry->AddCommand(std::move(list));

  Command revoke = NewCommand(kResource, "revoke", "NAME", "Revoke an API key: it stops working.");
  revoke.flags = {EtagFlag("key"), RequestIdFlag()};
  revoke.run = NamedCall<ApiKeyService>(&ApiKeyService::Stub::RevokeApiKey, KeyColumns(),
                                        NormalizeName{NormalizeKeyName});
  registry->AddCommand(std::move(revoke));
}

}  // namespace allies::ctl
