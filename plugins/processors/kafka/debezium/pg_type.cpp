#include "pg_type.hpp"

#include <charconv>
#include <utility>

namespace popyka::kafka::debezium {

namespace {

using Kind = PgType::Kind;

// The base names, without modifiers, as format_type() writes them.
constexpr std::pair<std::string_view, Kind> kKinds[] = {
    {"smallint", Kind::Int16},
    {"integer", Kind::Int32},
    {"bigint", Kind::Int64},
    {"oid", Kind::Int64},
    {"real", Kind::Float32},
    {"double precision", Kind::Float64},
    {"boolean", Kind::Boolean},
    {"json", Kind::Json},
    {"jsonb", Kind::Json},
    {"xml", Kind::Xml},
    {"uuid", Kind::Uuid},
    {"ltree", Kind::Ltree},
    {"tsvector", Kind::TsVector},
    {"vector", Kind::Vector},
    {"halfvec", Kind::HalfVector},
    {"sparsevec", Kind::SparseVector},
    {"hstore", Kind::Hstore},
    {"bytea", Kind::Bytea},
    {"bit", Kind::Bit},
    {"bit varying", Kind::Bit},
    {"numeric", Kind::Numeric},
    {"money", Kind::Money},
    {"date", Kind::Date},
    {"time without time zone", Kind::Time},
    {"time with time zone", Kind::TimeTz},
    {"timestamp without time zone", Kind::Timestamp},
    {"timestamp with time zone", Kind::TimestampTz},
    {"interval", Kind::Interval},
    {"point", Kind::Point},
};

int to_int(std::string_view text) {
  int v = -1;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  return ec == std::errc{} && end == text.data() + text.size() ? v : -1;
}

// `public.hstore` (an extension type outside the search path) is `hstore`.
std::string_view unqualified(std::string_view name) {
  if (name.empty() || name.front() == '"') return name;
  const auto dot = name.rfind('.');
  return dot == std::string_view::npos ? name : name.substr(dot + 1);
}

}  // namespace

PgType parse_pg_type(std::string_view name) {
  PgType type;
  while (name.ends_with("[]")) {
    type.array = true;
    name.remove_suffix(2);
  }
  // Modifiers: `numeric(10,2)`, `time(3) without time zone`; the base name is what is around them.
  std::string_view base = name;
  std::string_view tail;
  if (const auto open = name.find('('); open != std::string_view::npos) {
    if (const auto close = name.find(')', open); close != std::string_view::npos) {
      const std::string_view args = name.substr(open + 1, close - open - 1);
      const auto comma = args.find(',');
      type.precision = to_int(args.substr(0, comma));
      if (comma != std::string_view::npos) type.scale = to_int(args.substr(comma + 1));
      base = name.substr(0, open);
      tail = name.substr(close + 1);
    }
  }
  std::string_view key = base;
  char joined[64];
  if (!tail.empty() && base.size() + tail.size() < sizeof joined) {
    const std::size_t n = base.copy(joined, base.size());
    key = std::string_view(joined, n + tail.copy(joined + n, tail.size()));
  }
  key = unqualified(key);
  for (const auto& [known, kind] : kKinds) {
    if (known == key) {
      type.kind = kind;
      // numeric(p) is numeric(p,0); a bare numeric has a scale per value.
      if (kind == Kind::Numeric && type.precision >= 0 && type.scale < 0) type.scale = 0;
      return type;
    }
  }
  type.kind = Kind::Text;
  type.precision = type.scale = -1;
  return type;
}

}  // namespace popyka::kafka::debezium
