#include "api/contact_points.h"

#include <gtest/gtest.h>

namespace allies::api {
namespace {

TEST(ContactPointsTest, NormalizesEmailsAndPhones) {
  EXPECT_EQ(NormalizeEmail("  Ivanov@Example.RU "), "ivanov@example.ru");
  EXPECT_EQ(NormalizePhone("8 (495) 123-45-67"), "+74951234567");
  EXPECT_EQ(NormalizePhone("+7 (817) 272.00.00"), "+78172720000");
  EXPECT_EQ(NormalizePhone("900 111 22 33"), "+79001112233");
  EXPECT_EQ(NormalizePhone("+44 20 7946 0958"), "+442079460958");
  EXPECT_EQ(NormalizePhone("доб. 12"), "доб. 12");  // not a number: left for CheckPhone
  EXPECT_EQ(NormalizePhone(""), "");
}

TEST(ContactPointsTest, ChecksEmailsAndPhones) {
  FieldViolations ok;
  CheckEmail(ok, "e", "a.b@library.ru");
  CheckEmail(ok, "e", "");
  CheckPhone(ok, "p", "+74951234567");
  CheckPhone(ok, "p", "");
  EXPECT_TRUE(ok.empty());
  for (const char* bad : {"plain", "@x.ru", "a@b", "a@@b.ru", "a b@c.ru", "a@b.ru.", "a@.ru",
                          "a\x1f"
                          "b@x.ru"}) {
    FieldViolations v;
    CheckEmail(v, "e", bad);
    EXPECT_FALSE(v.empty()) << bad;
  }
  for (const char* bad : {"+1", "74951234567", "+7495123456789012", "+7495abc4567"}) {
    FieldViolations v;
    CheckPhone(v, "p", bad);
    EXPECT_FALSE(v.empty()) << bad;
  }
}

TEST(ContactPointsTest, FoldsNamesForComparison) {
  EXPECT_EQ(FoldName("  Алёна   ИВАНОВА "), "алена иванова");
  EXPECT_EQ(FoldName("ЁЛКИН"), "елкин");
  EXPECT_EQ(FoldName("John  SMITH"), "john smith");
  EXPECT_EQ(FoldName(""), "");
}

TEST(ContactPointsTest, ErasesNamesInAnyFormAndExactValues) {
  const std::string text =
      "Встреча с Евлампией Зябликовой (ЗЯБЛИКОВА Е. Ф.), тел. +79117654321, "
      "почта evlampia@x.ru; Ферапонтовне привет. Зяблик поёт.";
  const std::string erased = ErasePersonalText(text, {"Зябликова", "Евлампия", "Ферапонтовна"},
                                               {"+79117654321", "evlampia@x.ru"}, "[x]");
  EXPECT_EQ(erased, "Встреча с [x] [x] ([x] Е. Ф.), тел. [x], почта [x]; [x] привет. Зяблик поёт.");
  // Phones however written, e-mails in any case; other numbers stay.
  EXPECT_EQ(ErasePersonalText("8 (911) 765-43-21, 9117654321 или 7 911 765 43 22; EVLAMPIA@X.RU",
                              {}, {"+79117654321", "evlampia@x.ru"}, "[x]"),
            "[x], [x] или 7 911 765 43 22; [x]");
  // Fleeting vowels, hyphenated and accented names, and short names as whole words only.
  EXPECT_EQ(ErasePersonalText(
                "У Павла и Льва Орлова; Салтыкову-Щедрину; Müllers; Ян, Яна, Янтарь; д’Артаньяна",
                {"Павел", "Лев Орлов", "Салтыков-Щедрин", "Müller", "Ян", "д’Артаньян"}, {}, "[x]"),
            "У [x] и [x] [x]; [x]-[x]; [x]; [x], Яна, Янтарь; [x]’[x]");
  EXPECT_EQ(ErasePersonalText("Ия и Ян", {}, {}, "[x]"), "Ия и Ян");
  EXPECT_EQ(ErasePersonalText("", {"Иванов"}, {"1"}, "[x]"), "");
}

}  // namespace
}  // namespace allies::api
