#include "tests/testing/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <regex>

extern char** environ;

namespace entente::testing {
namespace {

std::vector<char*> Argv(const std::vector<std::string>& args) {
  std::vector<char*> out;
  for (const auto& a : args) out.push_back(const_cast<char*>(a.c_str()));
  out.push_back(nullptr);
  return out;
}

int WaitExit(int pid) {
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) return -1;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

void ReadAvailable(int fd, std::string* into, bool* eof) {
  char buf[4096];
  ssize_t n = read(fd, buf, sizeof buf);
  if (n > 0) {
    into->append(buf, static_cast<size_t>(n));
  } else if (n == 0) {
    *eof = true;
  }
}

}  // namespace

RunResult Run(const std::vector<std::string>& argv) {
  RunResult r;
  int out_pipe[2], err_pipe[2];
  if (pipe(out_pipe) != 0 || pipe(err_pipe) != 0) return r;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&fa, err_pipe[1], 2);
  posix_spawn_file_actions_addclose(&fa, out_pipe[0]);
  posix_spawn_file_actions_addclose(&fa, err_pipe[0]);
  auto args = Argv(argv);
  pid_t pid;
  const int rc = posix_spawn(&pid, args[0], &fa, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  close(out_pipe[1]);
  close(err_pipe[1]);
  if (rc == 0) {
    bool out_eof = false, err_eof = false;
    while (!out_eof || !err_eof) {
      pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
      if (poll(fds, 2, 60000) <= 0) break;
      if (!out_eof && fds[0].revents) ReadAvailable(out_pipe[0], &r.out, &out_eof);
      if (!err_eof && fds[1].revents) ReadAvailable(err_pipe[0], &r.err, &err_eof);
    }
    r.exit_code = WaitExit(pid);
  }
  close(out_pipe[0]);
  close(err_pipe[0]);
  return r;
}

ServerProcess::ServerProcess(const std::string& binary, const std::string& data_dir,
                             const std::vector<std::string>& extra) {
  std::vector<std::string> argv = {binary, "--listen", "127.0.0.1:0", "--data", data_dir};
  argv.insert(argv.end(), extra.begin(), extra.end());
  int err_pipe[2];
  if (pipe(err_pipe) != 0) return;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, err_pipe[1], 2);
  posix_spawn_file_actions_addclose(&fa, err_pipe[0]);
  auto args = Argv(argv);
  pid_t pid;
  const int rc = posix_spawn(&pid, args[0], &fa, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  close(err_pipe[1]);
  if (rc != 0) {
    close(err_pipe[0]);
    return;
  }
  pid_ = pid;
  err_fd_ = err_pipe[0];
  static const std::regex kListening("listening on [^ ]*:([0-9]+),");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  bool eof = false;
  while (!eof && std::chrono::steady_clock::now() < deadline) {
    pollfd fd = {err_fd_, POLLIN, 0};
    if (poll(&fd, 1, 500) <= 0) continue;
    ReadAvailable(err_fd_, &log_, &eof);
    std::smatch m;
    if (std::regex_search(log_, m, kListening)) {
      port_ = std::stoi(m[1]);
      return;
    }
  }
}

int ServerProcess::Stop(int sig) {
  if (pid_ < 0) return -1;
  kill(pid_, sig);
  bool eof = false;
  while (!eof) ReadAvailable(err_fd_, &log_, &eof);
  const int code = WaitExit(pid_);
  pid_ = -1;
  close(err_fd_);
  err_fd_ = -1;
  return code;
}

ServerProcess::~ServerProcess() {
  if (pid_ >= 0) Stop(SIGKILL);
}

}  // namespace entente::testing
