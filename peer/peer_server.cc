// Copyright 2026 The gogocache Authors.

#include "peer/peer_server.h"

#include <atomic>
#include <chrono>
#include <mutex>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "grpcpp/grpcpp.h"
#include "peer/peer.grpc.pb.h"
#include "peer/peer_list.h"
#include "peer/peer_status.h"

namespace gogocache {

class PeerServer::Service final : public peer::PeerService::Service {
 public:
  Service(size_t max_message_bytes, int max_concurrent_requests)
      : max_message_bytes_(max_message_bytes),
        max_concurrent_requests_(max_concurrent_requests) {}

  absl::Status AddGroup(CacheGroup* group) {
    std::lock_guard<std::mutex> lock(mu_);
    if (!groups_.emplace(group->name(), group).second) {
      return absl::AlreadyExistsError(absl::StrCat(
          "a group named \"", group->name(), "\" is served already"));
    }
    return absl::OkStatus();
  }

  grpc::Status Get(grpc::ServerContext*, const peer::GetRequest* request,
                   peer::GetResponse* response) override {
    Admission admission(this);
    if (!admission.admitted()) return Busy();
    CacheGroup* group = Find(request->group());
    if (group == nullptr) return UnknownGroup(request->group());
    absl::StatusOr<ByteView> value = group->GetForPeer(request->key());
    if (!value.ok()) {
      *response->mutable_error() = ToWire(value.status());
      return grpc::Status::OK;
    }
    // The response must fit the limit the asker reads with (the same
    // option on every node); a larger value the asker loads itself.
    if (value->size() + kEnvelopeBytes > max_message_bytes_) {
      return grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                          absl::StrCat("the value is ", value->size(),
                                       " bytes, over the message limit of ",
                                       max_message_bytes_));
    }
    response->set_value(value->ToString());
    return grpc::Status::OK;
  }

  grpc::Status Set(grpc::ServerContext*, const peer::SetRequest* request,
                   peer::SetResponse* response) override {
    Admission admission(this);
    if (!admission.admitted()) return Busy();
    CacheGroup* group = Find(request->group());
    if (group == nullptr) return UnknownGroup(request->group());
    const absl::Status status =
        group->SetForPeer(request->key(), request->value());
    if (!status.ok()) *response->mutable_error() = ToWire(status);
    return grpc::Status::OK;
  }

  grpc::Status Remove(grpc::ServerContext*, const peer::RemoveRequest* request,
                      peer::RemoveResponse* response) override {
    Admission admission(this);
    if (!admission.admitted()) return Busy();
    CacheGroup* group = Find(request->group());
    if (group == nullptr) return UnknownGroup(request->group());
    const absl::Status status = group->RemoveForPeer(request->key());
    if (!status.ok()) *response->mutable_error() = ToWire(status);
    return grpc::Status::OK;
  }

 private:
  // Room for a response's field tags and lengths.
  static constexpr size_t kEnvelopeBytes = 64;

  // Counts a request in while it runs, if there is room for it.
  class Admission {
   public:
    explicit Admission(Service* service) : service_(service) {
      admitted_ = service_->running_.fetch_add(1, std::memory_order_acq_rel) <
                  service_->max_concurrent_requests_;
    }
    ~Admission() { service_->running_.fetch_sub(1, std::memory_order_acq_rel); }
    bool admitted() const { return admitted_; }

   private:
    Service* const service_;
    bool admitted_;
  };

  CacheGroup* Find(const std::string& name) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = groups_.find(name);
    return it == groups_.end() ? nullptr : it->second;
  }

  grpc::Status Busy() const {
    return grpc::Status(
        grpc::StatusCode::RESOURCE_EXHAUSTED,
        absl::StrCat("over ", max_concurrent_requests_,
                     " requests at once; try again or load it yourself"));
  }

  static grpc::Status UnknownGroup(const std::string& name) {
    return grpc::Status(
        grpc::StatusCode::NOT_FOUND,
        absl::StrCat("no group named \"", absl::CHexEscape(name.substr(0, 256)),
                     "\" is served here"));
  }

  std::mutex mu_;
  absl::flat_hash_map<std::string, CacheGroup*> groups_ ABSL_GUARDED_BY(mu_);
  const size_t max_message_bytes_;
  const int max_concurrent_requests_;
  std::atomic<int> running_{0};
};

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
  std::unique_ptr<PeerServer> server(new PeerServer());
  server->service_ = std::make_unique<Service>(options.max_message_bytes,
                                               options.max_concurrent_requests);
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
  grpc::ServerBuilder builder;
  builder.AddListeningPort(options.listen_address, credentials, &server->port_);
  builder.RegisterService(server->service_.get());
  builder.SetMaxReceiveMessageSize(static_cast<int>(options.max_message_bytes));
  builder.SetMaxSendMessageSize(static_cast<int>(options.max_message_bytes));
  server->server_ = builder.BuildAndStart();
  if (server->server_ == nullptr || server->port_ == 0) {
    return absl::UnavailableError(absl::StrCat(
        "cannot listen on ", options.listen_address,
        " (in use, not an address of this machine, or a bad TLS key "
        "or certificate)"));
  }
  return server;
}

absl::Status PeerServer::AddGroup(CacheGroup* group) {
  if (group == nullptr) {
    return absl::InvalidArgumentError("PeerServer::AddGroup: group is null");
  }
  return service_->AddGroup(group);
}

PeerServer::~PeerServer() { Shutdown(); }

void PeerServer::Shutdown() {
  std::lock_guard<std::mutex> lock(shutdown_mu_);
  if (server_ == nullptr) return;
  server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
  server_->Wait();
  server_.reset();
}

}  // namespace gogocache
