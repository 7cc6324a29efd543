// allies.v1.PartnerService: a library's social partners.
#ifndef ALLIES_SERVICES_PARTNER_PARTNER_SERVICE_H_
#define ALLIES_SERVICES_PARTNER_PARTNER_SERVICE_H_

#include "allies/v1/partner.grpc.pb.h"
#include "api/rpc.h"
#include "server/host.h"
#include "services/common/resource_methods.h"

namespace allies::services {

// The rules of a partner (validation, unique INN; its agreements in force keep it from being
// deleted without force, as their table declares).
ResourceRules<v1::Partner> PartnerRules();

class PartnerService final : public api::AsyncServiceHost<v1::PartnerService::AsyncService> {
 public:
  explicit PartnerService(const server::ServiceDeps& deps);

 private:
  ResourceMethods<v1::Partner> partners_;
};

server::ServiceRegistration PartnerServiceRegistration();

}  // namespace allies::services

#endif  // ALLIES_SERVICES_PARTNER_PARTNER_SERVICE_H_
