// ColumnValueFilter: PROCESS the row changes whose column `column` equals `equals` or matches
// `regex`; everything else gets `otherwise` (IGNORE by default, or CONTINUE to let the next
// filter decide).
#include <optional>
#include <regex>
#include <string>

#include <popyka/sdk.hpp>

namespace sdk = popyka::sdk;

namespace examples {

class ColumnValueFilter final : public sdk::Filter {
 public:
  static constexpr sdk::ConfigKey kKeys[] = {
      sdk::required_key("column", sdk::ConfigType::String, "the column to look at (in `columns`, else in `identity` for deletes)"),
      sdk::optional_key("equals", sdk::ConfigType::String, nullptr, "PROCESS when the column's value is exactly this text"),
      sdk::optional_key("regex", sdk::ConfigType::String, nullptr, "PROCESS when this ECMAScript regex matches the column's whole value"),
      sdk::optional_key("otherwise", sdk::ConfigType::String, "ignore", "`ignore` or `continue`: what every other change gets"),
  };

  void setup(const sdk::Config& config, sdk::Host&) override {
    column_ = config.at("column").as_nonblank_string();

    const sdk::Config* equals = config.find("equals");
    const sdk::Config* regex = config.find("regex");
    if ((equals == nullptr) == (regex == nullptr)) config.fail("give exactly one of `equals` and `regex`");
    if (equals != nullptr) {
      equals_ = equals->as_string();
    } else {
      try {
        regex_.emplace(regex->as_string(), std::regex::ECMAScript | std::regex::optimize);
      } catch (const std::regex_error& error) {
        regex->fail(std::string("not a valid regex: ") + error.what());
      }
    }

    const std::string otherwise = config.get_string("otherwise", "ignore");
    if (otherwise == "continue") otherwise_ = sdk::FilterResult::Continue;
    else if (otherwise != "ignore") config.at("otherwise").fail("expected `ignore` or `continue`, found '" + otherwise + "'");
  }

  sdk::FilterResult filter(const sdk::Change& change) override {
    // BEGIN, COMMIT, TRUNCATE and messages have no column values, so they never match.
    const sdk::Column* column = change.find_column(column_);
    if (column == nullptr) return otherwise_;
    const std::string value = comparable_text(column->value);
    const bool matches = regex_ ? std::regex_match(value, *regex_) : value == equals_;
    return matches ? sdk::FilterResult::Process : otherwise_;
  }

 private:
  // What users write in YAML is plain text, so a JSON string is compared decoded (`O'Brien`,
  // not `"O'Brien"` with escapes). Everything else (numbers, booleans, null) is compared by its
  // exact JSON text: `1.50` stays `1.50`, with no float round trip to turn it into `1.5`.
  static std::string comparable_text(const sdk::Value& value) {
    return value.is_string() ? value.as_string() : std::string(value.json());
  }

  std::string column_;
  std::string equals_;
  std::optional<std::regex> regex_;
  sdk::FilterResult otherwise_ = sdk::FilterResult::Ignore;
};

}  // namespace examples

POPYKA_PLUGIN(sdk::plugin_class<examples::ColumnValueFilter>("examples.filters.ColumnValueFilter",
                                                             sdk::ConfigKeys::of(examples::ColumnValueFilter::kKeys)))
