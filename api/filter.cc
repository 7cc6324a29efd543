#include "api/filter.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "api/errors.h"
#include "api/names.h"
#include "api/utf8.h"

namespace allies::api {
namespace {

constexpr size_t kMaxFilterBytes = 8192;
constexpr int kMaxDepth = 32;
constexpr int kMaxComparisons = 200;

enum class Tok { kEnd, kLParen, kRParen, kComparator, kString, kNumber, kWord, kMinus };

struct Token {
  Tok type = Tok::kEnd;
  std::string text;  // unescaped for strings
  Comparator comparator = Comparator::kEq;
  size_t position = 0;  // 1-based character position
};

absl::Status FilterError(size_t position, absl::string_view message,
                         absl::string_view field_name = "") {
  std::string description = absl::StrCat("position ", position, ": ", message);
  std::vector<std::pair<std::string, std::string>> metadata = {
      {"position", absl::StrCat(position)}};
  if (!field_name.empty()) metadata.emplace_back("field", ToValidUtf8(field_name));
  absl::Status status = Error(absl::StatusCode::kInvalidArgument, "INVALID_FILTER",
                              absl::StrCat("filter: ", description), metadata);
  FieldViolations violations;
  violations.Add("filter", description);
  // Keep the ErrorInfo above (with position and field); add the BadRequest detail.
  absl::Status with_details = violations.ToStatus("INVALID_FILTER");
  with_details.ForEachPayload([&](absl::string_view type_url, const absl::Cord& payload) {
    if (absl::EndsWith(type_url, "BadRequest")) status.SetPayload(type_url, payload);
  });
  return status;
}

bool IsWordByte(unsigned char c) {
  return absl::ascii_isalnum(c) || c == '_' || c == '.' || c >= 0x80;
}

class Lexer {
 public:
  explicit Lexer(absl::string_view text) : text_(text) {}

  absl::StatusOr<std::vector<Token>> Tokenize() {
    std::vector<Token> tokens;
    while (true) {
      SkipSpace();
      Token token;
      token.position = chars_ + 1;
      if (pos_ >= text_.size()) {
        tokens.push_back(token);
        return tokens;
      }
      const char c = text_[pos_];
      if (c == '(' || c == ')') {
        token.type = c == '(' ? Tok::kLParen : Tok::kRParen;
        Advance(1);
      } else if (c == '"' || c == '\'') {
        auto text = ReadString(c);
        if (!text.ok()) return text.status();
        token.type = Tok::kString;
        token.text = *std::move(text);
      } else if (c == '=' || c == '<' || c == '>' || c == '!' || c == ':') {
        token.type = Tok::kComparator;
        const bool eq_next = pos_ + 1 < text_.size() && text_[pos_ + 1] == '=';
        switch (c) {
          case '=':
            token.comparator = Comparator::kEq;
            break;
          case ':':
            token.comparator = Comparator::kHas;
            break;
          case '<':
            token.comparator = eq_next ? Comparator::kLe : Comparator::kLt;
            break;
          case '>':
            token.comparator = eq_next ? Comparator::kGe : Comparator::kGt;
            break;
          default:
            if (!eq_next) return FilterError(token.position, "expected \"!=\" after \"!\"");
            token.comparator = Comparator::kNe;
        }
        Advance((c == '<' || c == '>' || c == '!') && eq_next ? 2 : 1);
      } else if (c == '-' && !(pos_ + 1 < text_.size() && absl::ascii_isdigit(text_[pos_ + 1]))) {
        token.type = Tok::kMinus;
        Advance(1);
      } else if (c == '-' || absl::ascii_isdigit(c)) {
        size_t end = pos_ + 1;
        while (end < text_.size() && (absl::ascii_isalnum(text_[end]) || text_[end] == '.' ||
                                      text_[end] == '-' || text_[end] == ':')) {
          ++end;
        }
        token.type = Tok::kNumber;
        token.text = std::string(text_.substr(pos_, end - pos_));
        Advance(end - pos_);
      } else if (IsWordByte(static_cast<unsigned char>(c))) {
        size_t end = pos_;
        while (end < text_.size() && IsWordByte(static_cast<unsigned char>(text_[end]))) ++end;
        token.type = Tok::kWord;
        token.text = std::string(text_.substr(pos_, end - pos_));
        Advance(end - pos_);
      } else {
        return FilterError(token.position,
                           absl::StrCat("unexpected character ", Quote(text_.substr(pos_, 1))));
      }
      tokens.push_back(std::move(token));
    }
  }

