#pragma once
#include <string>
#include <string_view>

namespace popyka::decode {

// The fields of one row of `COPY ... TO STDOUT` in text format (the row without its newline):
// tab-separated, `\N` for NULL, backslash escapes for \, tab, newline and the other control
// characters (PostgreSQL's CopyAttributeOutText). Each field is what the type's output
// function printed, exactly as a SELECT would return it.
class CopyTextFields {
 public:
  explicit CopyTextFields(std::string_view row) : rest_(row) {}

  bool has_next() const { return !done_; }
  // Whether the next field is NULL (`\N`). Call only while has_next(), as every function below.
  bool next_is_null() const {
    return rest_.starts_with(null_field) && (rest_.size() == null_field.size() || rest_[null_field.size()] == '\t');
  }
  // Moves past the next field, a NULL.
  void skip_null();
  // The next field's text (not NULL): a view into the row, or into `scratch` when it had escapes.
  std::string_view next_text(std::string& scratch);
  // Appends the next field's text (not NULL) to `out` as append_json_string() writes it: what
  // next_text() and append_json_string() make of it together, in one pass over the field.
  void append_next_as_json_string(std::string& out);

 private:
  static constexpr std::string_view null_field = "\\N";

  // Moves past the next field, `size` bytes, and its tab.
  void skip(std::size_t size);

  std::string_view rest_;
  bool done_ = false;
};

}  // namespace popyka::decode
