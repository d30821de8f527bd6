#pragma once
#include <span>
#include <string>
#include <string_view>

namespace popyka::kafka::debezium {

// Standard base64 with padding (RFC 4648), as Kafka Connect's JsonConverter writes BYTES.
void append_base64(std::string& out, std::span<const unsigned char> bytes);
inline void append_base64(std::string& out, std::string_view bytes) {
  append_base64(out, std::span(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size()));
}

}  // namespace popyka::kafka::debezium