 private:
  void Advance(size_t bytes) {
    for (size_t i = 0; i < bytes && pos_ < text_.size(); ++i, ++pos_) {
      if ((static_cast<unsigned char>(text_[pos_]) & 0xc0) != 0x80) ++chars_;
    }
  }
  void SkipSpace() {
    while (pos_ < text_.size() && absl::ascii_isspace(text_[pos_])) Advance(1);
  }
  absl::StatusOr<std::string> ReadString(char quote) {
    const size_t start = chars_ + 1;
    Advance(1);
    std::string out;
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == quote) {
        Advance(1);
        return out;
      }
      if (c == '\\') {
        if (pos_ + 1 >= text_.size()) break;
        const char e = text_[pos_ + 1];
        switch (e) {
          case 'n':
            out += '\n';
            break;
          case 't':
            out += '\t';
            break;
          case '\\':
          case '"':
          case '\'':
            out += e;
            break;
          default:
            return FilterError(chars_ + 1,
                               absl::StrCat("unknown escape \\", ToValidUtf8(std::string(1, e))));
        }
        Advance(2);
        continue;
      }
      out += c;
      Advance(1);
    }
    return FilterError(start, "unterminated string");
  }

  absl::string_view text_;
  size_t pos_ = 0;
  size_t chars_ = 0;
};

const char* ComparatorText(Comparator c) {
  switch (c) {
    case Comparator::kEq:
      return "=";
    case Comparator::kNe:
      return "!=";
    case Comparator::kLt:
      return "<";
    case Comparator::kLe:
      return "<=";
    case Comparator::kGt:
      return ">";
    case Comparator::kGe:
      return ">=";
    case Comparator::kHas:
      return ":";
  }
  return "?";
}

std::string FieldNames(const FilterSchema& schema, bool sortable_only) {
  std::vector<std::string> names;
  for (const auto& f : schema) {
    if (!sortable_only || f.sortable) names.push_back(f.name);
  }
  return absl::StrJoin(names, ", ");
}

class Parser {
 public:
  Parser(std::vector<Token> tokens, const FilterSchema& schema)
      : tokens_(std::move(tokens)), schema_(schema) {}

  absl::StatusOr<std::unique_ptr<FilterExpr>> Parse() {
    if (Peek().type == Tok::kEnd) return std::unique_ptr<FilterExpr>();
    auto expr = ParseExpression(0);
    if (!expr.ok()) return expr.status();
    if (Peek().type != Tok::kEnd) {
      return FilterError(Peek().position, Peek().type == Tok::kRParen
                                              ? "unbalanced \")\""
                                              : "expected AND, OR or the end of the filter");
    }
    return expr;
  }

 private:
  const Token& Peek() const { return tokens_[index_]; }
  Token Next() { return tokens_[index_ < tokens_.size() - 1 ? index_++ : index_]; }
  bool PeekWord(absl::string_view word) const {
    return Peek().type == Tok::kWord && Peek().text == word;
  }
  bool StartsTerm() const {
    const Token& t = Peek();
    return t.type == Tok::kLParen || t.type == Tok::kMinus ||
           (t.type == Tok::kWord && t.text != "AND" && t.text != "OR");
  }

  using Result = absl::StatusOr<std::unique_ptr<FilterExpr>>;

  static std::unique_ptr<FilterExpr> Combine(FilterExpr::Type type,
                                             std::vector<std::unique_ptr<FilterExpr>> parts) {
    if (parts.size() == 1) return std::move(parts[0]);
    auto node = std::make_unique<FilterExpr>();
    node->type = type;
    node->children = std::move(parts);
    return node;
  }

  Result ParseExpression(int depth) {
    if (depth > kMaxDepth) return FilterError(Peek().position, "nested too deeply");
    std::vector<std::unique_ptr<FilterExpr>> parts;
    while (true) {
      auto sequence = ParseSequence(depth);
      if (!sequence.ok()) return sequence;
      parts.push_back(*std::move(sequence));
      if (!PeekWord("AND")) break;
      Next();
    }
    return Combine(FilterExpr::Type::kAnd, std::move(parts));
  }

