#include "clients/alliesctl/changes.h"

#include <google/protobuf/util/json_util.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "allies/v1/change_stream.grpc.pb.h"
#include "clients/alliesctl/errors.h"
#include "clients/alliesctl/libraries.h"
#include "clients/alliesctl/output.h"

namespace allies::ctl {
namespace {

using allies::v1::ChangeStreamService;

constexpr char kResource[] = "changes";

int Watch(Invocation& inv) {
  allies::v1::WatchChangesRequest request;
  request.set_parent(NormalizeLibraryName(inv.operands().empty() ? "-" : inv.operands()[0]));
  for (const std::string& c : inv.args().GetList("collection")) request.add_collections(c);
  if (std::optional<std::string> after = inv.args().Get("after")) {
    int64_t position = 0;
    if (!absl::SimpleAtoi(*after, &position) || position < 0) {
      return inv.UsageError(
          absl::StrCat("--after: expected a position (a whole number >= 0), got \"", *after, "\""));
    }
    request.set_after_position(position);
  }
  if (inv.args().Has("from-now")) {
    if (inv.args().Get("after")) return inv.UsageError("--after and --from-now exclude each other");
    request.set_start_at_now(true);
  }
  int64_t max_changes = -1;
  if (std::optional<std::string> max = inv.args().Get("max-changes")) {
    if (!absl::SimpleAtoi(*max, &max_changes) || max_changes <= 0) {
      return inv.UsageError(
          absl::StrCat("--max-changes: expected a whole number > 0, got \"", *max, "\""));
    }
  }
  const bool json = inv.options().output == OutputFormat::kJson;
  if (!json && inv.options().output != OutputFormat::kTable) {
    return inv.UsageError("changes watch writes a table or JSON lines (-o table|json)");
  }

  auto stub = ChangeStreamService::NewStub(inv.Channel());
  grpc::ClientContext context;
  inv.PrepareContext(&context);
  // A stream runs until stopped: --timeout bounds it only when given.
  if (!inv.args().Get("timeout"))
    context.set_deadline(std::chrono::system_clock::time_point::max());
  auto reader = stub->WatchChanges(&context, request);
  if (!json) inv.out() << "POSITION  TIME  VERB  RESOURCE  FIELDS  ACTOR\n" << std::flush;
  int64_t position = request.after_position();
  bool opened = false;  // a response came: `position` is where the stream stands
  int64_t seen = 0;
  allies::v1::WatchChangesResponse response;
  google::protobuf::util::JsonPrintOptions compact;
  while (reader->Read(&response)) {
    opened = true;
    for (const allies::v1::Change& c : response.changes()) {
      if (json) {
        std::string line;
        (void)google::protobuf::util::MessageToJsonString(c, &line, compact);
        inv.out() << line << "\n";
      } else {
        inv.out() << c.position() << "  " << FormatTimestamp(c.change_time()) << "  " << c.verb()
                  << "  " << c.resource() << "  " << OrNone(absl::StrJoin(c.changed_fields(), ","))
                  << "  " << c.actor() << "\n";
      }
      position = c.position();
      if (++seen == max_changes) break;
    }
    inv.out() << std::flush;
    if (seen == max_changes) {
      context.TryCancel();
      while (reader->Read(&response)) {
      }
      reader->Finish();
      inv.err() << "resume with --after " << position << "\n";
      return kExitOk;
    }
    position = response.position();
  }
  const grpc::Status status = reader->Finish();
  if (opened) inv.err() << "resume with --after " << position << "\n";
  return inv.RpcFailed(status);
}

}  // namespace

void RegisterChangeCommands(CommandRegistry* registry) {
  registry->AddResource(
      {kResource, {"change"}, "the change stream (every change, in commit order)"});
  Command watch = NewCommand(kResource, "watch", "[LIBRARY]",
                             "Stream the changes of a library's subtree (default: everything the "
                             "key reaches) as they commit.");
  watch.details =
      "Prints each change (position, time, verb, resource, changed fields, actor) as it\n"
      "commits, until stopped (Ctrl-C, --max-changes, --timeout, or an error). Each line\n"
      "starts with its position: resume after the last one handled with --after; a stop\n"
      "other than Ctrl-C also prints on stderr where to resume. Changes are kept for 7 days:\n"
      "an older position is refused (exit 3) naming the oldest kept. -o json writes one JSON\n"
      "object per line. Needs an ADMIN or INTEGRATION key.\n";
  watch.max_operands = 1;
  watch.flags = {
      {"after", '\0', true, "POSITION",
       "start after this position (default 0: from the first change, refused once pruned)"},
      {"from-now", '\0', false, "", "only changes from now on"},
      {"collection", '\0', true, "PATH",
       "only this collection (partners, volunteers, projects/shifts, ...); repeatable or "
       "comma-separated"},
      {"max-changes", '\0', true, "N", "stop after N changes"},
  };
  watch.run = Watch;
  registry->AddCommand(std::move(watch));
}

}  // namespace allies::ctl
