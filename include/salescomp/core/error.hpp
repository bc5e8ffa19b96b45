#pragma once
// The salescomp exception hierarchy. Every error carries a stable id (shown
// in the message as "[SC-...]") so programs can match on it and people can
// search for it; Python maps each class to a salescomp.Error subclass that is
// also the matching builtin exception.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace salescomp {

class Error : public std::runtime_error {
 public:
  Error(std::string id, const std::string& message)
      : std::runtime_error("[" + id + "] " + message), id_(std::move(id)) {}
  // Stable identifier such as "SC-PARSE-FORMAT"; never reworded.
  const std::string& id() const noexcept { return id_; }

 private:
  std::string id_;
};

// One problem with one input value: which row, which field, what value, which
// rule it broke, and (when known) which table or file. Row is absent for
// scalar inputs. Rows of tables read through the Arrow boundary
// (salescomp/arrow/) are 1-based data rows: row 1 is the first row after a
// CSV header.
struct Issue {
  std::optional<int64_t> row;
  std::string field;
  std::string value;
  std::string rule;
  std::string source;  // "deals.csv", "deals", ...; empty when not known

  Issue() = default;
  Issue(std::optional<int64_t> row_, std::string field_, std::string value_, std::string rule_,
        std::string source_ = {})
      : row(row_),
        field(std::move(field_)),
        value(std::move(value_)),
        rule(std::move(rule_)),
        source(std::move(source_)) {}

  std::string describe() const {
    std::string s;
    if (!source.empty()) s += source + (row ? " " : ": ");
    if (row) s += "row " + std::to_string(*row) + ": ";
    if (!field.empty()) s += field + " ";
    s += "'" + value + "': " + rule;
    return s;
  }
};

// Bad input. Lists every problem found, not just the first.
class ValidationError : public Error {
 public:
  ValidationError(std::string id, std::vector<Issue> issues)
      : Error(std::move(id), summarize(issues)), issues_(std::move(issues)) {}
  ValidationError(std::string id, Issue issue)
      : ValidationError(std::move(id), std::vector<Issue>{std::move(issue)}) {}
  const std::vector<Issue>& issues() const noexcept { return issues_; }

 private:
  static std::string summarize(const std::vector<Issue>& issues) {
    if (issues.size() == 1) return issues.front().describe();
    std::string s = std::to_string(issues.size()) + " problems:";
    for (const auto& i : issues) s += "\n  " + i.describe();
    return s;
  }
  std::vector<Issue> issues_;
};

// Text that is not a number of the accepted form.
class ParseError : public ValidationError {
 public:
  using ValidationError::ValidationError;
};

// A currency code that ISO 4217 (as tabled here) does not know.
class UnknownCurrencyError : public ValidationError {
 public:
  using ValidationError::ValidationError;
};

// Adding, subtracting or comparing amounts in different currencies.
class CurrencyMismatchError : public Error {
 public:
  using Error::Error;
};

// A result that does not fit its type. Never a wrapped value.
class OverflowError : public Error {
 public:
  using Error::Error;
};

class DivisionByZeroError : public Error {
 public:
  using Error::Error;
};

// RoundingMode::Unnecessary met a result that needs rounding.
class InexactError : public Error {
 public:
  using Error::Error;
};

// A lookup (FX rate, person, period...) that has no answer for the key given.
class LookupError : public Error {
 public:
  using Error::Error;
};

}  // namespace salescomp
