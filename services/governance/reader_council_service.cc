// allies.v1.ReaderCouncilService: the governance core over the reader councils' tables.
#include "allies/v1/reader_council.grpc.pb.h"
#include "services/governance/governance_service.h"
#include "storage/governance_tables.h"

namespace allies::services::governance {
namespace {

struct ReaderCouncils {
  using Service = v1::ReaderCouncilService;
  using Body = v1::ReaderCouncil;
  using Async = Service::AsyncService;
  static constexpr auto kGet = &Async::RequestGetReaderCouncil;
  static constexpr auto kList = &Async::RequestListReaderCouncils;
  static constexpr auto kCreate = &Async::RequestCreateReaderCouncil;
  static constexpr auto kUpdate = &Async::RequestUpdateReaderCouncil;
  static constexpr auto kDelete = &Async::RequestDeleteReaderCouncil;
  static constexpr auto kUndelete = &Async::RequestUndeleteReaderCouncil;
  static constexpr char kField[] = "reader_council";
  static constexpr char kListMethod[] = "ListReaderCouncils";

  static const storage::GovernanceTables& Tables() { return storage::ReaderCouncilTables(); }
  static v1::GovernanceRules::Preset PresetOf(const Body&) {
    return v1::GovernanceRules::READER_COUNCIL;
  }
  static void Defaults(Body&) {}
  static std::vector<std::string> ExtraFields() { return {}; }
  template <typename Request>
  static const Body& BodyOf(const Request& r) {
    return r.reader_council();
  }
  static const std::string& IdOf(const v1::CreateReaderCouncilRequest& r) {
    return r.reader_council_id();
  }
  static auto* Items(v1::ListReaderCouncilsResponse* out) { return out->mutable_reader_councils(); }
};

}  // namespace

server::ServiceRegistration ReaderCouncilServiceRegistration() {
  return {v1::ReaderCouncilService::service_full_name(), [](const server::ServiceDeps& deps) {
            return std::make_unique<GovernanceService<ReaderCouncils>>(deps);
          }};
}

}  // namespace allies::services::governance
