#include "api/fields.h"

#include <gtest/gtest.h>

#include "allies/v1/partner.pb.h"

namespace allies::api {
namespace {

using v1::Partner;

const std::vector<std::string> kMutable = {"display_name", "tags", "kind", "notes"};

google::protobuf::FieldMask Mask(std::initializer_list<const char*> paths) {
  google::protobuf::FieldMask mask;
  for (const char* p : paths) mask.add_paths(p);
  return mask;
}

TEST(FieldsTest, ResolvesUpdateMasks) {
  auto fields =
      ResolveUpdateMask(Mask({"tags", "display_name", "tags"}), kMutable, Partner::descriptor());
  ASSERT_TRUE(fields.ok());
  EXPECT_EQ(*fields, (std::vector<std::string>{"tags", "display_name"}));
  EXPECT_EQ(*ResolveUpdateMask(Mask({"*"}), kMutable, Partner::descriptor()), kMutable);
  for (auto mask : {Mask({}), Mask({"etag"}), Mask({"colour"}), Mask({"tags", "name"})}) {
    auto bad = ResolveUpdateMask(mask, kMutable, Partner::descriptor());
    EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument) << mask.DebugString();
  }
  EXPECT_NE(ResolveUpdateMask(Mask({"etag"}), kMutable, Partner::descriptor())
                .status()
                .message()
                .find("cannot be changed"),
            absl::string_view::npos);
}

TEST(FieldsTest, CopiesAndDiffsNamedFieldsOnly) {
  Partner from;
  from.set_display_name("Дом книги");
  from.add_tags("книги");
  from.set_notes("не копировать");
  Partner to;
  to.set_display_name("Старое");
  to.add_tags("старый");
  to.add_tags("ещё");
  to.set_kind(Partner::MEDIA);
  const Partner before = to;
  CopyFields(from, {"display_name", "tags"}, &to);
  EXPECT_EQ(to.display_name(), "Дом книги");
  ASSERT_EQ(to.tags_size(), 1);
  EXPECT_EQ(to.tags(0), "книги");
  EXPECT_EQ(to.kind(), Partner::MEDIA);
  EXPECT_EQ(to.notes(), "");
  EXPECT_EQ(from.notes(), "не копировать");  // the source is untouched
  EXPECT_EQ(ChangedFields(before, to, kMutable),
            (std::vector<std::string>{"display_name", "tags"}));
  EXPECT_TRUE(ChangedFields(to, to, kMutable).empty());
  // Clearing a field is a change too.
  Partner cleared = to;
  CopyFields(Partner(), {"kind"}, &cleared);
  EXPECT_EQ(ChangedFields(to, cleared, kMutable), (std::vector<std::string>{"kind"}));
}

}  // namespace
}  // namespace allies::api
