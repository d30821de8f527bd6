#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace popyka::source::replication {

// The fields of one row of `COPY ... TO STDOUT` in text format (the row without its newline):
// tab-separated, `\N` for NULL, backslash escapes for \, tab, newline and the other control
// characters (PostgreSQL's CopyAttributeOutText). Each field is what the type's output
// function printed, exactly as a SELECT would return it.
class CopyTextFields {
 public:
  explicit CopyTextFields(std::string_view row) : rest_(row) {}

  // The next field (std::nullopt: NULL); a view into the row, or into `scratch` when it had
  // escapes. Call only while has_next().
  std::optional<std::string_view> next(std::string& scratch);
  bool has_next() const { return !done_; }

 private:
  std::string_view rest_;
  bool done_ = false;
};

}  // namespace popyka::source::replication
