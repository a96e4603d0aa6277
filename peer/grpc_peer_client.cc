// Copyright 2026 The gogocache Authors.

#include "peer/grpc_peer_client.h"

#include <algorithm>
#include <limits>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"
#include "peer/peer.grpc.pb.h"
#include "peer/peer_status.h"

namespace gogocache {
namespace {

// Room for a request's field tags and lengths.
constexpr size_t kEnvelopeBytes = 64;

// Completion queues for calls, each used by one call at a time and kept for
// the next, up to kMaxIdle of them. gRPC's synchronous API makes and
// destroys a queue for every call, a cost each peer fetch would pay
// (docs/benchmarks.md, "gRPC's per-call costs"). Take and Return may be
// called from any thread.
class QueuePool {
 public:
  QueuePool() = default;
  QueuePool(const QueuePool&) = delete;
  QueuePool& operator=(const QueuePool&) = delete;

  // Every queue taken must have been returned.
  ~QueuePool() {
    for (std::unique_ptr<grpc::CompletionQueue>& queue : idle_) {
      Close(std::move(queue));
    }
  }

  // A queue with nothing on it, kept or new.
  std::unique_ptr<grpc::CompletionQueue> Take() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!idle_.empty()) {
        std::unique_ptr<grpc::CompletionQueue> queue = std::move(idle_.back());
        idle_.pop_back();
        return queue;
      }
    }
    return std::make_unique<grpc::CompletionQueue>();
  }

  // `queue` must have no call left on it.
  void Return(std::unique_ptr<grpc::CompletionQueue> queue) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (idle_.size() < kMaxIdle) {
        idle_.push_back(std::move(queue));
        return;
      }
    }
    Close(std::move(queue));
  }

 private:
  // Idle queues kept: more than the calls a node's threads run at once.
  static constexpr size_t kMaxIdle = 64;

  static void Close(std::unique_ptr<grpc::CompletionQueue> queue) {
    queue->Shutdown();
    void* tag;
    bool ok;
    while (queue->Next(&tag, &ok)) {
    }
  }

  std::mutex mu_;
  std::vector<std::unique_ptr<grpc::CompletionQueue>> idle_
      ABSL_GUARDED_BY(mu_);
};

