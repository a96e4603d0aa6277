// Copyright 2026 The gogocache Authors.

#include "peer/peer_server.h"

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "grpcpp/grpcpp.h"
#include "peer/peer_list.h"
#include "peer/peer_server_impl.h"

namespace gogocache {
namespace {

// How often a connection with calls open is pinged, and how long a ping
// may go unanswered before the connection is closed.
constexpr int kKeepaliveTimeMs = 20000;
constexpr int kKeepaliveTimeoutMs = 10000;

}  // namespace

absl::StatusOr<std::unique_ptr<PeerServer>> PeerServer::Start(
    PeerServerOptions options) {
  // Port 0 (the system chooses) is valid here, unlike in a peer list.
  std::string address = options.listen_address;
  if (absl::EndsWith(address, ":0")) address.back() = '1';
  if (absl::Status status = CheckPeerAddress(address); !status.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("PeerServerOptions.listen_address: ", status.message()));
  }
  if (options.max_message_bytes < kMinMessageBytes ||
      options.max_message_bytes > kMaxMessageBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "PeerServerOptions.max_message_bytes is ", options.max_message_bytes,
        ", must be in [", kMinMessageBytes, ", ", kMaxMessageBytes, "]"));
  }
  if (options.max_concurrent_requests < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("PeerServerOptions.max_concurrent_requests is ",
                     options.max_concurrent_requests, ", must be at least 1"));
  }
  if (options.max_get_streams < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("PeerServerOptions.max_get_streams is ",
                     options.max_get_streams, ", must be at least 1"));
  }
  if (options.polling_threads < 1 || options.polling_threads > 64 ||
      options.worker_threads < 1 || options.worker_threads > 1024) {
    return absl::InvalidArgumentError(absl::StrCat(
        "PeerServerOptions: polling_threads is ", options.polling_threads,
        " and worker_threads ", options.worker_threads,
        "; they must be in [1, 64] and [1, 1024]"));
  }
  std::shared_ptr<grpc::ServerCredentials> credentials;
  if (options.tls.has_value()) {
    grpc::SslServerCredentialsOptions ssl(
        GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
    ssl.pem_root_certs = options.tls->ca_pem;
    ssl.pem_key_cert_pairs.push_back(
        {options.tls->key_pem, options.tls->cert_pem});
    credentials = grpc::SslServerCredentials(ssl);
  } else {
    credentials = grpc::InsecureServerCredentials();
  }
  std::unique_ptr<PeerServer> server(new PeerServer());
  server->impl_ = std::make_unique<Impl>(options);
  grpc::ServerBuilder builder;
  builder.AddListeningPort(options.listen_address, credentials, &server->port_);
  builder.RegisterService(&server->impl_->service);
  builder.SetMaxReceiveMessageSize(static_cast<int>(options.max_message_bytes));
  builder.SetMaxSendMessageSize(static_cast<int>(options.max_message_bytes));
  // gRPC sets SO_REUSEPORT by default, which lets a second server listen on
  // a port in use and take a share of its connections.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  // The server's deadline filter arms a timer for every call. The asker
  // keeps its own deadline and cancels the call, or the Get stream, when it
  // passes, which ends it here too; a load still running then fills the
  // group anyway. An asker that vanishes without a word (a crashed host)
  // leaves its calls and its idle streams to keepalive: a connection that
  // does not answer a ping within kKeepaliveTimeoutMs is closed, and all on
  // it with it.
  builder.AddChannelArgument(GRPC_ARG_ENABLE_DEADLINE_CHECKS, 0);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, kKeepaliveTimeMs);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS,
                             kKeepaliveTimeoutMs);
  for (int i = 0; i < options.polling_threads; ++i) {
    server->queues_.push_back(builder.AddCompletionQueue());
  }
  server->server_ = builder.BuildAndStart();
  if (server->server_ == nullptr || server->port_ == 0) {
    return absl::UnavailableError(absl::StrCat(
        "cannot listen on ", options.listen_address,
        " (in use, not an address of this machine, or a bad TLS key "
        "or certificate)"));
  }
  for (const auto& queue : server->queues_) {
    server->pollers_.emplace_back([impl = server->impl_.get(),
                                   queue = queue.get()] { impl->Poll(queue); });
  }
  return server;
}

absl::Status PeerServer::AddGroup(CacheGroup* group) {
  if (group == nullptr) {
    return absl::InvalidArgumentError("PeerServer::AddGroup: group is null");
  }
  std::lock_guard<std::mutex> lock(shutdown_mu_);
  if (impl_ == nullptr) {
    return absl::FailedPreconditionError(
        "PeerServer::AddGroup: the server is shut down");
  }
  return impl_->AddGroup(group);
}

PeerServer::PeerServer() = default;

PeerServer::~PeerServer() { Shutdown(); }

void PeerServer::Shutdown() {
  std::lock_guard<std::mutex> lock(shutdown_mu_);
  if (impl_ == nullptr) return;
  if (server_ != nullptr) {
    // Get streams end at once; Sets and Removes still running get a
    // second, then gRPC cancels them. Work posted for them still runs, and
    // answers into the queues, which the pollers drain until they are shut
    // down.
    impl_->EndGetStreams();
    server_->Shutdown(std::chrono::system_clock::now() +
                      std::chrono::seconds(1));
  }
  impl_->WaitForCalls();
  for (const auto& queue : queues_) queue->Shutdown();
  for (std::thread& poller : pollers_) poller.join();
  server_.reset();
  impl_.reset();
}

}  // namespace gogocache