  Result ParseSequence(int depth) {
    std::vector<std::unique_ptr<FilterExpr>> parts;
    do {
      auto factor = ParseFactor(depth);
      if (!factor.ok()) return factor;
      parts.push_back(*std::move(factor));
    } while (StartsTerm());
    return Combine(FilterExpr::Type::kAnd, std::move(parts));
  }

  Result ParseFactor(int depth) {
    std::vector<std::unique_ptr<FilterExpr>> parts;
    while (true) {
      auto term = ParseTerm(depth);
      if (!term.ok()) return term;
      parts.push_back(*std::move(term));
      if (!PeekWord("OR")) break;
      Next();
    }
    return Combine(FilterExpr::Type::kOr, std::move(parts));
  }

  Result ParseTerm(int depth) {
    if (Peek().type == Tok::kMinus || PeekWord("NOT")) {
      Next();
      auto simple = ParseSimple(depth);
      if (!simple.ok()) return simple;
      auto node = std::make_unique<FilterExpr>();
      node->type = FilterExpr::Type::kNot;
      node->children.push_back(*std::move(simple));
      return node;
    }
    return ParseSimple(depth);
  }

  Result ParseSimple(int depth) {
    if (Peek().type == Tok::kLParen) {
      Next();
      auto inner = ParseExpression(depth + 1);
      if (!inner.ok()) return inner;
      if (Peek().type != Tok::kRParen) return FilterError(Peek().position, "expected \")\"");
      Next();
      return inner;
    }
    return ParseRestriction();
  }

  Result ParseRestriction() {
    const Token field_token = Next();
    if (field_token.type != Tok::kWord || field_token.text == "AND" || field_token.text == "OR" ||
        field_token.text == "NOT") {
      return FilterError(field_token.position,
                         field_token.type == Tok::kEnd
                             ? "unexpected end of the filter: expected a field"
                             : "expected a field name");
    }
    const FilterField* field = nullptr;
    for (const auto& f : schema_) {
      if (f.name == field_token.text) field = &f;
    }
    if (field == nullptr) {
      return FilterError(field_token.position,
                         absl::StrCat("unknown field ", Quote(field_token.text),
                                      "; filterable fields are ", FieldNames(schema_, false)),
                         field_token.text);
    }
    const Token op = Next();
    if (op.type != Tok::kComparator) {
      return FilterError(
          op.position,
          absl::StrCat("expected a comparison (=, !=, <, <=, >, >=, :) after ", field->name),
          field->name);
    }
    const Token value = Next();
    if (value.type != Tok::kString && value.type != Tok::kNumber && value.type != Tok::kWord) {
      return FilterError(
          value.position,
          absl::StrCat("expected a value after ", field->name, " ", ComparatorText(op.comparator)),
          field->name);
    }
    if (++comparisons_ > kMaxComparisons) {
      return FilterError(field_token.position, "too many comparisons");
    }
    auto node = std::make_unique<FilterExpr>();
    node->type = FilterExpr::Type::kCompare;
    node->field = field;
    node->comparator = op.comparator;
    absl::Status typed = TypeCheck(*field, op, value, *node);
    if (!typed.ok()) return typed;
    return node;
  }

