// alliesctl's views of a network review (clients/alliesctl/review_render): values as people read
// them, user text escaped in the HTML page, a CSV row per figure with a column per library, and
// bars that stay empty for a negative month.
#include "clients/alliesctl/review_render.h"

#include <gtest/gtest.h>

#include "absl/strings/match.h"

namespace allies::ctl {
namespace {

v1::NetworkReview Review() {
  v1::NetworkReview r;
  r.set_parent("libraries/oblast");
  r.set_display_name("<b>Библиотека & «Ёлка»</b>\"");
  r.mutable_start_date()->set_year(2025);
  r.mutable_start_date()->set_month(1);
  r.mutable_start_date()->set_day(1);
  *r.mutable_end_date() = r.start_date();
  r.mutable_end_date()->set_month(12);
  r.mutable_end_date()->set_day(31);
  *r.mutable_at_date() = r.end_date();
  r.set_library_count(2);
  v1::Figure* f = r.add_figures();
  f->set_key("partners.total");
  f->set_label("Партнёры на конец периода");
  f->set_count(3);
  f->set_query("partners@1");
  f = r.add_figures();
  f->set_key("agreements.value_signed.RUB");
  f->set_label("Сумма <script>");
  f->mutable_money()->set_currency_code("RUB");
  f->mutable_money()->set_units(150000);
  f->mutable_money()->set_nanos(500000000);
  f = r.add_figures();
  f->set_key("hours.by_month.2025-03");
  f->set_label("Подтверждённое время по месяцам: 2025-03");
  f->set_count(-30);
  f = r.add_figures();
  f->set_key("hours.by_month.2025-04");
  f->set_label("Подтверждённое время по месяцам: 2025-04");
  f->set_count(90);
  f = r.add_figures();
  f->set_key("signups.no_show_rate");
  f->set_label("Доля неявок");
  f->set_ratio(0.2);
  v1::LibraryFigures* e = r.add_libraries();
  e->set_library("libraries/oblast");
  e->set_display_name("Область");
  e->set_extent(v1::LibraryFigures::OWN);
  e->set_library_count(1);
  v1::Figure* own = e->add_figures();
  own->set_key("partners.total");
  own->set_count(1);
  e = r.add_libraries();
  e->set_library("libraries/cbs");
  e->set_display_name("ЦБС");
  e->set_extent(v1::LibraryFigures::SUBTREE);
  e->set_library_count(2);
  v1::Figure* child = e->add_figures();
  child->set_key("partners.total");
  child->set_count(2);
  return r;
}

TEST(ReviewRenderTest, ValuesReadAsPeopleWriteThem) {
  v1::Figure money;
  money.mutable_money()->set_currency_code("RUB");
  money.mutable_money()->set_units(150000);
  money.mutable_money()->set_nanos(500000000);
  EXPECT_EQ(FigureValue(money), "150000.50 RUB");
  money.mutable_money()->set_nanos(5);
  EXPECT_EQ(FigureValue(money), "150000.000000005 RUB");
  v1::Figure ratio;
  ratio.set_ratio(0.125);
  EXPECT_EQ(FigureValue(ratio), "12.5%");
  EXPECT_EQ(FigureValue(v1::Figure()), "—") << "a rate with nothing to divide by";
}

TEST(ReviewRenderTest, HtmlEscapesWhatUsersWrote) {
  const std::string html = ReviewHtml(Review(), "Обзор за 2025 год");
  EXPECT_FALSE(absl::StrContains(html, "<b>Библиотека")) << html;
  EXPECT_FALSE(absl::StrContains(html, "<script>"));
  EXPECT_TRUE(absl::StrContains(html, "&lt;b&gt;Библиотека &amp; «Ёлка»&lt;/b&gt;&quot;"));
  EXPECT_TRUE(absl::StrContains(html, "data-key=\"partners.total\">3<"));
  EXPECT_TRUE(absl::StrContains(html, "150000.50 RUB"));
  EXPECT_TRUE(absl::StrContains(html, "1.5 ч")) << "90 minutes";
  EXPECT_FALSE(absl::StrContains(html, "width=\"-")) << "a negative month draws an empty bar";
  EXPECT_FALSE(absl::StrContains(html, " src=")) << "nothing is loaded from elsewhere";
  EXPECT_TRUE(absl::StrContains(html, "<td>ЦБС (2 библ.)</td>"));
}

TEST(ReviewRenderTest, CsvHasARowPerFigureAndAColumnPerLibrary) {
  // RFC 4180 lines (CRLF), as every CSV alliesctl writes.
  const std::string csv = ReviewCsv(Review());
  EXPECT_TRUE(absl::StartsWith(csv,
                               "section,key,label,query,whole,Область (только собственные "
                               "данные),ЦБС (2 библ.)\r\n"))
      << csv;
  EXPECT_TRUE(absl::StrContains(csv,
                                "partners,partners.total,Партнёры на конец периода,"
                                "partners@1,3,1,2\r\n"))
      << csv;
  EXPECT_TRUE(absl::StrContains(csv, "signups,signups.no_show_rate,Доля неявок,,20.0%,,\r\n"))
      << csv;
}

}  // namespace
}  // namespace allies::ctl
