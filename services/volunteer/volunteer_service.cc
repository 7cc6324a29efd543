#include "services/volunteer/volunteer_service.h"

#include <algorithm>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "api/contact_points.h"
#include "api/fields.h"
#include "api/proto_time.h"
#include "api/text.h"
#include "services/common/people.h"
#include "services/volunteer/ledger.h"
#include "services/volunteer/volunteer_records.h"
#include "storage/due.h"
#include "storage/volunteer_tables.h"

namespace allies::services {
namespace {

using v1::Consent;
using v1::Volunteer;

constexpr size_t kMaxName = 100;
constexpr size_t kMaxCity = 100;
constexpr size_t kMaxTag = 100;
constexpr size_t kMaxNotes = 10000;
constexpr size_t kMaxReason = 1000;
constexpr int kMaxContactPoints = 10;
constexpr int kMaxTags = 50;
constexpr int kMaxLanguages = 20;
constexpr int kMaxRanges = 50;

void CheckTags(api::FieldViolations& v, const std::string& path,
               const google::protobuf::RepeatedPtrField<std::string>& values, int max) {
  api::CheckValues(v, path, values, max,
                   [](api::FieldViolations& v, absl::string_view item, absl::string_view value) {
                     api::CheckText(v, item, value, kMaxTag, true);
                   });
}

void CheckVolunteer(const Volunteer& c, const std::vector<std::string>& fields,
                    api::FieldViolations& v) {
  for (const char* f : {"family_name", "given_name", "patronymic"}) {
    if (!api::HasPath(fields, f)) continue;
    const auto* d = Volunteer::descriptor()->FindFieldByName(f);
    api::CheckText(v, absl::StrCat("volunteer.", f), c.GetReflection()->GetString(c, d), kMaxName,
                   std::string(f) != "patronymic");
  }
  if (api::HasPath(fields, "birth_date")) {
    if (!c.has_birth_date()) {
      v.Add("volunteer.birth_date", "is required: the age rules depend on it");
    } else {
      auto date = api::FromProtoDate(c.birth_date(), "volunteer.birth_date");
      if (!date.ok()) {
        v.AddFrom(date.status(), "volunteer.birth_date");
      } else if (c.birth_date().year() < 1900 ||
                 api::FormatDate(c.birth_date()) >
                     absl::FormatTime("%Y-%m-%d", absl::Now(), absl::UTCTimeZone())) {
        v.Add("volunteer.birth_date", absl::StrCat("must be a past date after 1900, got ",
                                                   api::FormatDate(c.birth_date())));
      }
    }
  }
  if (api::HasPath(fields, "emails")) {
    api::CheckValues(v, "volunteer.emails", c.emails(), kMaxContactPoints, api::CheckEmail);
  }
  if (api::HasPath(fields, "phones")) {
    api::CheckValues(v, "volunteer.phones", c.phones(), kMaxContactPoints, api::CheckPhone);
  }
  if (api::HasPath(fields, "city")) api::CheckText(v, "volunteer.city", c.city(), kMaxCity, false);
  if (api::HasPath(fields, "skills")) CheckTags(v, "volunteer.skills", c.skills(), kMaxTags);
  if (api::HasPath(fields, "interests")) {
    CheckTags(v, "volunteer.interests", c.interests(), kMaxTags);
  }
  if (api::HasPath(fields, "languages")) {
    CheckTags(v, "volunteer.languages", c.languages(), kMaxLanguages);
  }
  if (api::HasPath(fields, "availability")) {
    if (c.availability_size() > kMaxRanges) {
      v.Add("volunteer.availability", absl::StrCat("at most ", kMaxRanges));
    }
    for (int i = 0; i < c.availability_size(); ++i) {
      const auto& a = c.availability(i);
      const std::string path = absl::StrCat("volunteer.availability[", i, "]");
      if (a.day_of_week() < 1 || a.day_of_week() > 7) {
        v.Add(path + ".day_of_week", "must be 1 (Monday) - 7 (Sunday)");
      }
      if (!api::IsClockTime(a.start_time()))
        v.Add(path + ".start_time", "must be HH:MM (00:00-23:59)");
      if (!api::IsClockTime(a.end_time())) v.Add(path + ".end_time", "must be HH:MM (00:00-23:59)");
      if (api::IsClockTime(a.start_time()) && api::IsClockTime(a.end_time()) &&
          a.start_time() >= a.end_time()) {
        v.Add(path + ".end_time", absl::StrCat("must be after start_time (", a.start_time(), ")"));
      }
    }
  }
  if (api::HasPath(fields, "blackouts")) {
    if (c.blackouts_size() > kMaxRanges) {
      v.Add("volunteer.blackouts", absl::StrCat("at most ", kMaxRanges));
    }
    for (int i = 0; i < c.blackouts_size(); ++i) {
      const auto& b = c.blackouts(i);
      const std::string path = absl::StrCat("volunteer.blackouts[", i, "]");
      auto start = api::FromProtoDate(b.start_date(), path + ".start_date");
      auto end = api::FromProtoDate(b.end_date(), path + ".end_date");
      if (!start.ok()) v.AddFrom(start.status(), path + ".start_date");
      if (!end.ok()) v.AddFrom(end.status(), path + ".end_date");
      if (start.ok() && end.ok() &&
          api::FormatDate(b.end_date()) < api::FormatDate(b.start_date())) {
        v.Add(path + ".end_date", "must not be before start_date");
      }
    }
  }
  if (api::HasPath(fields, "preferred_channel") &&
      !Volunteer::Channel_IsValid(c.preferred_channel())) {
    v.Add("volunteer.preferred_channel", "must be EMAIL, PHONE, SMS, MESSENGER or MAIL");
  }
  if (api::HasPath(fields, "opt_outs")) {
    std::set<int> seen;
    for (int i = 0; i < c.opt_outs_size(); ++i) {
      const std::string path = absl::StrCat("volunteer.opt_outs[", i, "]");
      if (c.opt_outs(i) == Volunteer::CHANNEL_UNSPECIFIED ||
          !Volunteer::Channel_IsValid(c.opt_outs(i))) {
        v.Add(path, "must be EMAIL, PHONE, SMS, MESSENGER or MAIL");
      } else if (!seen.insert(c.opt_outs(i)).second) {
        v.Add(path, "is listed twice");
      }
    }
  }
  if (api::HasPath(fields, "dobro_id") && !c.dobro_id().empty()) {
    const std::string& id = c.dobro_id();
    if (id.size() < 4 || id.size() > 12 || !std::all_of(id.begin(), id.end(), [](char ch) {
          return absl::ascii_isdigit(static_cast<unsigned char>(ch));
        })) {
      v.Add("volunteer.dobro_id",
            absl::StrCat("must be a Dobro.rf volunteer id (4-12 digits, or the profile URL "
                         "https://dobro.ru/volunteer/{id}), got ",
                         api::Quote(id)));
    }
  }
  if (api::HasPath(fields, "notes")) {
    api::CheckText(v, "volunteer.notes", c.notes(), kMaxNotes, false, true);
  }
}

// A list of what ends from today (UTC) to `within_days` ahead, soonest first: `ending` is its
// condition (storage/due.h).
template <typename Request>
absl::StatusOr<ListArgs> ExpiringArgs(absl::string_view method, const Request& r,
                                      absl::string_view order,
                                      storage::SqlClause (*ending)(int days)) {
  constexpr int kMaxWithinDays = 3650;
  if (r.within_days() < 0 || r.within_days() > kMaxWithinDays) {
    return api::InvalidField("within_days",
                             absl::StrCat("must be 0-", kMaxWithinDays, ", got ", r.within_days()));
  }
  ListArgs args;
  args.method = method;
  args.parent = r.parent();
  args.page_size = r.page_size();
  args.page_token = r.page_token();
  args.order_by = order;
  args.condition = ending(r.within_days());
  args.context = absl::StrCat("within_days=", r.within_days());
  return args;
}

const std::map<std::string, int>& ContactPointLimits() {
  static const auto* limits =
      new std::map<std::string, int>{{"emails", kMaxContactPoints}, {"phones", kMaxContactPoints}};
  return *limits;
}

}  // namespace

std::string FullName(const v1::Volunteer& v) {
  std::vector<std::string> parts;
  for (const std::string* p : {&v.family_name(), &v.given_name(), &v.patronymic()}) {
    if (!p->empty()) parts.push_back(*p);
  }
  return absl::StrJoin(parts, " ");
}

std::string NormalizeDobroId(absl::string_view id) {
  absl::string_view s = absl::StripAsciiWhitespace(id);
  for (absl::string_view prefix : {"https://", "http://"}) absl::ConsumePrefix(&s, prefix);
  absl::ConsumePrefix(&s, "www.");
  if (absl::ConsumePrefix(&s, "dobro.ru/volunteer/")) absl::ConsumeSuffix(&s, "/");
  return std::string(s);
}

const Lifecycle& VolunteerLifecycle() {
  static const auto* lifecycle = new Lifecycle(Volunteer::descriptor(), "VOLUNTEER_STATE");
  return *lifecycle;
}

ResourceRules<Volunteer> VolunteerRules() {
  ResourceRules<Volunteer> rules;
  rules.table = &storage::VolunteersTable();
  rules.field = "volunteer";
  rules.mutable_fields = {"family_name",
                          "given_name",
                          "patronymic",
                          "birth_date",
                          "emails",
                          "phones",
                          "city",
                          "skills",
                          "interests",
                          "languages",
                          "availability",
                          "blackouts",
                          "preferred_channel",
                          "opt_outs",
                          "dobro_id",
                          "guardian",
                          "notes"};
  rules.unique_fields = {{"dobro_id", "VOLUNTEER_DOBRO_ID_TAKEN"}};
  rules.normalize = [](Volunteer& c) {
    for (std::string* s : {c.mutable_family_name(), c.mutable_given_name(), c.mutable_patronymic(),
                           c.mutable_city()}) {
      *s = std::string(absl::StripAsciiWhitespace(*s));
    }
    for (auto& e : *c.mutable_emails()) e = api::NormalizeEmail(e);
    for (auto& p : *c.mutable_phones()) p = api::NormalizePhone(p);
    c.set_dobro_id(NormalizeDobroId(c.dobro_id()));
  };
  rules.defaults = [](const api::Call&, absl::Time, Volunteer& c) {
    c.set_state(Volunteer::APPLICANT);
  };
  rules.check = CheckVolunteer;
  rules.updatable = [](const Volunteer& current, const std::vector<std::string>&) {
    return current.has_erase_time() ? ErasedPerson(storage::VolunteersTable(), current)
                                    : absl::OkStatus();
  };
  return rules;
}

absl::Status VolunteerService::Create(const api::Call& call,
                                      const v1::CreateVolunteerRequest& request, Volunteer* out) {
  const bool inline_consent = request.has_consent();
  if (inline_consent == !request.consent_name().empty()) {
    return api::InvalidField(
        "consent",
        inline_consent
            ? "give either consent or consent_name, not both"
            : "is required: no personal data without consent (152-FZ art. 9); give the consent "
              "covering VOLUNTEER_WORK (consent), or name one recorded without a subject "
              "(consent_name)");
  }
  std::optional<storage::ResourceKey> linked;
  if (!inline_consent) {
    auto key = consents_.table().ParseName(request.consent_name(), "consent_name");
    if (!key.ok()) return key.status();
    linked = *key;
  } else {
    // Checked with the volunteer before any connection is taken, every violation at once.
    api::FieldViolations v;
    const absl::Time now = storage::NowMicros();
    Volunteer volunteer;
    volunteers_.Prepare(call, now, request.volunteer(), request.volunteer_id(), "volunteer",
                        &volunteer, v);
    v1::Consent prepared;
    consents_.Prepare(call, now, request.consent(), "", "consent", &prepared, v);
    if (!request.consent().subject().empty()) {
      v.Add("consent.subject", "must be empty: the consent's subject is the new volunteer");
    }
    if (!v.empty()) return v.ToStatus();
  }
  return volunteers_.Create(
      call, request.parent(), request.volunteer(), request.volunteer_id(), request.request_id(),
      request, out, {},
      [&](WriteContext& ctx, const storage::ResourceKey& key, const Volunteer& v) -> absl::Status {
        Consent consent;
        if (inline_consent) {
          Consent given = request.consent();
          given.set_subject(v.name());
          absl::Status ok = consents_.CreateIn(ctx, storage::ResourceKey(key.library_id, ""), given,
                                               "", "consent", &consent);
          if (!ok.ok()) return ok;
        } else {
          if (linked->library_id != key.library_id) {
            return api::InvalidField(
                "consent_name",
                absl::StrCat("must be a consent of ", api::LibraryName(key.library_id)));
          }
          storage::ResourceTable::Row row;
          absl::Status ok = consents_.Load(ctx.session, call, *linked, request.consent_name(), "",
                                           &row, &consent);
          if (!ok.ok()) return ok;
          if (!consent.subject().empty()) {
            return api::Error(absl::StatusCode::kFailedPrecondition, "CONSENT_OF_ANOTHER_PERSON",
                              absl::StrCat(consent.name(), " is the consent of ", consent.subject(),
                                           "; record a new one"),
                              {{"consent", consent.name()}, {"subject", consent.subject()}});
          }
          if (consent.state() != Consent::ACTIVE) {
            return api::Error(
                absl::StatusCode::kFailedPrecondition, "CONSENT_NOT_ACTIVE",
                absl::StrCat(consent.name(), " is ", Consent::State_Name(consent.state())),
                {{"consent", consent.name()}});
          }
          consent.set_subject(v.name());
          ok = consents_.Save(ctx.session, row, consent);
          if (ok.ok()) {
            ok = consents_.Record(ctx, "LINK", *linked, consent, {"subject"},
                                  api::FromTimestamp(consent.update_time()));
          }
          if (!ok.ok()) return ok;
        }
        return CheckWorkConsent(consent, AgeOn(v.birth_date(), ctx.now), v.name());
      });
}

absl::Status VolunteerService::ChangeState(const api::Call& call, absl::string_view verb,
                                           absl::string_view name, absl::string_view etag,
                                           const std::string& reason, absl::string_view request_id,
                                           const google::protobuf::Message& request,
                                           Volunteer* out) {
  api::FieldViolations v;
  api::CheckText(v, "reason", reason, kMaxReason, false, true);
  if (!v.empty()) return v.ToStatus();
  const Lifecycle& lifecycle = VolunteerLifecycle();
  return volunteers_.Change(
      call, verb, name, etag, request_id, request,
      [&](WriteContext& ctx, const storage::ResourceKey&,
          Volunteer& volunteer) -> absl::StatusOr<std::vector<std::string>> {
        if (volunteer.has_erase_time()) return ErasedPerson(volunteers_.table(), volunteer);
        absl::StatusOr<std::vector<std::string>> moved;
        if (verb == "ACTIVATE") {
          moved = lifecycle.Move(volunteer, "activation",
                                 {Volunteer::APPLICANT, Volunteer::INACTIVE}, Volunteer::ACTIVE);
        } else if (verb == "PAUSE") {
          moved = lifecycle.Move(volunteer, "pausing", {Volunteer::ACTIVE}, Volunteer::PAUSED);
        } else if (verb == "RESUME") {
          moved = lifecycle.Move(volunteer, "resuming", {Volunteer::PAUSED}, Volunteer::ACTIVE);
        } else {
          moved = lifecycle.Move(volunteer, "deactivation",
                                 {Volunteer::APPLICANT, Volunteer::ACTIVE, Volunteer::PAUSED},
                                 Volunteer::INACTIVE);
        }
        if (!moved.ok()) return moved;
        // At work only under a consent in force (given by a representative for a minor).
        if (volunteer.state() == Volunteer::ACTIVE) {
          absl::Status ok = CheckVolunteerConsented(ctx.session, volunteer, ctx.now);
          if (!ok.ok()) return ok;
        }
        if (volunteer.state_reason() != reason) {
          volunteer.set_state_reason(reason);
          moved->push_back("state_reason");
        }
        return moved;
      },
      out);
}

absl::Status VolunteerService::Export(const api::Call& call,
                                      const v1::ExportVolunteerDataRequest& request,
                                      v1::ExportVolunteerDataResponse* out) {
  return ExportPersonData(pool_, call, volunteers_.table(), request.name(), "volunteer", out,
                          [&](storage::Session& s, const storage::Referrer& r) -> absl::Status {
                            if (r.table != &consents_.table()) return absl::OkStatus();
                            storage::ResourceTable::Row row;
                            return r.table->Get(s, r.key, storage::Lock::kNone, &row,
                                                out->add_consents());
                          });
}

absl::Status VolunteerService::Erase(const api::Call& call,
                                     const v1::EraseVolunteerRequest& request, Volunteer* out) {
  return volunteers_.Change(
      call, "ERASE", request.name(), request.etag(), request.request_id(), request,
      [&](WriteContext& ctx, const storage::ResourceKey& key,
          Volunteer& volunteer) -> absl::StatusOr<std::vector<std::string>> {
        if (volunteer.has_erase_time()) return ErasedPerson(volunteers_.table(), volunteer);
        auto destroyed = DestroyPerson(ctx, volunteers_.table(), key, &volunteer,
                                       v1::DestructionRecord::ERASURE_REQUEST);
        if (!destroyed.ok()) return destroyed.status();
        destroyed->fields.push_back("erase_time");
        api::ToTimestamp(NextTime(volunteer), volunteer.mutable_erase_time());
        if (volunteer.state() != Volunteer::INACTIVE) {
          volunteer.set_state(Volunteer::INACTIVE);
          destroyed->fields.push_back("state");
        }
        return destroyed->fields;
      },
      out, /*allow_deleted=*/true);
}

VolunteerService::VolunteerService(const server::ServiceDeps& deps)
    : AsyncServiceHost(deps.authenticator),
      pool_(deps.pool),
      volunteers_(deps.pool, VolunteerRules()),
      consents_(deps.pool, ConsentRules()),
      agreements_(deps.pool, VolunteerAgreementRules()),
      qualifications_(deps.pool, QualificationRules()) {
  using Async = v1::VolunteerService::AsyncService;
  Unary(&Async::RequestGetVolunteer, [this](const api::Call& c, const auto& r, auto* out) {
    return volunteers_.Get(c, r.name(), out);
  });
  Unary(&Async::RequestListVolunteers, [this](const api::Call& c, const auto& r, auto* out) {
    ListArgs args = ListArgs::Of("ListVolunteers", r);
    return volunteers_.List(c, args, out->mutable_volunteers(), out->mutable_next_page_token());
  });
  Unary(&Async::RequestCreateVolunteer,
        [this](const api::Call& c, const auto& r, auto* out) { return Create(c, r, out); });
  Unary(&Async::RequestUpdateVolunteer, [this](const api::Call& c, const auto& r, auto* out) {
    return volunteers_.Update(c, r.volunteer(), r.update_mask(), out);
  });
  Unary(&Async::RequestDeleteVolunteer, [this](const api::Call& c, const auto& r, auto* out) {
    return volunteers_.Delete(c, r.name(), r.etag(), false, out);
  });
  Unary(&Async::RequestUndeleteVolunteer, [this](const api::Call& c, const auto& r, auto* out) {
    return volunteers_.Undelete(c, r.name(), r.etag(), r.request_id(), r, out);
  });
  Unary(&Async::RequestActivateVolunteer, [this](const api::Call& c, const auto& r, auto* out) {
    return ChangeState(c, "ACTIVATE", r, out);
  });
  Unary(&Async::RequestPauseVolunteer, [this](const api::Call& c, const auto& r, auto* out) {
    return ChangeState(c, "PAUSE", r, out);
  });
  Unary(&Async::RequestResumeVolunteer, [this](const api::Call& c, const auto& r, auto* out) {
    return ChangeState(c, "RESUME", r, out);
  });
  Unary(&Async::RequestDeactivateVolunteer, [this](const api::Call& c, const auto& r, auto* out) {
    return ChangeState(c, "DEACTIVATE", r, out);
  });
  Unary(&Async::RequestFindDuplicateVolunteers,
        [this](const api::Call& c, const auto& r, auto* out) -> absl::Status {
          auto groups =
              FindDuplicatePeople(pool_, c, volunteers_.table(), r.parent(), "birth_date");
          if (!groups.ok()) return groups.status();
          for (const auto& g : *groups) {
            auto* group = out->add_groups();
            for (const auto& n : g.names) group->add_volunteers(n);
            for (const auto& reason : g.reasons) group->add_reasons(reason);
          }
          return absl::OkStatus();
        });
  Unary(&Async::RequestMergeVolunteers, [this](const api::Call& c, const auto& r, auto* out) {
    return MergePeople(volunteers_, c, r, ContactPointLimits(), out);
  });
  Unary(&Async::RequestExportVolunteerData,
        [this](const api::Call& c, const auto& r, auto* out) { return Export(c, r, out); });
  Unary(&Async::RequestEraseVolunteer,
        [this](const api::Call& c, const auto& r, auto* out) { return Erase(c, r, out); });
  Unary(&Async::RequestImportVolunteers,
        [this](const api::Call& c, const auto& r, auto* out) { return Import(c, r, out); });

  Unary(&Async::RequestGetVolunteerAgreement, [this](const api::Call& c, const auto& r, auto* out) {
    return agreements_.Get(c, r.name(), out);
  });
  Unary(
      &Async::RequestListVolunteerAgreements, [this](const api::Call& c, const auto& r, auto* out) {
        ListArgs args = ListArgs::Of("ListVolunteerAgreements", r);
        return agreements_.List(c, args, out->mutable_agreements(), out->mutable_next_page_token());
      });
  Unary(&Async::RequestCreateVolunteerAgreement,
        [this](const api::Call& c, const auto& r, auto* out) {
          return agreements_.Create(c, r.parent(), r.agreement(), r.agreement_id(), r.request_id(),
                                    r, out);
        });
  Unary(&Async::RequestUpdateVolunteerAgreement,
        [this](const api::Call& c, const auto& r, auto* out) {
          return agreements_.Update(c, r.agreement(), r.update_mask(), out);
        });
  Unary(&Async::RequestDeleteVolunteerAgreement,
        [this](const api::Call& c, const auto& r, auto* out) {
          return agreements_.Delete(c, r.name(), r.etag(), false, out);
        });
  Unary(&Async::RequestUndeleteVolunteerAgreement,
        [this](const api::Call& c, const auto& r, auto* out) {
          return agreements_.Undelete(c, r.name(), r.etag(), r.request_id(), r, out);
        });
  Unary(&Async::RequestActivateVolunteerAgreement,
        [this](const api::Call& c, const auto& r, auto* out) {
          return agreements_.Change(c, "ACTIVATE", r.name(), r.etag(), r.request_id(), r,
                                    ActivateVolunteerAgreement, out);
        });
  Unary(&Async::RequestTerminateVolunteerAgreement,
        [this](const api::Call& c, const auto& r, auto* out) -> absl::Status {
          api::FieldViolations v;
          api::CheckText(v, "reason", r.reason(), kMaxReason, true, true);
          if (!v.empty()) return v.ToStatus();
          return agreements_.Change(
              c, "TERMINATE", r.name(), r.etag(), r.request_id(), r,
              [&r](WriteContext&, const storage::ResourceKey&,
                   v1::VolunteerAgreement& a) -> absl::StatusOr<std::vector<std::string>> {
                auto moved = VolunteerAgreementLifecycle().Move(a, "termination",
                                                                {v1::VolunteerAgreement::ACTIVE},
                                                                v1::VolunteerAgreement::TERMINATED);
                if (!moved.ok()) return moved;
                a.set_termination_reason(r.reason());
                moved->push_back("termination_reason");
                return moved;
              },
              out);
        });

  Unary(&Async::RequestGetQualification, [this](const api::Call& c, const auto& r, auto* out) {
    return qualifications_.Get(c, r.name(), out);
  });
  Unary(&Async::RequestListQualifications, [this](const api::Call& c, const auto& r, auto* out) {
    ListArgs args = ListArgs::Of("ListQualifications", r);
    return qualifications_.List(c, args, out->mutable_qualifications(),
                                out->mutable_next_page_token());
  });
  Unary(&Async::RequestListExpiringQualifications,
        [this](const api::Call& c, const auto& r, auto* out) -> absl::Status {
          auto args = ExpiringArgs("ListExpiringQualifications", r, "expiry_date",
                                   storage::due::QualificationsExpiringWithin);
          if (!args.ok()) return args.status();
          return qualifications_.List(c, *args, out->mutable_qualifications(),
                                      out->mutable_next_page_token());
        });
  Unary(&Async::RequestListExpiringVolunteerAgreements,
        [this](const api::Call& c, const auto& r, auto* out) -> absl::Status {
          auto args = ExpiringArgs("ListExpiringVolunteerAgreements", r, "end_date",
                                   storage::due::VolunteerAgreementsEndingWithin);
          if (!args.ok()) return args.status();
          return agreements_.List(c, *args, out->mutable_agreements(),
                                  out->mutable_next_page_token());
        });
  Unary(&Async::RequestCreateQualification, [this](const api::Call& c, const auto& r, auto* out) {
    return qualifications_.Create(c, r.parent(), r.qualification(), r.qualification_id(),
                                  r.request_id(), r, out);
  });
  Unary(&Async::RequestUpdateQualification, [this](const api::Call& c, const auto& r, auto* out) {
    return qualifications_.Update(c, r.qualification(), r.update_mask(), out);
  });
  Unary(&Async::RequestDeleteQualification, [this](const api::Call& c, const auto& r, auto* out) {
    return qualifications_.Delete(c, r.name(), r.etag(), false, out);
  });
  Unary(&Async::RequestUndeleteQualification, [this](const api::Call& c, const auto& r, auto* out) {
    return qualifications_.Undelete(c, r.name(), r.etag(), r.request_id(), r, out);
  });
}

absl::Status ConsentService::Withdraw(const api::Call& call,
                                      const v1::WithdrawConsentRequest& request, Consent* out) {
  if (request.channel() == Consent::CHANNEL_UNSPECIFIED ||
      !Consent::Channel_IsValid(request.channel())) {
    return api::InvalidField("channel",
                             "is required: IN_WRITING, ELECTRONIC_FORM, IN_PERSON or EMAIL");
  }
  if (request.has_withdraw_time()) {
    absl::Status ok = api::CheckTimestamp(request.withdraw_time(), "withdraw_time");
    if (!ok.ok()) return ok;
  }
  return consents_.Change(
      call, "WITHDRAW", request.name(), request.etag(), request.request_id(), request,
      [&](WriteContext& ctx, const storage::ResourceKey&,
          Consent& consent) -> absl::StatusOr<std::vector<std::string>> {
        const absl::Time when =
            request.has_withdraw_time() ? api::FromTimestamp(request.withdraw_time()) : ctx.now;
        if (when > ctx.now + absl::Minutes(5)) {
          return api::InvalidField("withdraw_time", "must not be in the future");
        }
        if (when < api::FromTimestamp(consent.given_time())) {
          return api::InvalidField("withdraw_time",
                                   "must not be before the consent was given (given_time)");
        }
        static const Lifecycle* lifecycle = new Lifecycle(Consent::descriptor(), "CONSENT_STATE");
        auto moved = lifecycle->Move(consent, "withdrawal", {Consent::ACTIVE}, Consent::WITHDRAWN);
        if (!moved.ok()) return moved;
        api::ToTimestamp(when, consent.mutable_withdraw_time());
        consent.set_withdrawal_channel(request.channel());
        api::ToTimestamp(when + absl::Hours(24 * kDestroyWithinDays),
                         consent.mutable_destroy_due());
        absl::Status ok = AfterWithdrawal(ctx, consent);
        if (!ok.ok()) return ok;
        moved->insert(moved->end(), {"withdraw_time", "withdrawal_channel", "destroy_due"});
        return moved;
      },
      out);
}

absl::Status ConsentService::ListDue(const api::Call& call,
                                     const v1::ListDueDestructionsRequest& request,
                                     v1::ListConsentsResponse* out) {
  constexpr int kMaxWithinDays = 3650;
  if (request.within_days() < 0 || request.within_days() > kMaxWithinDays) {
    return api::InvalidField(
        "within_days", absl::StrCat("must be 0-", kMaxWithinDays, ", got ", request.within_days()));
  }
  ListArgs args;
  args.method = "ListDueDestructions";
  args.parent = request.parent();
  args.page_size = request.page_size();
  args.page_token = request.page_token();
  args.order_by = "destroy_due";
  args.condition = storage::due::DestructionsDueWithin(request.within_days());
  args.context = absl::StrCat("within_days=", request.within_days());
  return consents_.List(call, args, out->mutable_consents(), out->mutable_next_page_token());
}

ConsentService::ConsentService(const server::ServiceDeps& deps)
    : AsyncServiceHost(deps.authenticator),
      consents_(deps.pool, ConsentRules()),
      destructions_(deps.pool, DestructionRules()) {
  using Async = v1::ConsentService::AsyncService;
  Unary(&Async::RequestGetConsent, [this](const api::Call& c, const auto& r, auto* out) {
    return consents_.Get(c, r.name(), out);
  });
  Unary(&Async::RequestListConsents, [this](const api::Call& c, const auto& r, auto* out) {
    ListArgs args = ListArgs::Of("ListConsents", r);
    return consents_.List(c, args, out->mutable_consents(), out->mutable_next_page_token());
  });
  Unary(&Async::RequestCreateConsent, [this](const api::Call& c, const auto& r, auto* out) {
    return consents_.Create(c, r.parent(), r.consent(), r.consent_id(), r.request_id(), r, out);
  });
  Unary(&Async::RequestWithdrawConsent,
        [this](const api::Call& c, const auto& r, auto* out) { return Withdraw(c, r, out); });
  Unary(&Async::RequestListDueDestructions,
        [this](const api::Call& c, const auto& r, auto* out) { return ListDue(c, r, out); });
  Unary(&Async::RequestGetDestructionRecord, [this](const api::Call& c, const auto& r, auto* out) {
    return destructions_.Get(c, r.name(), out);
  });
  Unary(&Async::RequestListDestructionRecords,
        [this](const api::Call& c, const auto& r, auto* out) {
          ListArgs args = ListArgs::Of("ListDestructionRecords", r);
          args.default_order = "destroy_time desc";
          return destructions_.List(c, args, out->mutable_destruction_records(),
                                    out->mutable_next_page_token());
        });
}

server::ServiceRegistration VolunteerServiceRegistration() {
  return {v1::VolunteerService::service_full_name(),
          [](const server::ServiceDeps& deps) { return std::make_unique<VolunteerService>(deps); }};
}

server::ServiceRegistration ConsentServiceRegistration() {
  return {v1::ConsentService::service_full_name(),
          [](const server::ServiceDeps& deps) { return std::make_unique<ConsentService>(deps); },
          {"destroyed personal data due after withdrawals",
           [](storage::ConnectionPool& pool, absl::Time now) {
             return DestroyDuePersonalData(pool, now);
           }}};
}

}  // namespace allies::services
