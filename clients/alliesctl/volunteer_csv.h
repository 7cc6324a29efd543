// `alliesctl volunteers import` and the CSV side of `alliesctl volunteers export`: a library's
// volunteers as a spreadsheet file (UTF-8 or Windows-1251, ';' or ','), read with libcsv and sent
// to VolunteerService.ImportVolunteers in batches, or written from ListVolunteers and the
// library's consents. The pure pieces are exposed for tests; the CSV writer, the bulk deadline
// and the progress line serve `alliesctl hours export` too.
#ifndef ALLIES_CLIENTS_ALLIESCTL_VOLUNTEER_CSV_H_
#define ALLIES_CLIENTS_ALLIESCTL_VOLUNTEER_CSV_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "allies/v1/consent.pb.h"
#include "allies/v1/volunteer.pb.h"
#include "clients/alliesctl/cli.h"
#include "clients/alliesctl/output.h"
#include "google/type/date.pb.h"
#include "grpcpp/client_context.h"

namespace allies::ctl {

// `volunteers import LIBRARY FILE.csv ...`.
Command VolunteerImportCommand();
// `volunteers export LIBRARY [--file OUT.csv]`: every live volunteer of the library as CSV.
int RunVolunteerCsvExport(Invocation& inv);

// ---- Long runs ----

// The deadline of one bulk call (an import batch, an export page): --timeout when given, else
// 300 seconds.
void PrepareBulkContext(const Invocation& inv, grpc::ClientContext* context);

// Progress of a long run on stderr, shown only when that is a terminal (never when it is a
// pipe, a file or a test's stream): "\r12000/100000 rows (12%) 3400 rows/s", or with an unknown
// total (0) "\r12000 rows so far, 3400 rows/s"; Done ends the line.
class RowProgress {
 public:
  RowProgress(Invocation& inv, size_t total);
  void Show(size_t done);
  void Done();

