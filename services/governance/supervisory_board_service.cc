// allies.v1.SupervisoryBoardService: the governance core over the supervisory and trustee
// boards' tables; a board's kind picks its default rules.
#include "allies/v1/supervisory_board.grpc.pb.h"
#include "services/governance/governance_service.h"
#include "storage/governance_tables.h"

namespace allies::services::governance {
namespace {

struct SupervisoryBoards {
  using Service = v1::SupervisoryBoardService;
  using Body = v1::SupervisoryBoard;
  using Async = Service::AsyncService;
  static constexpr auto kGet = &Async::RequestGetSupervisoryBoard;
  static constexpr auto kList = &Async::RequestListSupervisoryBoards;
  static constexpr auto kCreate = &Async::RequestCreateSupervisoryBoard;
  static constexpr auto kUpdate = &Async::RequestUpdateSupervisoryBoard;
  static constexpr auto kDelete = &Async::RequestDeleteSupervisoryBoard;
  static constexpr auto kUndelete = &Async::RequestUndeleteSupervisoryBoard;
  static constexpr char kField[] = "supervisory_board";
  static constexpr char kListMethod[] = "ListSupervisoryBoards";

  static const storage::GovernanceTables& Tables() { return storage::SupervisoryBoardTables(); }
  static v1::GovernanceRules::Preset PresetOf(const Body& b) {
    return b.kind() == Body::TRUSTEE ? v1::GovernanceRules::TRUSTEE
                                     : v1::GovernanceRules::SUPERVISORY_174FZ;
  }
  static void Defaults(Body& b) {
    if (b.kind() == Body::KIND_UNSPECIFIED) b.set_kind(Body::SUPERVISORY);
  }
  static std::vector<std::string> ExtraFields() { return {"kind"}; }
  template <typename Request>
  static const Body& BodyOf(const Request& r) {
    return r.supervisory_board();
  }
  static const std::string& IdOf(const v1::CreateSupervisoryBoardRequest& r) {
    return r.supervisory_board_id();
  }
  static auto* Items(v1::ListSupervisoryBoardsResponse* out) {
    return out->mutable_supervisory_boards();
  }
};

}  // namespace

server::ServiceRegistration SupervisoryBoardServiceRegistration() {
  return {v1::SupervisoryBoardService::service_full_name(), [](const server::ServiceDeps& deps) {
            return std::make_unique<GovernanceService<SupervisoryBoards>>(deps);
          }};
}

}  // namespace allies::services::governance
