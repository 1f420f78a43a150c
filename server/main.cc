// entente-server: opens the database, serves gRPC until SIGTERM or SIGINT.
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "graph/ingestor.h"
#include "graph/reader.h"
#include "service/server.h"
#include "storage/store.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:50051",
          "HOST:PORT to serve gRPC on; port 0 picks a free port (printed at start)");
ABSL_FLAG(std::string, data, "./data", "directory of the RocksDB database; created if missing");
ABSL_FLAG(int, block_cache_mb, 64, "RocksDB block cache, MiB: bounds the server's read memory");
ABSL_FLAG(bool, sync, false,
          "fsync the write-ahead log before acknowledging each write: survives power loss, "
          "not only a crash of the server; slower");
ABSL_FLAG(int, grace_ms, 5000, "on SIGTERM, how long in-flight calls may run before cancelled");

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Entente gRPC server.\n\n"
      "  entente-server [--listen HOST:PORT] [--data DIR] [--sync]\n\n"
      "Example:\n  entente-server --listen 127.0.0.1:50051 --data ./data\n");
  absl::ParseCommandLine(argc, argv);

  // Block the stop signals in every thread; one thread waits for them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  const std::string dir = absl::GetFlag(FLAGS_data);
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    std::fprintf(stderr, "entente-server: cannot create --data %s: %s\n", dir.c_str(),
                 ec.message().c_str());
    return 1;
  }
  entente::storage::StoreOptions store_options;
  store_options.block_cache_bytes = static_cast<size_t>(absl::GetFlag(FLAGS_block_cache_mb)) << 20;
  store_options.sync = absl::GetFlag(FLAGS_sync);
  auto store = entente::storage::Store::Open(dir, store_options);
  if (!store.ok()) {
    std::fprintf(stderr, "entente-server: %s\n", store.status().ToString().c_str());
    return 1;
  }
  entente::graph::Ingestor ingestor(store->get());
  if (absl::Status s = ingestor.Init(); !s.ok()) {
    std::fprintf(stderr, "entente-server: %s\n", s.ToString().c_str());
    return 1;
  }
  entente::graph::GraphReader reader(store->get());
  entente::service::ServerOptions server_options;
  server_options.listen = absl::GetFlag(FLAGS_listen);
  auto server = entente::service::Server::Start(&ingestor, &reader, server_options);
  if (!server.ok()) {
    std::fprintf(stderr, "entente-server: %s\n", server.status().ToString().c_str());
    return 1;
  }
  const std::string host = server_options.listen.substr(0, server_options.listen.rfind(':'));
  std::fprintf(stderr, "entente-server: listening on %s:%d, data in %s\n", host.c_str(),
               (*server)->port(), dir.c_str());

  std::thread stopper([&] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    std::fprintf(stderr, "entente-server: %s received, shutting down\n",
                 sig == SIGTERM ? "SIGTERM" : "SIGINT");
    (*server)->Shutdown(std::chrono::milliseconds(absl::GetFlag(FLAGS_grace_ms)));
  });
  (*server)->Wait();
  stopper.join();
  if (absl::Status s = (*store)->Flush(); !s.ok()) {
    std::fprintf(stderr, "entente-server: flush: %s\n", s.ToString().c_str());
    return 1;
  }
  std::fprintf(stderr, "entente-server: stopped\n");
  return 0;
}
