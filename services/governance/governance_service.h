// A governance body service over the shared core: ReaderCouncilService and
// SupervisoryBoardService are this one template, given a family (its generated service, body
// message and tables: reader_council_service.cc, supervisory_board_service.cc). Everything
// below the body is GovernanceCore's; the body's own methods are the standard ones with the
// rules as data (presets resolved, checked, members re-checked when they change).
#ifndef ALLIES_SERVICES_GOVERNANCE_GOVERNANCE_SERVICE_H_
#define ALLIES_SERVICES_GOVERNANCE_GOVERNANCE_SERVICE_H_

#include <google/protobuf/descriptor.h>

#include <string>

#include "absl/strings/ascii.h"
#include "api/fields.h"
#include "api/rpc.h"
#include "server/host.h"
#include "services/governance/governance_core.h"
#include "services/governance/rules.h"

namespace allies::services::governance {

// Family (one per service) provides:
//   using Service, Body, and the Get/List/Create/Update/Delete/Undelete request types;
//   static const storage::GovernanceTables& Tables();
//   static constexpr char kField[] ("reader_council"), kListMethod[] ("ListReaderCouncils");
//   static GovernanceRules::Preset PresetOf(const Body&) (the default preset);
//   static void Defaults(Body&) (a body's own defaults: a board's kind);
//   static std::vector<std::string> ExtraFields() (mutable fields of its own);
//   static const Body& BodyOf(const Create/UpdateRequest&), IdOf(const CreateRequest&);
//   static auto* Items(ListResponse*);
//   static void Register(GovernanceService<Family>&) declaring its six body methods.
template <typename Family>
class GovernanceService final
    : public api::AsyncServiceHost<typename Family::Service::AsyncService> {
 public:
  using Async = typename Family::Service::AsyncService;
  using Body = typename Family::Body;

  explicit GovernanceService(const server::ServiceDeps& deps)
      : api::AsyncServiceHost<Async>(
            deps.authenticator,
            google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
                Family::Service::service_full_name())),
        core_(deps.pool, Family::Tables()),
        bodies_(deps.pool, BodyRules()) {
    RegisterBodies();
    RegisterCore();
  }

 private:
  ResourceRules<Body> BodyRules() {
    ResourceRules<Body> rules;
    rules.table = Family::Tables().bodies;
    rules.field = Family::kField;
    rules.mutable_fields = {"display_name", "description",      "rules",
                            "seat_count",   "established_date", "regulation"};
    for (const std::string& f : Family::ExtraFields()) rules.mutable_fields.push_back(f);
    rules.normalize = [](Body& b) {
      b.set_display_name(std::string(absl::StripAsciiWhitespace(b.display_name())));
      Family::Defaults(b);
      *b.mutable_rules() = ResolveRules(b.rules(), Family::PresetOf(b));
    };
    rules.check = [](const Body& b, const std::vector<std::string>& fields,
                     api::FieldViolations& v) {
      api::FieldViolations found;
      CheckBody(b, fields, found);
      // (CheckBody names fields without the request's prefix.)
      for (const auto& [field, description] : found.items()) {
        v.Add(absl::StrCat(Family::kField, ".", field), description);
      }
    };
    rules.check_record = [](const Body& b, const std::vector<std::string>& known,
                            api::FieldViolations& v) {
      if (!api::HasPath(known, "rules") || !api::HasPath(known, "seat_count")) return;
      api::FieldViolations found;
      CheckSeatCount(b.rules(), b.seat_count(), found);
      for (const auto& [field, description] : found.items()) {
        v.Add(absl::StrCat(Family::kField, ".", field), description);
      }
    };
    rules.check_write = [this](WriteContext& ctx, const storage::ResourceKey& key, const Body& b,
                               const std::vector<std::string>& changed) -> absl::Status {
      if (!api::HasPath(changed, "rules") && !api::HasPath(changed, "seat_count")) {
        return absl::OkStatus();
      }
      return core_.CheckBodyWrite(ctx, key, b);
    };
    return rules;
  }

  void RegisterBodies() {
    this->Unary(Family::kGet, [this](const api::Call& c, const auto& r, auto* out) {
      return bodies_.Get(c, r.name(), out);
    });
    this->Unary(Family::kList, [this](const api::Call& c, const auto& r, auto* out) {
      ListArgs args = ListArgs::Of(Family::kListMethod, r);
      std::string parent;
      if (r.subtree()) {
        absl::Status ok = core_.WithinSubtree(r.parent(), "", args, parent);
        if (!ok.ok()) return ok;
        // The bodies' own level: "libraries/-/readerCouncils/-" lists bodies' children.
        parent = "libraries/-";
        args.parent = parent;
        args.context = absl::StrCat("subtree=", r.parent());
      }
      return bodies_.List(c, args, Family::Items(out), out->mutable_next_page_token());
    });
    this->Unary(Family::kCreate, [this](const api::Call& c, const auto& r, auto* out) {
      return bodies_.Create(c, r.parent(), Family::BodyOf(r), Family::IdOf(r), r.request_id(), r,
                            out);
    });
    this->Unary(Family::kUpdate, [this](const api::Call& c, const auto& r, auto* out) {
      return bodies_.Update(c, Family::BodyOf(r), r.update_mask(), out);
    });
    this->Unary(Family::kDelete, [this](const api::Call& c, const auto& r, auto* out) {
      return bodies_.Delete(c, r.name(), r.etag(), r.force(), out);
    });
    this->Unary(Family::kUndelete, [this](const api::Call& c, const auto& r, auto* out) {
      return bodies_.Undelete(c, r.name(), r.etag(), r.request_id(), r, out);
    });
  }

