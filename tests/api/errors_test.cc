#include "api/errors.h"

#include <gtest/gtest.h>

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace allies::api {
namespace {

google::rpc::Status Details(const grpc::Status& status) {
  google::rpc::Status proto;
  EXPECT_TRUE(proto.ParseFromString(status.error_details()));
  return proto;
}

TEST(ErrorsTest, FieldViolationsBecomeBadRequestAndErrorInfo) {
  FieldViolations v;
  v.Add("library.display_name", "is required");
  v.Add("library.kind", "is required");
  grpc::Status status = ToGrpcStatus(v.ToStatus());
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  google::rpc::Status proto = Details(status);
  EXPECT_EQ(proto.code(), 3);
  bool saw_bad_request = false, saw_info = false;
  for (const auto& any : proto.details()) {
    google::rpc::BadRequest bad;
    google::rpc::ErrorInfo info;
    if (any.UnpackTo(&bad)) {
      saw_bad_request = true;
      ASSERT_EQ(bad.field_violations_size(), 2);
      EXPECT_EQ(bad.field_violations(0).field(), "library.display_name");
      EXPECT_EQ(bad.field_violations(1).description(), "is required");
    } else if (any.UnpackTo(&info)) {
      saw_info = true;
      EXPECT_EQ(info.reason(), "INVALID_ARGUMENT");
      EXPECT_EQ(info.domain(), "allies.v1");
    }
  }
  EXPECT_TRUE(saw_bad_request);
  EXPECT_TRUE(saw_info);
}

TEST(ErrorsTest, NoViolationsIsOk) { EXPECT_TRUE(FieldViolations().ToStatus().ok()); }

TEST(ErrorsTest, ErrorCarriesReasonAndMetadata) {
  absl::Status status = Error(absl::StatusCode::kNotFound, "RESOURCE_NOT_FOUND",
                              "libraries/x does not exist", {{"resource", "libraries/x"}});
  EXPECT_EQ(ErrorReason(status), "RESOURCE_NOT_FOUND");
  google::rpc::Status proto = Details(ToGrpcStatus(status));
  ASSERT_EQ(proto.details_size(), 1);
  google::rpc::ErrorInfo info;
  ASSERT_TRUE(proto.details(0).UnpackTo(&info));
  EXPECT_EQ(info.metadata().at("resource"), "libraries/x");
  EXPECT_EQ(proto.message(), "libraries/x does not exist");
}

TEST(ErrorsTest, PlainStatusGetsReasonFromCode) {
  google::rpc::Status proto = Details(ToGrpcStatus(absl::UnavailableError("db down")));
  ASSERT_EQ(proto.details_size(), 1);
  google::rpc::ErrorInfo info;
  ASSERT_TRUE(proto.details(0).UnpackTo(&info));
  EXPECT_EQ(info.reason(), "UNAVAILABLE");
}

TEST(ErrorsTest, InternalPayloadsStayInside) {
  absl::Status status = Error(absl::StatusCode::kAborted, "TRANSACTION_CONFLICT", "retry");
  status.SetPayload("allies.storage/retryable", absl::Cord("1"));
  google::rpc::Status proto = Details(ToGrpcStatus(status));
  ASSERT_EQ(proto.details_size(), 1);
  EXPECT_EQ(proto.details(0).type_url(), "type.googleapis.com/google.rpc.ErrorInfo");
}

TEST(ErrorsTest, QuoteBoundsUserTextAtCharacterBoundaries) {
  EXPECT_EQ(Quote("abc"), "\"abc\"");
  EXPECT_EQ(Quote(""), "\"\"");
  std::string cyrillic;
  for (int i = 0; i < 100; ++i) cyrillic += "ё";
  std::string quoted = Quote(cyrillic);
  std::string expected = "\"";
  for (int i = 0; i < 64; ++i) expected += "ё";
  expected += "…\"";
  EXPECT_EQ(quoted, expected);
  EXPECT_EQ(Quote(std::string(64, 'x')), "\"" + std::string(64, 'x') + "\"");
}

TEST(ErrorsTest, OkStaysOk) { EXPECT_TRUE(ToGrpcStatus(absl::OkStatus()).ok()); }

TEST(FieldViolationsTest, AddFromTakesTheViolationsOfAnotherStatus) {
  FieldViolations inner;
  inner.Add("agreement.partner", "is malformed");
  FieldViolations outer;
  outer.AddFrom(inner.ToStatus(), "ignored");
  outer.AddFrom(absl::InvalidArgumentError("plain"), "parent");
  outer.AddFrom(absl::OkStatus(), "nothing");
  const absl::Status status = outer.ToStatus();
  EXPECT_EQ(status.message(), "agreement.partner: is malformed; parent: plain");
}

}  // namespace
}  // namespace allies::api
