// allies.v1.VolunteerService and allies.v1.ConsentService: a library's volunteers and the
// personal-data consent ledger they are held under (152-FZ, 135-FZ), on the shared machinery.
#ifndef ALLIES_SERVICES_VOLUNTEER_VOLUNTEER_SERVICE_H_
#define ALLIES_SERVICES_VOLUNTEER_VOLUNTEER_SERVICE_H_

#include <string>

#include "allies/v1/consent.grpc.pb.h"
#include "allies/v1/volunteer.grpc.pb.h"
#include "api/rpc.h"
#include "server/host.h"
#include "services/common/lifecycle.h"
#include "services/common/resource_methods.h"

namespace allies::services {

ResourceRules<v1::Volunteer> VolunteerRules();
const Lifecycle& VolunteerLifecycle();

// "12345678" from "12345678", "https://dobro.ru/volunteer/12345678/" and the like; other input
// comes back trimmed (for the check to refuse).
std::string NormalizeDobroId(absl::string_view id);

// "Family Given Patronymic", the parts that are there (the record book, reminders).
std::string FullName(const v1::Volunteer& v);

class VolunteerService final : public api::AsyncServiceHost<v1::VolunteerService::AsyncService> {
 public:
  explicit VolunteerService(const server::ServiceDeps& deps);

  absl::Status Create(const api::Call& call, const v1::CreateVolunteerRequest& request,
                      v1::Volunteer* out);
  // ACTIVATE, PAUSE, RESUME or DEACTIVATE the volunteer `request` names.
  template <typename Request>
  absl::Status ChangeState(const api::Call& call, absl::string_view verb, const Request& request,
                           v1::Volunteer* out) {
    return ChangeState(call, verb, request.name(), request.etag(), request.reason(),
                       request.request_id(), request, out);
  }
  absl::Status ChangeState(const api::Call& call, absl::string_view verb, absl::string_view name,
                           absl::string_view etag, const std::string& reason,
                           absl::string_view request_id, const google::protobuf::Message& request,
                           v1::Volunteer* out);
  absl::Status Export(const api::Call& call, const v1::ExportVolunteerDataRequest& request,
                      v1::ExportVolunteerDataResponse* out);
  absl::Status Erase(const api::Call& call, const v1::EraseVolunteerRequest& request,
                     v1::Volunteer* out);
  // services/volunteer/import.cc
  absl::Status Import(const api::Call& call, const v1::ImportVolunteersRequest& request,
                      v1::ImportVolunteersResponse* out);

 private:
  storage::ConnectionPool& pool_;
  ResourceMethods<v1::Volunteer> volunteers_;
  ResourceMethods<v1::Consent> consents_;
  ResourceMethods<v1::VolunteerAgreement> agreements_;
  ResourceMethods<v1::Qualification> qualifications_;

  // A matched volunteer updated from an imported row (on_match UPDATE).
  absl::Status UpdateFromRow(WriteContext& ctx, const storage::ResourceKey& key,
                             const std::string& name, const v1::Volunteer& row,
                             const v1::Consent& consent, v1::ImportResult* result);
};

class ConsentService final : public api::AsyncServiceHost<v1::ConsentService::AsyncService> {
 public:
  explicit ConsentService(const server::ServiceDeps& deps);

  absl::Status Withdraw(const api::Call& call, const v1::WithdrawConsentRequest& request,
                        v1::Consent* out);
  absl::Status ListDue(const api::Call& call, const v1::ListDueDestructionsRequest& request,
                       v1::ListConsentsResponse* out);

 private:
  ResourceMethods<v1::Consent> consents_;
  ResourceMethods<v1::DestructionRecord> destructions_;
};

// Both services; the volunteer service's registration carries the destruction job.
server::ServiceRegistration VolunteerServiceRegistration();
server::ServiceRegistration ConsentServiceRegistration();

}  // namespace allies::services

#endif  // ALLIES_SERVICES_VOLUNTEER_VOLUNTEER_SERVICE_H_