  absl::Status TypeCheck(const FilterField& field, const Token& op, const Token& value,
                         FilterExpr& node) {
    auto bad = [&](absl::string_view why) {
      return FilterError(value.position, absl::StrCat(field.name, ": ", why), field.name);
    };
    const Comparator c = op.comparator;
    const bool ordering = c == Comparator::kLt || c == Comparator::kLe || c == Comparator::kGt ||
                          c == Comparator::kGe;
    if (field.repeated && c != Comparator::kHas) {
      return FilterError(op.position,
                         absl::StrCat(field.name, " is repeated: use ", field.name, ":value"),
                         field.name);
    }
    if (c == Comparator::kHas && !field.repeated && field.kind != FieldKind::kString) {
      return FilterError(
          op.position,
          absl::StrCat("\":\" needs a text or repeated field; ", field.name, " is neither"),
          field.name);
    }
    if (ordering && (field.kind == FieldKind::kBool || field.kind == FieldKind::kEnum ||
                     field.kind == FieldKind::kName)) {
      return FilterError(
          op.position,
          absl::StrCat(field.name, " supports only = and != (got ", ComparatorText(c), ")"),
          field.name);
    }
    switch (field.kind) {
      case FieldKind::kString:
        node.value = value.text;
        return absl::OkStatus();
      case FieldKind::kInt: {
        int64_t n = 0;
        if (value.type != Tok::kNumber || !absl::SimpleAtoi(value.text, &n)) {
          return bad(absl::StrCat("expected an integer, got ", Quote(value.text)));
        }
        node.value = n;
        return absl::OkStatus();
      }
      case FieldKind::kDouble: {
        double d = 0;
        if (value.type != Tok::kNumber || !absl::SimpleAtod(value.text, &d) || !std::isfinite(d)) {
          return bad(absl::StrCat("expected a number like 2.5, got ", Quote(value.text)));
        }
        node.value = d;
        return absl::OkStatus();
      }
      case FieldKind::kBool:
        if (value.type == Tok::kWord && (value.text == "true" || value.text == "false")) {
          node.value = value.text == "true";
          return absl::OkStatus();
        }
        return bad(absl::StrCat("expected true or false, got ", Quote(value.text)));
      case FieldKind::kEnum:
        for (const auto& [name, number] : field.enum_values) {
          if (absl::EqualsIgnoreCase(name, value.text)) {
            node.value = static_cast<int64_t>(number);
            return absl::OkStatus();
          }
        }
        {
          std::vector<std::string> names;
          for (const auto& e : field.enum_values) names.push_back(e.first);
          return bad(absl::StrCat("unknown value ", Quote(value.text), "; expected one of ",
                                  absl::StrJoin(names, ", ")));
        }
      case FieldKind::kTimestamp: {
        absl::Time t;
        std::string err;
        if (absl::ParseTime(absl::RFC3339_full, value.text, &t, &err)) {
          node.value = t;
          return absl::OkStatus();
        }
        if (std::optional<Date> date = ParseDate(value.text)) {
          node.value = absl::FromCivil(absl::CivilDay(date->year, date->month, date->day),
                                       absl::UTCTimeZone());
          return absl::OkStatus();
        }
        return bad(absl::StrCat("expected a timestamp like \"2026-11-26T10:00:00Z\", got ",
                                Quote(value.text)));
      }
      case FieldKind::kDate: {
        std::optional<Date> date = ParseDate(value.text);
        if (!date) {
          return bad(absl::StrCat("expected a date like \"2027-01-31\", got ", Quote(value.text)));
        }
        node.value = *date;
        return absl::OkStatus();
      }
      case FieldKind::kName:
        // The empty name means "none" (e.g. parent = "" for roots); others must be well formed
        // (names are ASCII: anything else could never match, and is a mistake).
        if (!value.text.empty()) {
          bool ascii = absl::StrContains(value.text, '/');
          for (char ch : value.text) {
            ascii = ascii && static_cast<unsigned char>(ch) > 0x20 &&
                    static_cast<unsigned char>(ch) < 0x7f;
          }
          if (!ascii) {
            return bad(absl::StrCat("expected a resource name like \"libraries/x\", got ",
                                    Quote(value.text)));
          }
        }
        node.value = value.text;
        return absl::OkStatus();
    }
    return bad("unsupported field type");
  }

  std::vector<Token> tokens_;
  size_t index_ = 0;
  const FilterSchema& schema_;
  int comparisons_ = 0;
};

void AppendCanonical(const FilterExpr& e, std::string& out) {
  switch (e.type) {
    case FilterExpr::Type::kAnd:
    case FilterExpr::Type::kOr:
      out += e.type == FilterExpr::Type::kAnd ? "(AND" : "(OR";
      for (const auto& child : e.children) {
        out += ' ';
        AppendCanonical(*child, out);
      }
      out += ')';
      return;
    case FilterExpr::Type::kNot:
      out += "(NOT ";
      AppendCanonical(*e.children[0], out);
      out += ')';
      return;
    case FilterExpr::Type::kCompare:
      absl::StrAppend(&out, e.field->name, ComparatorText(e.comparator));
      if (auto* s = std::get_if<std::string>(&e.value)) {
        absl::StrAppend(&out, "s", s->size(), ":", *s);
      } else if (auto* i = std::get_if<int64_t>(&e.value)) {
        absl::StrAppend(&out, "i", *i);
      } else if (auto* b = std::get_if<bool>(&e.value)) {
        out += *b ? "true" : "false";
      } else if (auto* t = std::get_if<absl::Time>(&e.value)) {
        absl::StrAppend(&out, "t", absl::ToUnixMicros(*t));
      } else if (auto* d = std::get_if<Date>(&e.value)) {
        absl::StrAppend(&out, "d", FormatDate(*d));
      } else if (auto* x = std::get_if<double>(&e.value)) {
        absl::StrAppend(&out, "x", absl::StrFormat("%.17g", *x));
      }
      return;
  }
}

}  // namespace