  void RegisterCore() {
    GovernanceCore& core = core_;
    // Members.
    this->Unary(&Async::RequestGetMember, [&core](const api::Call& c, const auto& r, auto* out) {
      return core.members().Get(c, r.name(), out);
    });
    this->Unary(&Async::RequestListMembers, [&core](const api::Call& c, const auto& r, auto* out) {
      ListArgs args = ListArgs::Of("ListMembers", r);
      return core.members().List(c, args, out->mutable_members(), out->mutable_next_page_token());
    });
    this->Unary(&Async::RequestCreateMember, [&core](const api::Call& c, const auto& r, auto* out) {
      return core.CreateMember(c, r, out);
    });
    this->Unary(&Async::RequestUpdateMember, [&core](const api::Call& c, const auto& r, auto* out) {
      return core.members().Update(c, r.member(), r.update_mask(), out);
    });
    this->Unary(&Async::RequestDeleteMember, [&core](const api::Call& c, const auto& r, auto* out) {
      return core.members().Delete(c, r.name(), r.etag(), false, out);
    });
    this->Unary(&Async::RequestUndeleteMember,
                [&core](const api::Call& c, const auto& r, auto* out) {
                  return core.members().Undelete(c, r.name(), r.etag(), r.request_id(), r, out);
                });
    this->Unary(&Async::RequestListExpiringTerms,
                [&core](const api::Call& c, const auto& r, auto* out) {
                  return core.ListExpiringTerms(c, r, out);
                });
    // Meetings.
    this->Unary(&Async::RequestGetMeeting, [&core](const api::Call& c, const auto& r, auto* out) {
      return core.meetings().Get(c, r.name(), out);
    });
    this->Unary(&Async::RequestListMeetings, [&core](const api::Call& c, const auto& r, auto* out) {
      ListArgs args = ListArgs::Of("ListMeetings", r);
      return core.meetings().List(c, args, out->mutable_meetings(), out->mutable_next_page_token());
    });
    this->Unary(&Async::RequestCreateMeeting,
                [&core](const api::Call& c, const auto& r, auto* out) {
                  return core.meetings().Create(c, r.parent(), r.meeting(), r.meeting_id(),
                                                r.request_id(), r, out);
                });
    this->Unary(&Async::RequestUpdateMeeting,
                [&core](const api::Call& c, const auto& r, auto* out) {
                  return core.meetings().Update(c, r.meeting(), r.update_mask(), out);
                });
    this->Unary(&Async::RequestDeleteMeeting,
                [&core](const api::Call& c, const auto& r, auto* out) {
                  return core.meetings().Delete(c, r.name(), r.etag(), r.force(), out);
                });
    this->Unary(&Async::RequestUndeleteMeeting,
                [&core](const api::Call& c, const auto& r, auto* out) {
                  return core.meetings().Undelete(c, r.name(), r.etag(), r.request_id(), r, out);
                });
    this->Unary(&Async::RequestRecordNotices,
                [&core](const api::Call& c, const auto& r, auto* out) {
                  return core.RecordNotices(c, r, out);
                });
    this->Unary(&Async::RequestHoldMeeting, [&core](const api::Call& c, const auto& r, auto* out) {
      return core.HoldMeeting(c, r, out);
    });
    this->Unary(&Async::RequestRecordAttendance,
                [&core](const api::Call& c, const auto& r, auto* out) {
                  return core.RecordAttendance(c, r, out);
                });
    this->Unary(&Async::RequestApproveMinutes,
                [&core](const api::Call& c, const auto& r, auto* out) {
                  return core.ApproveMinutes(c, r, out);
                });
    this->Unary(&Async::RequestAmendMinutes, [&core](const api::Call& c, const auto& r, auto* out) {
      return core.AmendMinutes(c, r, out);
    });
    // Agenda items.
    this->Unary(&Async::RequestGetAgendaItem,
                [&core](const api::Call& c, const auto& r, auto* out) {
                  return core.agenda_items().Get(c, r.name(), out);
                });
    this->Unary(&Async::RequestListAgendaItems,
                [&core](const api::Call& c, const auto& r, auto* out) {
                  ListArgs args = ListArgs::Of("ListAgendaItems", r);
                  args.default_order = "position";
                  return core.agenda_items().List(c, args, out->mutable_agenda_items(),
                                                  out->mutable_next_page_token());
                });
    this->Unary(&Async::RequestCreateAgendaItem,
                [&core](const api::Call& c, const auto& r, auto* out) {
                  return core.agenda_items().Create(c, r.parent(), r.agenda_item(),
                                                    r.agenda_item_id(), r.request_id(), r, out);
                });
    this->Unary(&Async::RequestUpdateAgendaItem,
                [&core](const api::Call& c, const auto& r, auto* out) {
                  return core.agenda_items().Update(c, r.agenda_item(), r.update_mask(), out);
                });
    this->Unary(&Async::RequestDeleteAgendaItem,
                [&core](const api::Call& c, const auto& r, auto* out) {
                  return core.agenda_items().Delete(c, r.name(), r.etag(), false, out);
                });
    this->Unary(
        &Async::RequestUndeleteAgendaItem, [&core](const api::Call& c, const auto& r, auto* out) {
          return core.agenda_items().Undelete(c, r.name(), r.etag(), r.request_id(), r, out);
        });
    this->Unary(&Async::RequestRecordVotes, [&core](const api::Call& c, const auto& r, auto* out) {
      return core.RecordVotes(c, r, out);
    });
    // Decisions.
    this->Unary(&Async::RequestGetDecision, [&core](const api::Call& c, const auto& r, auto* out) {
      return core.decisions().Get(c, r.name(), out);
    });
    this->Unary(&Async::RequestListDecisions,
                [&core](const api::Call& c, const auto& r, auto* out) {
                  ListArgs args = ListArgs::Of("ListDecisions", r);
                  return core.decisions().List(c, args, out->mutable_decisions(),
                                               out->mutable_next_page_token());
                });
    this->Unary(&Async::RequestCreateDecision,
                [&core](const api::Call& c, const auto& r, auto* out) {
                  return core.decisions().Create(c, r.parent(), r.decision(), r.decision_id(),
                                                 r.request_id(), r, out);
                });
    this->Unary(&Async::RequestUpdateDecision,
                [&core](const api::Call& c, const auto& r, auto* out) {
                  return core.decisions().Update(c, r.decision(), r.update_mask(), out);
                });
    this->Unary(&Async::RequestDeleteDecision,
                [&core](const api::Call& c, const auto& r, auto* out) {
                  return core.decisions().Delete(c, r.name(), r.etag(), r.force(), out);
                });
    this->Unary(&Async::RequestUndeleteDecision,
                [&core](const api::Call& c, const auto& r, auto* out) {
                  return core.decisions().Undelete(c, r.name(), r.etag(), r.request_id(), r, out);
                });
    // Action items.
    this->Unary(&Async::RequestGetActionItem,
                [&core](const api::Call& c, const auto& r, auto* out) {
                  return core.action_items().Get(c, r.name(), out);
                });
    this->Unary(&Async::RequestListActionItems,
                [&core](const api::Call& c, const auto& r, auto* out) {
                  ListArgs args = ListArgs::Of("ListActionItems", r);
                  return core.action_items().List(c, args, out->mutable_action_items(),
                                                  out->mutable_next_page_token());
                });
    this->Unary(&Async::RequestCreateActionItem,
                [&core](const api::Call& c, const auto& r, auto* out) {
                  return core.action_items().Create(c, r.parent(), r.action_item(),
                                                    r.action_item_id(), r.request_id(), r, out);
                });
    this->Unary(&Async::RequestUpdateActionItem,
                [&core](const api::Call& c, const auto& r, auto* out) {
                  return core.action_items().Update(c, r.action_item(), r.update_mask(), out);
                });
    this->Unary(&Async::RequestDeleteActionItem,
                [&core](const api::Call& c, const auto& r, auto* out) {
                  return core.action_items().Delete(c, r.name(), r.etag(), false, out);
                });
    this->Unary(
        &Async::RequestUndeleteActionItem, [&core](const api::Call& c, const auto& r, auto* out) {
          return core.action_items().Undelete(c, r.name(), r.etag(), r.request_id(), r, out);
        });
    this->Unary(&Async::RequestCompleteActionItem,
                [&core](const api::Call& c, const auto& r, auto* out) {
                  return core.MoveActionItem(c, "COMPLETE", r.name(), r.etag(), r.reason(),
                                             r.request_id(), r, out);
                });
    this->Unary(&Async::RequestDropActionItem, [&core](const api::Call& c, const auto& r,
                                                       auto* out) {
      return core.MoveActionItem(c, "DROP", r.name(), r.etag(), r.reason(), r.request_id(), r, out);
    });
    this->Unary(&Async::RequestListOverdueActionItems,
                [&core](const api::Call& c, const auto& r, auto* out) {
                  return core.ListOverdueActionItems(c, r, out);
                });
  }

  GovernanceCore core_;
  ResourceMethods<Body> bodies_;
};

// The two services, each with its registration for the host.
server::ServiceRegistration ReaderCouncilServiceRegistration();
server::ServiceRegistration SupervisoryBoardServiceRegistration();

}  // namespace allies::services::governance

#endif  // ALLIES_SERVICES_GOVERNANCE_GOVERNANCE_SERVICE_H_
