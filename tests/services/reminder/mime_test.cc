// The message format: encoded-word subjects (RFC 2047) that never split a UTF-8 character nor
// exceed 75 characters, quoted or encoded display names, a base64 UTF-8 body with CRLF lines of
// at most 76 characters, and headers that no value can break.
#include "services/reminder/mime.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace allies::services::reminders {
namespace {

// Decodes the encoded words of a header value back to its text.
std::string DecodeWords(const std::string& value) {
  std::string out;
  for (absl::string_view word : absl::StrSplit(value, "\r\n ")) {
    EXPECT_LE(word.size(), 75u) << word;
    EXPECT_TRUE(absl::ConsumePrefix(&word, "=?UTF-8?B?")) << word;
    EXPECT_TRUE(absl::ConsumeSuffix(&word, "?=")) << word;
    std::string bytes;
    EXPECT_TRUE(absl::Base64Unescape(word, &bytes));
    out += bytes;
  }
  return out;
}

bool ValidUtf8Pieces(const std::string& value) {
  for (absl::string_view word : absl::StrSplit(value, "\r\n ")) {
    absl::ConsumePrefix(&word, "=?UTF-8?B?");
    absl::ConsumeSuffix(&word, "?=");
    std::string bytes;
    if (!absl::Base64Unescape(word, &bytes)) return false;
    // No piece starts with a continuation byte or ends inside a sequence.
    if (!bytes.empty() && (static_cast<unsigned char>(bytes[0]) & 0xC0) == 0x80) return false;
    size_t i = bytes.size();
    int back = 0;
    while (i > 0 && (static_cast<unsigned char>(bytes[i - 1]) & 0xC0) == 0x80) --i, ++back;
    if (i > 0) {
      const unsigned char lead = static_cast<unsigned char>(bytes[i - 1]);
      const int need = lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : lead >= 0xC0 ? 1 : 0;
      if (need != back) return false;
    }
  }
  return true;
}

TEST(MimeTest, AsciiStaysPlain) {
  EXPECT_EQ(EncodeHeaderText("Shift reminder"), "Shift reminder");
  EXPECT_NE(EncodeHeaderText("looks =?like?= a word"), "looks =?like?= a word");
  EXPECT_EQ(DecodeWords(EncodeHeaderText("looks =?like?= a word")), "looks =?like?= a word");
}

TEST(MimeTest, CyrillicSubjectsAreEncodedWordsNeverSplittingACharacter) {
  const std::string subject =
      "Напоминание: смена «Громкие чтения „Ёжик в тумане“» 05.12.2026 в 10:00 — ждём вас! 📚";
  const std::string encoded = EncodeHeaderText(subject);
  EXPECT_TRUE(absl::StartsWith(encoded, "=?UTF-8?B?")) << encoded;
  EXPECT_TRUE(absl::StrContains(encoded, "\r\n ")) << "long: folded into several words";
  EXPECT_EQ(DecodeWords(encoded), subject);
  EXPECT_TRUE(ValidUtf8Pieces(encoded)) << encoded;
  // Every length around the word size, with 2-, 3- and 4-byte characters.
  for (const std::string unit : {"ё", "„", "📚"}) {
    std::string text;
    for (int n = 0; n < 40; ++n) {
      text += unit;
      const std::string e = EncodeHeaderText(text);
      EXPECT_EQ(DecodeWords(e), text);
      EXPECT_TRUE(ValidUtf8Pieces(e)) << e;
    }
  }
}

TEST(MimeTest, MessageHeadersAndBody) {
  Message m;
  m.from = "gorod@biblioteka.example.ru";
  m.from_name = "Центральная библиотека «Ёлочка»";
  m.to = "elka@example.ru";
  m.subject = "Соглашение № 7/2026-С заканчивается через 7 дней";
  m.body = std::string("Строка первая.\nСтрока вторая, длинная: ") + std::string(200, 'x') + "\n";
  m.message_id = "abc.city@biblioteka.example.ru";
  m.date = absl::FromUnixSeconds(1764547200);  // 2025-12-01 00:00:00 UTC
  m.reminder = "libraries/city/reminders/abc";
  const std::string text = FormatMessage(m);
  const std::vector<std::string> parts = absl::StrSplit(text, "\r\n\r\n");
  ASSERT_GE(parts.size(), 2u);
  const std::string& headers = parts[0];
  EXPECT_TRUE(absl::StrContains(headers, "Date: Mon, 01 Dec 2025 00:00:00 +0000\r\n")) << headers;
  EXPECT_TRUE(absl::StrContains(headers, "To: <elka@example.ru>\r\n"));
  EXPECT_TRUE(absl::StrContains(headers, "<gorod@biblioteka.example.ru>\r\n"));
  EXPECT_TRUE(absl::StrContains(headers, "From: =?UTF-8?B?"));
  EXPECT_TRUE(absl::StrContains(headers, "Message-ID: <abc.city@biblioteka.example.ru>\r\n"));
  EXPECT_TRUE(absl::StrContains(headers, "MIME-Version: 1.0\r\n"));
  EXPECT_TRUE(absl::StrContains(headers, "Content-Type: text/plain; charset=UTF-8\r\n"));
  EXPECT_TRUE(absl::StrContains(headers, "Content-Transfer-Encoding: base64"));
  // Every line ends in CRLF; body lines are at most 76 characters and decode to the text.
  EXPECT_EQ(text.find('\n'), text.find("\r\n") + 1);
  for (size_t at = 0; (at = text.find('\n', at + 1)) != std::string::npos;) {
    EXPECT_EQ(text[at - 1], '\r');
  }
  std::string body64;
  for (absl::string_view line : absl::StrSplit(parts[1], "\r\n", absl::SkipEmpty())) {
    EXPECT_LE(line.size(), 76u);
    body64 += std::string(line);
  }
  std::string body;
  ASSERT_TRUE(absl::Base64Unescape(body64, &body));
  EXPECT_EQ(body, std::string("Строка первая.\r\nСтрока вторая, длинная: ") +
                      std::string(200, 'x') + "\r\n");
}

TEST(MimeTest, NoValueBreaksTheHeaders) {
  Message m;
  m.from = "a@b.ru>\r\nBcc: <evil@x.ru";
  m.from_name = "Plain \"name\"\r\nBcc: evil@x.ru";
  m.to = "c@d.ru\r\nBcc: evil@x.ru";
  m.subject = "Hi\r\nBcc: evil@x.ru";
  m.date = absl::UnixEpoch();
  const std::string text = FormatMessage(m);
  for (absl::string_view line : absl::StrSplit(text, "\r\n")) {
    EXPECT_FALSE(absl::StartsWith(line, "Bcc:")) << text;
  }
}

}  // namespace
}  // namespace allies::services::reminders
