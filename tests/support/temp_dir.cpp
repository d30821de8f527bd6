#include "temp_dir.hpp"

#include <cstdlib>
#include <fstream>
#include <stdexcept>

namespace popyka::test {

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "popyka-test-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  if (std::getenv("POPYKA_TEST_KEEP") != nullptr) return;
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::filesystem::path TempDir::write(std::string_view name, const std::string& text) const {
  const std::filesystem::path file = path_ / name;
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + file.string());
  return file;
}

}  // namespace popyka::test