absl::StatusOr<std::unique_ptr<FilterExpr>> ParseFilter(absl::string_view filter,
                                                        const FilterSchema& schema) {
  if (filter.size() > kMaxFilterBytes) {
    return FilterError(1, absl::StrCat("longer than ", kMaxFilterBytes, " bytes"));
  }
  auto tokens = Lexer(filter).Tokenize();
  if (!tokens.ok()) return tokens.status();
  return Parser(*std::move(tokens), schema).Parse();
}

absl::StatusOr<std::vector<OrderTerm>> ParseOrderBy(absl::string_view order_by,
                                                    const FilterSchema& schema) {
  std::vector<OrderTerm> terms;
  if (absl::StripAsciiWhitespace(order_by).empty()) return terms;
  for (absl::string_view part : absl::StrSplit(order_by, ',')) {
    std::vector<absl::string_view> words =
        absl::StrSplit(absl::StripAsciiWhitespace(part), ' ', absl::SkipEmpty());
    if (words.empty() || words.size() > 2 ||
        (words.size() == 2 && words[1] != "desc" && words[1] != "asc")) {
      return InvalidField("order_by",
                          absl::StrCat("expected \"field\" or \"field desc\", got ",
                                       Quote(absl::StripAsciiWhitespace(part))),
                          "INVALID_ORDER_BY");
    }
    const FilterField* field = nullptr;
    for (const auto& f : schema) {
      if (f.name == words[0] && f.sortable) field = &f;
    }
    if (field == nullptr) {
      return InvalidField("order_by",
                          absl::StrCat("cannot sort by ", Quote(words[0]), "; sortable fields are ",
                                       FieldNames(schema, true)),
                          "INVALID_ORDER_BY");
    }
    for (const auto& t : terms) {
      if (t.field == field) {
        return InvalidField("order_by", absl::StrCat(field->name, " appears twice"),
                            "INVALID_ORDER_BY");
      }
    }
    terms.push_back({field, words.size() == 2 && words[1] == "desc"});
  }
  return terms;
}

std::string CanonicalFilter(const FilterExpr* expr) {
  std::string out;
  if (expr) AppendCanonical(*expr, out);
  return out;
}

std::string CanonicalOrder(const std::vector<OrderTerm>& order) {
  std::string out;
  for (const auto& t : order) absl::StrAppend(&out, t.field->name, t.descending ? " desc," : ",");
  return out;
}

std::string FormatDate(const Date& date) {
  return absl::StrFormat("%04d-%02d-%02d", date.year, date.month, date.day);
}

std::optional<Date> ParseDate(absl::string_view text) {
  const std::vector<absl::string_view> parts = absl::StrSplit(text, '-');
  if (parts.size() != 3 || parts[0].size() != 4 || parts[1].size() != 2 || parts[2].size() != 2) {
    return std::nullopt;
  }
  for (absl::string_view part : parts) {
    for (char c : part) {
      if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    }
  }
  Date date;
  if (!absl::SimpleAtoi(parts[0], &date.year) || !absl::SimpleAtoi(parts[1], &date.month) ||
      !absl::SimpleAtoi(parts[2], &date.day)) {
    return std::nullopt;
  }
  if (date.year < 1 || date.month < 1 || date.month > 12 || date.day < 1) return std::nullopt;
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (date.year % 4 == 0 && date.year % 100 != 0) || date.year % 400 == 0;
  const int days = date.month == 2 && !leap ? 28 : kDays[date.month - 1];
  if (date.day > days) return std::nullopt;
  return date;
}

}  // namespace allies::api
