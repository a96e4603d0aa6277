// Copyright 2026 The gogocache Authors.

#include "peer/grpc_peer_client.h"

#include <algorithm>
#include <chrono>
#include <deque>
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

// One Get stream to a peer (peer.proto), used by one caller at a time and
// kept for the next: a message on an open stream costs both processes far
// less CPU than a call, and each fetch's latency is mostly CPU. The stream
// has a completion queue of its own, so its caller waits on it alone.
class GetStream {
 public:
  explicit GetStream(peer::PeerService::Stub& stub)
      : stream_(stub.PrepareAsyncGet(&context_, &queue_)) {
    // The call's metadata leaves with the first request, in one batch; the
    // start itself then completes nothing on the queue.
    context_.set_initial_metadata_corked(true);
    stream_->StartCall(this);
  }

  GetStream(const GetStream&) = delete;
  GetStream& operator=(const GetStream&) = delete;

  ~GetStream() {
    if (!ended_) {
      context_.TryCancel();
      End(std::chrono::system_clock::time_point::max());
    }
    queue_.Shutdown();
    void* tag;
    bool ok;
    while (queue_.Next(&tag, &ok)) {
    }
  }

  // Sends `request` and reads its answer into `response`, by `deadline`.
  // An error ends the stream: DEADLINE_EXCEEDED when the deadline passed,
  // or the status the stream ended with (the peer's refusal, or the
  // connection's loss). The stream must not have ended.
  grpc::Status Exchange(const peer::GetRequest& request,
                        peer::GetResponse* response,
                        std::chrono::system_clock::time_point deadline) {
    stream_->Write(request, this);
    stream_->Read(response, this);
    pending_ += 2;
    bool failed = false;
    while (pending_ > 0) {
      void* tag = nullptr;
      bool ok = false;
      if (queue_.AsyncNext(&tag, &ok, deadline) !=
          grpc::CompletionQueue::GOT_EVENT) {
        context_.TryCancel();
        End(deadline);
        return DeadlineExceeded();
      }
      --pending_;
      failed |= !ok;
    }
    if (!failed) return grpc::Status::OK;
    grpc::Status status = End(deadline);
    if (status.ok()) {
      status = grpc::Status(grpc::StatusCode::UNAVAILABLE,
                            "the peer ended the stream");
    }
    return status;
  }

  // Whether the stream has ended; an ended stream is not used again.
  bool ended() const { return ended_; }

 private:
  // Waits for the operations pending, then for the stream's status. After
  // a failed operation the status is on its way; should a wait outlast
  // `deadline`, the stream is cancelled, which ends every wait at once, and
  // the status is DEADLINE_EXCEEDED.
  grpc::Status End(std::chrono::system_clock::time_point deadline) {
    void* tag = nullptr;
    bool ok = false;
    bool cancelled = false;
    const auto await = [&] {
      if (!cancelled && queue_.AsyncNext(&tag, &ok, deadline) ==
                            grpc::CompletionQueue::GOT_EVENT) {
        return;
      }
      if (!cancelled) context_.TryCancel();
      cancelled = true;
      queue_.Next(&tag, &ok);
    };
    for (; pending_ > 0; --pending_) await();
    grpc::Status status;
    stream_->Finish(&status, this);
    await();
    ended_ = true;
    return cancelled ? DeadlineExceeded() : status;
  }

  static grpc::Status DeadlineExceeded() {
    return grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED,
                        "no answer within the deadline");
  }

  grpc::ClientContext context_;
  grpc::CompletionQueue queue_;
  std::unique_ptr<
      grpc::ClientAsyncReaderWriter<peer::GetRequest, peer::GetResponse>>
      stream_;
  int pending_ = 0;  // Operations started and not yet out of queue_.
  bool ended_ = false;
};

