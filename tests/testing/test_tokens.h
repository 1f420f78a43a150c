// Bearer tokens of each role for tests of servers with --tokens_file, and
// the file that lists them.
#ifndef ENTENTE_TESTS_TESTING_TEST_TOKENS_H_
#define ENTENTE_TESTS_TESTING_TEST_TOKENS_H_

#include <fstream>
#include <string>

namespace entente::testing {

inline constexpr char kReaderToken[] = "reader-token-0123456789";
inline constexpr char kWriterToken[] = "writer-token-0123456789";
inline constexpr char kAdminToken[] = "admin-token-0123456789a";

// Writes a tokens file (docs/security.md) with one token of each role; the
// reader's holder is named "Alice".
inline void WriteTokensFile(const std::string& path) {
  std::ofstream(path) << "# test tokens\nreader " << kReaderToken << " Alice\nwriter "
                      << kWriterToken << "\nadmin " << kAdminToken << "\n";
}

}  // namespace entente::testing

#endif  // ENTENTE_TESTS_TESTING_TEST_TOKENS_H_
