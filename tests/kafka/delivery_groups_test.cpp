// DeliveryGroups: a change sent as several messages is reported once, after its last message,
// with the first error.
#include <catch2/catch.hpp>

#include "delivery_groups.hpp"

using popyka::kafka::DeliveryError;
using popyka::kafka::DeliveryGroups;

TEST_CASE("delivery groups: one outcome per ticket, after every message, with the first error", "[kafka][groups]") {
  DeliveryGroups groups;
  CHECK_FALSE(groups.contains(7));
  groups.expect(7, 3);
  groups.expect(8, 2);
  CHECK(groups.contains(7));
  CHECK_FALSE(groups.report(7, std::nullopt).complete);
  CHECK_FALSE(groups.report(7, DeliveryError{"first", true}).complete);
  const auto seven = groups.report(7, DeliveryError{"second", false});
  CHECK(seven.complete);
  REQUIRE(seven.error);
  CHECK(seven.error->text == "first");
  CHECK(seven.error->permanent);  // the first error's, whole
  CHECK_FALSE(groups.contains(7));  // settled: forgotten
  CHECK_FALSE(groups.report(8, std::nullopt).complete);
  const auto eight = groups.report(8, std::nullopt);
  CHECK(eight.complete);
  CHECK_FALSE(eight.error);
}
