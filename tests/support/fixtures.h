// Set-up calls that many end-to-end tests share: libraries and partners made through the API.
#ifndef ALLIES_TESTS_SUPPORT_FIXTURES_H_
#define ALLIES_TESTS_SUPPORT_FIXTURES_H_

#include <grpcpp/grpcpp.h>

#include <string>

#include "allies/v1/library.grpc.pb.h"
#include "allies/v1/partner.grpc.pb.h"

namespace allies::testing {

// Creates "libraries/<id>" (a BRANCH with a Cyrillic name) under `parent` ("" for a root).
grpc::Status CreateLibrary(v1::LibraryService::Stub& stub, const std::string& id,
                           const std::string& parent = "");

// Creates a BUSINESS partner "libraries/<library>/partners/<id>"; returns its name ("" and a
// test failure when the call fails).
std::string CreatePartner(v1::PartnerService::Stub& stub, const std::string& library,
                          const std::string& id);

}  // namespace allies::testing

#endif  // ALLIES_TESTS_SUPPORT_FIXTURES_H_
