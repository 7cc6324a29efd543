#include "tests/support/fixtures.h"

#include <gtest/gtest.h>

namespace allies::testing {

grpc::Status CreateLibrary(v1::LibraryService::Stub& stub, const std::string& id,
                           const std::string& parent) {
  v1::CreateLibraryRequest request;
  request.set_library_id(id);
  request.mutable_library()->set_display_name("Библиотека " + id);
  request.mutable_library()->set_kind(v1::Library::BRANCH);
  request.mutable_library()->set_parent(parent);
  v1::Library out;
  grpc::ClientContext context;
  return stub.CreateLibrary(&context, request, &out);
}

std::string CreatePartner(v1::PartnerService::Stub& stub, const std::string& library,
                          const std::string& id) {
  v1::CreatePartnerRequest request;
  request.set_parent("libraries/" + library);
  request.set_partner_id(id);
  request.mutable_partner()->set_display_name("Партнёр " + id);
  request.mutable_partner()->set_kind(v1::Partner::BUSINESS);
  v1::Partner out;
  grpc::ClientContext context;
  grpc::Status status = stub.CreatePartner(&context, request, &out);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return out.name();
}

}  // namespace allies::testing