 private:
  std::ostream& err_;
  bool enabled_;
  size_t total_;
  std::chrono::steady_clock::time_point start_;
  bool shown_ = false;
};

// ---- Text encoding ----

enum class CsvEncoding { kAuto, kUtf8, kWindows1251 };

// "auto", "utf-8" (or "utf8"), "windows-1251" (or "cp1251"), case-insensitive.
absl::StatusOr<CsvEncoding> ParseCsvEncoding(absl::string_view value);

// Whether every byte of `bytes` belongs to a valid UTF-8 sequence (no overlong forms, no
// surrogates). `bad_offset`, when given, gets the offset of the first bad byte.
bool IsValidUtf8(absl::string_view bytes, size_t* bad_offset = nullptr);

// Windows-1251 bytes as UTF-8, converted with iconv; a byte it leaves undefined (0x98) becomes
// U+FFFD.
absl::StatusOr<std::string> Windows1251ToUtf8(absl::string_view bytes);

// The file's bytes as UTF-8 text, without a leading byte order mark. kAuto reads them as UTF-8
// when the whole file is valid UTF-8, else as Windows-1251; kUtf8 refuses invalid UTF-8
// (InvalidArgument naming the line); UTF-16 (a UTF-16 byte order mark) is InvalidArgument. `used`,
// when given, gets the encoding read.
absl::StatusOr<std::string> DecodeCsvBytes(absl::string_view bytes, CsvEncoding encoding,
                                           CsvEncoding* used = nullptr);

// ---- Reading CSV ----

// "auto" (nullopt), ";" or "semicolon", "," or "comma".
absl::StatusOr<std::optional<char>> ParseCsvDelimiter(absl::string_view value);

// ';' or ',', whichever the first line of `text` holds more of (';' on a tie).
char DetectCsvDelimiter(absl::string_view text);

// One record of a CSV file: the file's physical line where it starts (the first is 1) and its
// cells, unquoted, unquoted cells trimmed of spaces and tabs.
struct CsvRecord {
  int64_t line = 0;
  std::vector<std::string> cells;
};

struct CsvFile {
  std::vector<CsvRecord> records;
  // The line where a quoted cell starts that is never closed; that record is not in `records`
  // (everything after the quote would be one cell).
  std::optional<int64_t> unterminated_quote_line;
};

// Parses UTF-8 `text` with libcsv: quoted cells (with "" for a quote) may hold the delimiter and
// line breaks; records end at LF, CRLF or CR; blank lines are skipped.
CsvFile ParseCsv(absl::string_view text, char delimiter);

// ---- Columns ----

// The columns of the volunteers file, in the order export writes them.
enum class VolunteerColumn {
  kFamilyName,
  kGivenName,
  kPatronymic,
  kBirthDate,
  kEmail,
  kPhone,
  kCity,
  kSkills,
  kInterests,
  kLanguages,
  kDobroId,
  kPreferredChannel,
  kNotes,
  kConsentNumber,
  kConsentDate,
  kConsentValidUntil,
  kRepresentativeName,
  kRepresentativeRelation,
  kRepresentativeDocument,
};

struct VolunteerColumnInfo {
  VolunteerColumn column;
  std::string name;                  // "family_name": what export writes.
  std::vector<std::string> aliases;  // "Фамилия", ...
  bool required = false;             // The header must have it.
  bool list = false;                 // Several values in a cell.
};

// Every column, in export order.
const std::vector<VolunteerColumnInfo>& VolunteerCsvColumns();

// A header cell folded for matching: lowercase (Latin and Cyrillic), ё as е, without spaces,
// '-', '_' and '.' ("Эл. почта" -> "элпочта", "E-mail" -> "email", "family_name" -> "familyname").
std::string FoldCsvHeader(absl::string_view cell);

// The header row mapped to columns, by position (nullopt for an untitled column, whose cells
// are ignored), and the header's own text of each.
struct VolunteerCsvHeader {
  std::vector<std::optional<VolunteerColumn>> columns;
  std::vector<std::string> titles;
};

// InvalidArgument (a usage error) for an unknown or repeated column, or a required one missing;
// the message lists the known columns.
absl::StatusOr<VolunteerCsvHeader> MapVolunteerCsvHeader(const std::vector<std::string>& cells);

// ---- Cells ----

// The values of a list cell: separated by '|', and by ',' too when the file's delimiter is ';';
// each trimmed, empty ones dropped.
std::vector<std::string> SplitCsvList(absl::string_view cell, char delimiter);

// A date written YYYY-MM-DD or DD.MM.YYYY (D.M.YYYY too); InvalidArgument saying what is wrong.
absl::StatusOr<google::type::Date> ParseCsvDate(absl::string_view cell);

// A record as a row of ImportVolunteersRequest (line, volunteer, consent: the number, the day
// given as 00:00 UTC, data categories ФИО, дата рождения, контактные данные, purpose
// VOLUNTEER_WORK), or, when a cell cannot be read or the number of cells is not the header's, a
// FAILED result (reason INVALID_ROW) naming each bad column: such a row is not sent.
struct BuiltImportRow {
  std::optional<allies::v1::ImportedVolunteer> row;
  allies::v1::ImportResult failure;
};
BuiltImportRow BuildImportRow(const VolunteerCsvHeader& header, const CsvRecord& record,
                              char delimiter);

// ---- Import results ----

// Adds `batch` (a response, or the client's own results) to `total`: results appended, counts
// summed.
void MergeImportResponse(const allies::v1::ImportVolunteersResponse& batch,
                         allies::v1::ImportVolunteersResponse* total);

// One row per result that is not CREATED or UNCHANGED: LINE, OUTCOME, VOLUNTEER, REASON and
// MESSAGE ("field: description; ..." of its errors, else its message).
Table ImportResultsTable(const allies::v1::ImportVolunteersResponse& response);

// "created=N updated=N unchanged=N duplicates=N failed=N", with " (dry run)".
std::string ImportSummary(const allies::v1::ImportVolunteersResponse& response, bool dry_run);

// The rows of a request cut where either `max_rows` rows or about `max_bytes` of encoded rows
// are reached (a row larger than max_bytes goes alone): [begin, end) index pairs.
std::vector<std::pair<size_t, size_t>> PlanImportBatches(const std::vector<size_t>& row_bytes,
                                                         size_t max_rows, size_t max_bytes);

// ---- Writing CSV ----

// `value` as one CSV cell (RFC 4180): in double quotes, with quotes doubled, when it holds the
// delimiter, a quote, a line break, or leading or trailing spaces or tabs.
std::string CsvCell(absl::string_view value, char delimiter);

// A CSV line of `cells` (CRLF-terminated).
std::string CsvLine(const std::vector<std::string>& cells, char delimiter);

// The volunteer's ACTIVE consent covering VOLUNTEER_WORK given last, from `consents` (any
// subjects), or null.
const allies::v1::Consent* LatestWorkConsent(
    const std::vector<const allies::v1::Consent*>& consents);

// The cells of a volunteer in VolunteerCsvColumns() order, with its consent's number, day given
// (UTC), valid_until and representative (when `consent` is not null). Lists are joined with "|".
std::vector<std::string> VolunteerCsvCells(const allies::v1::Volunteer& volunteer,
                                           const allies::v1::Consent* consent);

}  // namespace allies::ctl

#endif  // ALLIES_CLIENTS_ALLIESCTL_VOLUNTEER_CSV_H_