class GrpcPeerClient : public PeerClient {
 public:
  GrpcPeerClient(std::string address, const GrpcPeerClientOptions& options,
                 std::shared_ptr<grpc::ChannelCredentials> credentials)
      : address_(std::move(address)),
        timeout_(options.timeout),
        max_message_bytes_(options.max_message_bytes) {
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
    args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 1000);
    // Also the time a connection attempt (TCP, TLS, HTTP/2) may take: a
    // peer that accepts and never answers fails its calls at once after
    // it, instead of each call waiting for its deadline.
    args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 1000);
    // A failed call is not retried by gRPC, not even one that never reached
    // the peer (a connection closing under it): the pool answers it with a
    // local load. Without the retry filter no call keeps its messages for a
    // retry.
    args.SetInt(GRPC_ARG_ENABLE_RETRIES, 0);
    args.SetMaxReceiveMessageSize(static_cast<int>(max_message_bytes_));
    args.SetMaxSendMessageSize(static_cast<int>(max_message_bytes_));
    stub_ = peer::PeerService::NewStub(
        grpc::CreateCustomChannel(address_, credentials, args));
  }

  absl::Status Get(absl::string_view group, absl::string_view key,
                   absl::StatusOr<PeerValue>* answer) override {
    peer::GetRequest request;
    request.set_group(std::string(group));
    request.set_key(std::string(key));
    peer::GetResponse response;
    const grpc::Status status = Run(
        [&](grpc::ClientContext* context, grpc::CompletionQueue* queue) {
          return stub_->AsyncGet(context, request, queue);
        },
        &response);
    if (!status.ok()) return CallError("Get", status);
    if (response.has_error()) {
      *answer = FromWire(response.error());
    } else {
      const int64_t expires = response.expires_unix_nanos();
      *answer = PeerValue{
          std::move(*response.mutable_value()),
          expires == 0 ? absl::InfiniteFuture() : absl::FromUnixNanos(expires)};
    }
    return absl::OkStatus();
  }

  absl::Status Set(absl::string_view group, absl::string_view key,
                   absl::string_view value,
                   std::optional<absl::Time> expires) override {
    if (group.size() + key.size() + value.size() + kEnvelopeBytes >
        max_message_bytes_) {
      return absl::InvalidArgumentError(
          absl::StrCat("peer ", address_, ": a value of ", value.size(),
                       " bytes is over the message limit of ",
                       max_message_bytes_, " bytes"));
    }
    peer::SetRequest request;
    request.set_group(std::string(group));
    request.set_key(std::string(key));
    request.set_value(std::string(value));
    if (expires.has_value()) {
      request.set_expires_unix_nanos(
          *expires == absl::InfiniteFuture()
              ? std::numeric_limits<int64_t>::max()
              : std::max<int64_t>(absl::ToUnixNanos(*expires), 1));
    }
    peer::SetResponse response;
    const grpc::Status status = Run(
        [&](grpc::ClientContext* context, grpc::CompletionQueue* queue) {
          return stub_->AsyncSet(context, request, queue);
        },
        &response);
    if (!status.ok()) return CallError("Set", status);
    return Answer(response);
  }

  absl::Status Remove(absl::string_view group, absl::string_view key) override {
    peer::RemoveRequest request;
    request.set_group(std::string(group));
    request.set_key(std::string(key));
    peer::RemoveResponse response;
    const grpc::Status status = Run(
        [&](grpc::ClientContext* context, grpc::CompletionQueue* queue) {
          return stub_->AsyncRemove(context, request, queue);
        },
        &response);
    if (!status.ok()) return CallError("Remove", status);
    return Answer(response);
  }

  const std::string& address() const override { return address_; }

 private:
  // Runs the call `start` begins (a stub's Async method, given the call's
  // context and queue) to its end, within the timeout, and returns its
  // status; `response` holds the answer when it is OK.
  template <typename Start, typename Response>
  grpc::Status Run(Start start, Response* response) {
    std::unique_ptr<grpc::CompletionQueue> queue = queues_.Take();
    grpc::Status status;
    {
      grpc::ClientContext context;
      // An infinite timeout is gRPC's infinite deadline (time_point::max).
      context.set_deadline(absl::ToChronoTime(absl::Now() + timeout_));
      const auto reader = start(&context, queue.get());
      reader->Finish(response, &status, &status);
      // The call is one batch of operations, and Finish's tag its only
      // event: once it is out, the queue is empty again.
      void* tag = nullptr;
      bool ok = false;
      queue->Next(&tag, &ok);
    }
    queues_.Return(std::move(queue));
    return status;
  }

  absl::Status CallError(absl::string_view call,
                         const grpc::Status& status) const {
    return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                        absl::StrCat("peer ", address_, ": ", call,
                                     " failed: ", status.error_message()));
  }

  // The owner's error, said to come from it.
  template <typename Response>
  absl::Status Answer(const Response& response) const {
    if (!response.has_error()) return absl::OkStatus();
    const absl::Status error = FromWire(response.error());
    return absl::Status(error.code(),
                        absl::StrCat("peer ", address_, ": ", error.message()));
  }

  const std::string address_;
  const absl::Duration timeout_;
  const size_t max_message_bytes_;
  QueuePool queues_;
  std::unique_ptr<peer::PeerService::Stub> stub_;
};

}  // namespace

PeerConnector GrpcPeerConnector(GrpcPeerClientOptions options) {
  return [options = std::move(options)](const std::string& address)
             -> absl::StatusOr<std::shared_ptr<PeerClient>> {
    if (options.timeout <= absl::ZeroDuration()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "GrpcPeerClientOptions.timeout is ",
          absl::FormatDuration(options.timeout), ", must be positive"));
    }
    if (options.max_message_bytes < kMinMessageBytes ||
        options.max_message_bytes > kMaxMessageBytes) {
      return absl::InvalidArgumentError(
          absl::StrCat("GrpcPeerClientOptions.max_message_bytes is ",
                       options.max_message_bytes, ", must be in [",
                       kMinMessageBytes, ", ", kMaxMessageBytes, "]"));
    }
    std::shared_ptr<grpc::ChannelCredentials> credentials;
    if (options.tls.has_value()) {
      grpc::SslCredentialsOptions ssl;
      ssl.pem_root_certs = options.tls->ca_pem;
      ssl.pem_cert_chain = options.tls->cert_pem;
      ssl.pem_private_key = options.tls->key_pem;
      credentials = grpc::SslCredentials(ssl);
    } else {
      credentials = grpc::InsecureChannelCredentials();
    }
    return std::make_shared<GrpcPeerClient>(address, options,
                                            std::move(credentials));
  };
}

}  // namespace gogocache
