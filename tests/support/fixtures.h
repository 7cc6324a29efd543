// Set-up calls that many end-to-end tests share: libraries and partners made through the API.
#ifndef ALLIES_TESTS_SUPPORT_FIXTURES_H_
#define ALLIES_TESTS_SUPPORT_FIXTURES_H_

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "allies/v1/activity.grpc.pb.h"
#include "allies/v1/agreement.grpc.pb.h"
#include "allies/v1/consent.grpc.pb.h"
#include "allies/v1/contact.grpc.pb.h"
#include "allies/v1/library.grpc.pb.h"
#include "allies/v1/partner.grpc.pb.h"
#include "allies/v1/project.grpc.pb.h"
#include "allies/v1/volunteer.grpc.pb.h"
#include "storage/db_config.h"
#include "tests/support/test_server.h"

namespace allies::testing {

// Creates "libraries/<id>" (a BRANCH with a Cyrillic name) under `parent` ("" for a root).
grpc::Status CreateLibrary(v1::LibraryService::Stub& stub, const std::string& id,
                           const std::string& parent = "");

// Creates a BUSINESS partner "libraries/<library>/partners/<id>"; returns its name ("" and a
// test failure when the call fails).
std::string CreatePartner(v1::PartnerService::Stub& stub, const std::string& library,
                          const std::string& id);

// The date `years` ago from today (UTC), moved `days_later` days on (29 February: the 28th).
google::type::Date YearsAgo(int years, int days_later = 0);
// A volunteer of `age` with a Cyrillic name, and consents to go with it: covering `purposes`,
// and the same given by a parent (for a minor).
v1::Volunteer Person(const std::string& family, const std::string& given, int age = 30);
v1::Consent WorkConsent(std::vector<v1::Consent::Purpose> purposes = {v1::Consent::VOLUNTEER_WORK});
v1::Consent ByParent(v1::Consent c);

// Sends the request of `method` that carries only a name (Get, Delete, Undelete, Activate, ...)
// to `name`; the response goes to *out when given. Requests that need more are built by hand.
template <typename Stub, typename Request, typename Response>
grpc::Status CallByName(Stub& stub,
                        grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                                     Response*),
                        const std::string& name, Response* out = nullptr) {
  Request request;
  request.set_name(name);
  Response ignored;
  grpc::ClientContext context;
  return (stub.*method)(&context, request, out != nullptr ? out : &ignored);
}

// The set-up the service tests of resources under a library share: a server over a fresh
// schema, and a stub of every service they call.
class ServiceTest : public ::testing::Test {
 protected:
  void SetUp() override;

  // The SYSTEM entries about `resource` (in any library), oldest first.
  std::vector<v1::Activity> SystemEntries(const std::string& resource);
  // Their verbs.
  std::vector<std::string> SystemVerbs(const std::string& resource);
  // "table.column" of every text, JSON or binary column of the schema that holds `value`
  // (found in information_schema, so a new table is scanned too).
  std::vector<std::string> ColumnsHolding(const std::string& value);

  storage::DbConfig db_;
  std::unique_ptr<TestServer> server_;
  std::unique_ptr<v1::LibraryService::Stub> libraries_;
  std::unique_ptr<v1::PartnerService::Stub> partners_;
  std::unique_ptr<v1::ContactService::Stub> contacts_;
  std::unique_ptr<v1::AgreementService::Stub> agreements_;
  std::unique_ptr<v1::ActivityLogService::Stub> activities_;
  std::unique_ptr<v1::VolunteerService::Stub> volunteers_;
  std::unique_ptr<v1::ConsentService::Stub> consents_;
  std::unique_ptr<v1::ProjectService::Stub> projects_;
};

}  // namespace allies::testing

#endif  // ALLIES_TESTS_SUPPORT_FIXTURES_H_
