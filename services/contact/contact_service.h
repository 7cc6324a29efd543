// allies.v1.ContactService: the people a library deals with, as personal data (152-FZ).
#ifndef ALLIES_SERVICES_CONTACT_CONTACT_SERVICE_H_
#define ALLIES_SERVICES_CONTACT_CONTACT_SERVICE_H_

#include "allies/v1/contact.grpc.pb.h"
#include "api/rpc.h"
#include "server/host.h"
#include "services/common/resource_methods.h"

namespace allies::services {

ResourceRules<v1::Contact> ContactRules();

// Groups of likely duplicates among `contacts` (any order): contacts sharing an e-mail, a phone
// or a folded full name are joined, transitively. Groups of two or more, each in name order, with
// the reasons that joined them; the groups ordered by their first name.
std::vector<v1::DuplicateGroup> GroupDuplicates(const std::vector<v1::Contact>& contacts);

class ContactService final : public api::AsyncServiceHost<v1::ContactService::AsyncService> {
 public:
  explicit ContactService(const server::ServiceDeps& deps);

  absl::Status FindDuplicates(const api::Call& call,
                              const v1::FindDuplicateContactsRequest& request,
                              v1::FindDuplicateContactsResponse* out);
  absl::Status Merge(const api::Call& call, const v1::MergeContactsRequest& request,
                     v1::Contact* out);
  absl::Status Export(const api::Call& call, const v1::ExportContactDataRequest& request,
                      v1::ExportContactDataResponse* out);
  absl::Status Erase(const api::Call& call, const v1::EraseContactRequest& request,
                     v1::Contact* out);

 private:
  storage::ConnectionPool& pool_;
  ResourceMethods<v1::Contact> contacts_;
};

server::ServiceRegistration ContactServiceRegistration();

}  // namespace allies::services

#endif  // ALLIES_SERVICES_CONTACT_CONTACT_SERVICE_H_
