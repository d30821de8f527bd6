#pragma once
#include <filesystem>
#include <string>
#include <string_view>

namespace popyka::test {

// A fresh directory under the system's temp dir, removed with everything in it by the
// destructor (kept when POPYKA_TEST_KEEP is set, to read the logs of a failed run).
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const noexcept { return path_; }
  std::filesystem::path operator/(std::string_view name) const { return path_ / name; }
  std::string file(std::string_view name) const { return (path_ / name).string(); }
  // Writes `text` to `name` in this directory; returns the path.
  std::filesystem::path write(std::string_view name, const std::string& text) const;

 private:
  std::filesystem::path path_;
};

}  // namespace popyka::test
