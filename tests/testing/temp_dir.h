// A fresh directory under testing::TempDir() per test, removed afterwards,
// so tests never share state and `ctest -j` is safe.
#ifndef ENTENTE_TESTS_TESTING_TEMP_DIR_H_
#define ENTENTE_TESTS_TESTING_TEMP_DIR_H_

#include <stdlib.h>

#include <filesystem>
#include <string>

#include <gtest/gtest.h>

namespace entente::testing {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = ::testing::TempDir() + "entente-XXXXXX";
    char* made = mkdtemp(tmpl.data());
    EXPECT_NE(made, nullptr) << "mkdtemp " << tmpl;
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace entente::testing

#endif  // ENTENTE_TESTS_TESTING_TEMP_DIR_H_