class GrpcPeerClient : public PeerClient {
 public:
  GrpcPeerClient(std::string address, const GrpcPeerClientOptions& options,
                 std::shared_ptr<grpc::ChannelCredentials> credentials)
      : address_(std::move(address)),
        timeout_(options.timeout),
        idle_stream_lifetime_(options.idle_stream_lifetime),
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
    // An infinite timeout is gRPC's infinite deadline (time_point::max).
    const auto deadline = absl::ToChronoTime(absl::Now() + timeout_);
    bool kept = false;
    std::unique_ptr<GetStream> stream = TakeStream(&kept);
    grpc::Status status = stream->Exchange(request, &response, deadline);
    if (kept &&
        (status.error_code() == grpc::StatusCode::UNAVAILABLE ||
         status.error_code() == grpc::StatusCode::CANCELLED) &&
        std::chrono::system_clock::now() < deadline) {
      // A kept stream's end, not the peer's answer: the peer shut down
      // (which cancels its streams), restarted, or its connection closed,
      // most likely while the stream was idle. Gets can be asked twice:
      // once more, on a new stream, as the peer may be back.
      response.Clear();
      stream = std::make_unique<GetStream>(*stub_);
      status = stream->Exchange(request, &response, deadline);
    }
    if (!status.ok()) return CallError("Get", status);
    if (response.has_error()) {
      *answer = FromWire(response.error());
    } else {
      const int64_t expires = response.expires_unix_nanos();
      *answer = PeerValue{
          std::move(*response.mutable_value()),
          expires == 0 ? absl::InfiniteFuture() : absl::FromUnixNanos(expires)};
    }
    ReturnStream(std::move(stream));
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
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + timeout_));
    const grpc::Status status = stub_->Set(&context, request, &response);
    if (!status.ok()) return CallError("Set", status);
    return Answer(response);
  }

  absl::Status Remove(absl::string_view group, absl::string_view key) override {
    peer::RemoveRequest request;
    request.set_group(std::string(group));
    request.set_key(std::string(key));
    peer::RemoveResponse response;
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + timeout_));
    const grpc::Status status = stub_->Remove(&context, request, &response);
    if (!status.ok()) return CallError("Remove", status);
    return Answer(response);
  }

  const std::string& address() const override { return address_; }

 private:
  struct IdleStream {
    std::unique_ptr<GetStream> stream;
    absl::Time last_used;
  };

  // The stream used last, or a new one; `kept` tells which.
  std::unique_ptr<GetStream> TakeStream(bool* kept) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!idle_streams_.empty()) {
        std::unique_ptr<GetStream> stream =
            std::move(idle_streams_.back().stream);
        idle_streams_.pop_back();
        *kept = true;
        return stream;
      }
    }
    *kept = false;
    return std::make_unique<GetStream>(*stub_);
  }

  // Keeps `stream`, which just answered, for the next Get, and ends those
  // idle for longer than idle_stream_lifetime_: streams are taken last in,
  // first out, so the oldest are the ones beyond the fetches run at once of
  // late, and the peer counts them against its max_get_streams. Keeps
  // kMaxIdleStreams at most.
  void ReturnStream(std::unique_ptr<GetStream> stream) {
    std::vector<std::unique_ptr<GetStream>> stale;
    {
      std::lock_guard<std::mutex> lock(mu_);
      // Read under mu_, so that the deque is in order of last use.
      const absl::Time now = absl::Now();
      while (!idle_streams_.empty() &&
             now - idle_streams_.front().last_used > idle_stream_lifetime_) {
        stale.push_back(std::move(idle_streams_.front().stream));
        idle_streams_.pop_front();
      }
      if (idle_streams_.size() < kMaxIdleStreams) {
        idle_streams_.push_back({std::move(stream), now});
      }
    }
    // `stale` and a stream not kept end here, outside mu_.
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

  // Idle streams kept at most; beyond as many fetches at once, each opens
  // a stream of its own and ends it.
  static constexpr size_t kMaxIdleStreams = 64;

  const std::string address_;
  const absl::Duration timeout_;
  const absl::Duration idle_stream_lifetime_;
  const size_t max_message_bytes_;
  std::unique_ptr<peer::PeerService::Stub> stub_;
  std::mutex mu_;
  // Declared after stub_: a stream's end needs the channel. Oldest first.
  std::deque<IdleStream> idle_streams_ ABSL_GUARDED_BY(mu_);
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
    if (options.idle_stream_lifetime < absl::ZeroDuration()) {
      return absl::InvalidArgumentError(
          absl::StrCat("GrpcPeerClientOptions.idle_stream_lifetime is ",
                       absl::FormatDuration(options.idle_stream_lifetime),
                       ", must not be negative"));
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
