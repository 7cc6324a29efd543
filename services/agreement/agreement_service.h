// allies.v1.AgreementService: agreements with partners and their lifecycle.
#ifndef ALLIES_SERVICES_AGREEMENT_AGREEMENT_SERVICE_H_
#define ALLIES_SERVICES_AGREEMENT_AGREEMENT_SERVICE_H_

#include "allies/v1/agreement.grpc.pb.h"
#include "api/rpc.h"
#include "server/host.h"
#include "services/common/resource_methods.h"

namespace allies::services {

ResourceRules<v1::Agreement> AgreementRules();

class AgreementService final : public api::AsyncServiceHost<v1::AgreementService::AsyncService> {
 public:
  explicit AgreementService(const server::ServiceDeps& deps);

  absl::Status Activate(const api::Call& call, const v1::ActivateAgreementRequest& request,
                        v1::Agreement* out);
  absl::Status Suspend(const api::Call& call, const v1::SuspendAgreementRequest& request,
                       v1::Agreement* out);
  absl::Status Resume(const api::Call& call, const v1::ResumeAgreementRequest& request,
                      v1::Agreement* out);
  absl::Status Terminate(const api::Call& call, const v1::TerminateAgreementRequest& request,
                         v1::Agreement* out);
  absl::Status Renew(const api::Call& call, const v1::RenewAgreementRequest& request,
                     v1::Agreement* out);
  absl::Status ListExpiring(const api::Call& call, const v1::ListExpiringAgreementsRequest& request,
                            v1::ListExpiringAgreementsResponse* out);

 private:
  ResourceMethods<v1::Agreement> agreements_;
};

server::ServiceRegistration AgreementServiceRegistration();

}  // namespace allies::services

#endif  // ALLIES_SERVICES_AGREEMENT_AGREEMENT_SERVICE_H_
