// Runs the project's binaries as real processes for end-to-end tests.
#ifndef ENTENTE_TESTS_TESTING_SUBPROCESS_H_
#define ENTENTE_TESTS_TESTING_SUBPROCESS_H_

#include <string>
#include <vector>

namespace entente::testing {

struct RunResult {
  int exit_code = -1;  // -1: killed by a signal or could not start
  std::string out;     // stdout
  std::string err;     // stderr
};

// Runs `argv` to completion with stdin from /dev/null.
RunResult Run(const std::vector<std::string>& argv);

// An entente-server process on 127.0.0.1 with a free port.
class ServerProcess {
 public:
  // Starts `binary --listen 127.0.0.1:0 --data data_dir` plus `extra` and
  // waits until it prints the port it listens on. port() is 0 on failure.
  ServerProcess(const std::string& binary, const std::string& data_dir,
                const std::vector<std::string>& extra = {});
  ~ServerProcess();  // SIGKILL if still running

  int port() const { return port_; }
  // The server's process id (e.g. to read /proc/PID/status); -1 if not started.
  int pid() const { return pid_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  // Sends `sig` and waits; returns the exit code, or 128+signal.
  int Stop(int sig);
  // Everything the server wrote to stderr until it stopped.
  const std::string& log() const { return log_; }

 private:
  int pid_ = -1;
  int err_fd_ = -1;
  int port_ = 0;
  std::string log_;
};

}  // namespace entente::testing

#endif  // ENTENTE_TESTS_TESTING_SUBPROCESS_H_
