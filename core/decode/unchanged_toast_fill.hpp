#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "decode/decoded_change.hpp"

namespace popyka::decode {

// PostgreSQL does not log a TOASTed value an UPDATE left unchanged, so wal2json (and popyka's
// pgoutput decoding, which writes the same messages) leaves that column out of the update's
// `columns`. Under REPLICA IDENTITY FULL the `identity` is the whole old row, those values
// included: this puts them back, so the change (columns() and json() alike) is the whole new row.
class UnchangedToastFill {
 public:
  enum class Outcome {
    untouched,           // not an update, or nothing missing
    filled,              // columns were taken from the identity
    identity_not_whole,  // an update whose identity is not the whole old row: nothing to fill from
  };

  // An update's columns become the identity's, in its (the table's) order, each the update's own
  // when it has one: a column it lacks keeps the identity's name, type and value text (and any
  // other field, e.g. wal2json's typeoid), byte for byte. json() is rewritten to match, and
  // points into this object until the next fill().
  Outcome fill(DecodedChange& change);

 private:
  // Reused, so a warm fill allocates nothing.
  std::string json_, scratch_;  // the rewritten message; the one before, while building
  std::vector<sdk::Column> columns_;
  std::vector<std::string_view> column_texts_, identity_texts_;
};

}  // namespace popyka::decode
