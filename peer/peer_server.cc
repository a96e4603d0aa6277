// Copyright 2026 The gogocache Authors.
//
// The server runs on gRPC's asynchronous API: each polling thread takes
// requests from its own completion queue and answers a Get of a key the
// group holds on the spot, with no thread handoff, and so a load too while
// the group's loads are quick (served_group.h); what may block (a slow
// getter, a store write) goes to a WorkerPool, and its answer back to the
// polling thread. The synchronous API spent twice the CPU per request here,
// a cost every peer fetch pays (see docs/benchmarks.md).

#include "peer/peer_server.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <limits>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "grpcpp/alarm.h"
#include "grpcpp/grpcpp.h"
#include "peer/peer.grpc.pb.h"
#include "peer/peer_list.h"
#include "peer/peer_status.h"
#include "peer/served_group.h"
#include "peer/worker_pool.h"

namespace gogocache {
namespace {

// Room for a response's field tags and lengths.
constexpr size_t kEnvelopeBytes = 64;
// How often a connection with calls open is pinged, and how long a ping
// may go unanswered before the connection is closed.
constexpr int kKeepaliveTimeMs = 20000;
constexpr int kKeepaliveTimeoutMs = 10000;

// A tag on a completion queue: a call, told each time its step completes.
class Tag {
 public:
  virtual ~Tag() = default;
  virtual void Proceed(bool ok) = 0;
};

// A status handed from a worker back to a call's polling thread: the worker
// Sends it, which wakes the polling thread with the call's tag, and the
// polling thread Takes it. A worker never calls into gRPC's call itself: the
// queue orders such calls in a way ThreadSanitizer cannot see, so it would
// report them as races.
class Handoff {
 public:
  // Polling thread, before the work is posted (the pool's lock orders it
  // before Send). The alarm is made on first use: most requests are
  // answered at once, and an alarm takes an allocation and a reference to
  // gRPC's library.
  void Prepare() {
    if (alarm_ == nullptr) alarm_ = std::make_unique<grpc::Alarm>();
  }

  // Worker thread.
  void Send(const grpc::Status& status, grpc::CompletionQueue* queue,
            Tag* tag) {
    grpc::Alarm* alarm;
    {
      std::lock_guard<std::mutex> lock(mu_);
      status_ = status;
      alarm = alarm_.get();
    }
    alarm->Set(queue, gpr_inf_past(GPR_CLOCK_MONOTONIC), tag);
  }

  // Polling thread, once the tag is out. Taking mu_ orders this after the
  // worker's Send and all it wrote before.
  grpc::Status Take() {
    std::lock_guard<std::mutex> lock(mu_);
    return status_;
  }

 private:
  std::unique_ptr<grpc::Alarm> alarm_;
  std::mutex mu_;
  grpc::Status status_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

class PeerServer::Impl {
 public:
  explicit Impl(const PeerServerOptions& options)
      : max_message_bytes_(options.max_message_bytes),
        max_concurrent_requests_(options.max_concurrent_requests),
        max_get_streams_(static_cast<size_t>(options.max_get_streams)),
        quick_loads_inline_(options.quick_loads_inline),
        workers_(options.worker_threads) {}

  // Waits until every call has been answered and deleted: after the
  // server's Shutdown, nothing new arrives, and the queues may be shut down
  // once nothing is left to answer into them.
  void WaitForCalls() {
    std::unique_lock<std::mutex> lock(live_mu_);
    no_calls_.wait(lock, [this] { return live_calls_ == 0; });
  }

  // Ends every Get stream, the idle ones waiting for their asker's next
  // request included, and refuses new ones: their askers load themselves.
  // Without it, the server's Shutdown would wait for its deadline on them.
  void EndGetStreams();

  absl::Status AddGroup(CacheGroup* group) {
    std::lock_guard<std::mutex> lock(mu_);
    if (!groups_.emplace(group->name(), std::make_unique<ServedGroup>(group))
             .second) {
      return absl::AlreadyExistsError(absl::StrCat(
          "a group named \"", group->name(), "\" is served already"));
    }
    return absl::OkStatus();
  }

  // Starts accepting each kind of request on `queue`, then serves it until
  // it is shut down and drained.
  void Poll(grpc::ServerCompletionQueue* queue);

  peer::PeerService::AsyncService service;
  WorkerPool& workers() { return workers_; }

 private:
  template <typename Request, typename Response>
  class Call;
  using SetCall = Call<peer::SetRequest, peer::SetResponse>;
  using RemoveCall = Call<peer::RemoveRequest, peer::RemoveResponse>;
  class GetStream;

  // Each request's first step, on the polling thread.
  static void HandleGet(Impl& impl, GetStream* stream);
  static void HandleSet(Impl& impl, SetCall* call);
  static void HandleRemove(Impl& impl, RemoveCall* call);

  ServedGroup* Find(const std::string& name) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = groups_.find(name);
    return it == groups_.end() ? nullptr : it->second.get();
  }

  // The gRPC error a request gets before any group looks at it, or OK.
  grpc::Status Refusal(const std::string& group_name, ServedGroup** group) {
    if (running_.load(std::memory_order_relaxed) > max_concurrent_requests_) {
      return grpc::Status(
          grpc::StatusCode::RESOURCE_EXHAUSTED,
          absl::StrCat("over ", max_concurrent_requests_,
                       " requests at once; try again or load it yourself"));
    }
    *group = Find(group_name);
    if (*group == nullptr) {
      return grpc::Status(
          grpc::StatusCode::NOT_FOUND,
          absl::StrCat("no group named \"",
                       absl::CHexEscape(group_name.substr(0, 256)),
                       "\" is served here"));
    }
    return grpc::Status::OK;
  }

  // Fills a Get's response from `value`, or says it is over the limit the
  // asker reads with (the same option on every node); a larger value the
  // asker loads itself.
  grpc::Status Answer(const absl::StatusOr<ByteView>& value, absl::Time expires,
                      peer::GetResponse* response) const {
    if (!value.ok()) {
      *response->mutable_error() = ToWire(value.status());
      return grpc::Status::OK;
    }
    if (value->size() + kEnvelopeBytes > max_message_bytes_) {
      return grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                          absl::StrCat("the value is ", value->size(),
                                       " bytes, over the message limit of ",
                                       max_message_bytes_));
    }
    response->set_value(value->data(), value->size());
    if (expires != absl::InfiniteFuture()) {
      response->set_expires_unix_nanos(
          std::max<int64_t>(absl::ToUnixNanos(expires), 1));
    }
    return grpc::Status::OK;
  }

  const size_t max_message_bytes_;
  const int max_concurrent_requests_;
  const size_t max_get_streams_;
  const bool quick_loads_inline_;
  // Requests between their arrival and their answer.
  std::atomic<int> running_{0};
  std::mutex mu_;
  absl::flat_hash_map<std::string, std::unique_ptr<ServedGroup>> groups_
      ABSL_GUARDED_BY(mu_);
  std::mutex live_mu_;
  std::condition_variable no_calls_;
  // Call and GetStream objects alive, listening ones included.
  int live_calls_ ABSL_GUARDED_BY(live_mu_) = 0;
  // Get streams accepted and not yet deleted.
  absl::flat_hash_set<GetStream*> open_streams_ ABSL_GUARDED_BY(live_mu_);
  bool ending_streams_ ABSL_GUARDED_BY(live_mu_) = false;
  WorkerPool workers_;
};

// One Set or Remove, from its arrival to its answer. Everything gRPC does
// with the call happens on its polling thread: a handler there either
// answers at once (Respond) or hands the work to a worker (Defer), whose
// answer (RespondLater) wakes the polling thread through the Handoff.
template <typename Request, typename Response>
class PeerServer::Impl::Call final : public Tag {
 public:
  using Accept = void (peer::PeerService::AsyncService::*)(
      grpc::ServerContext*, Request*,
      grpc::ServerAsyncResponseWriter<Response>*, grpc::CompletionQueue*,
      grpc::ServerCompletionQueue*, void*);
  using Handle = void (*)(Impl& impl, Call* call);

  // Waits for the next request of this kind on `queue`.
  static void Listen(Impl& impl, grpc::ServerCompletionQueue* queue,
                     Accept accept, Handle handle) {
    Call* call = new Call(impl, queue, accept, handle);
    (impl.service.*accept)(&call->context_, &call->request_, &call->responder_,
                           queue, queue, call);
  }

  void Proceed(bool ok) override {
    switch (state_) {
      case State::kListening:
        if (!ok) break;  // The server shuts down.
        Listen(impl_, queue_, accept_, handle_);
        impl_.running_.fetch_add(1, std::memory_order_relaxed);
        handle_(impl_, this);
        return;
      case State::kDeferred:
        return Respond(handoff_.Take());
      case State::kAnswered:
        break;
    }
    delete this;
  }

  // Sends the answer, `response` when `status` is OK. Polling thread only.
  void Respond(const grpc::Status& status) {
    impl_.running_.fetch_sub(1, std::memory_order_relaxed);
    state_ = State::kAnswered;
    if (status.ok()) {
      responder_.Finish(response_, status, this);
    } else {
      responder_.FinishWithError(status, this);
    }
  }

  // Runs `work` on a worker, which ends it with RespondLater. Polling thread
  // only.
  template <typename Work>
  void Defer(Work work) {
    state_ = State::kDeferred;
    handoff_.Prepare();
    impl_.workers().Post(std::move(work));
  }

  // Respond, from a worker: the polling thread sends it.
  void RespondLater(const grpc::Status& status) {
    handoff_.Send(status, queue_, this);
  }

  const Request& request() const { return request_; }
  Response* response() { return &response_; }

 private:
  enum class State { kListening, kDeferred, kAnswered };

  Call(Impl& impl, grpc::ServerCompletionQueue* queue, Accept accept,
       Handle handle)
      : impl_(impl),
        queue_(queue),
        accept_(accept),
        handle_(handle),
        responder_(&context_) {
    std::lock_guard<std::mutex> lock(impl_.live_mu_);
    ++impl_.live_calls_;
  }

  ~Call() override {
    std::lock_guard<std::mutex> lock(impl_.live_mu_);
    if (--impl_.live_calls_ == 0) impl_.no_calls_.notify_all();
  }

  Impl& impl_;
  grpc::ServerCompletionQueue* const queue_;
  const Accept accept_;
  const Handle handle_;
  grpc::ServerContext context_;
  Request request_;
  Response response_;
  grpc::ServerAsyncResponseWriter<Response> responder_;
  State state_ = State::kListening;  // Polling thread only.
  Handoff handoff_;
};

// One Get stream, from its arrival to its end: it reads a request, answers
// it, and only then reads the next, so a stream holds one request at a time
// and the stream's flow-control window holds back what its asker sends
// ahead. As with Call, gRPC is called on the polling thread only (but for
// Cancel), and a handler answers at once (Respond) or through a worker
// (Defer, RespondLater). A refusal ends the stream with its error; so does
// the end of the server.
class PeerServer::Impl::GetStream final : public Tag {
 public:
  // Waits for the next stream on `queue`.
  static void Listen(Impl& impl, grpc::ServerCompletionQueue* queue) {
    GetStream* stream = new GetStream(impl, queue);
    impl.service.RequestGet(&stream->context_, &stream->stream_, queue, queue,
                            stream);
  }

  void Proceed(bool ok) override {
    switch (state_) {
      case State::kListening:
        if (!ok) break;  // The server shuts down.
        Listen(impl_, queue_);
        if (grpc::Status refusal = Open(); !refusal.ok()) return End(refusal);
        return ReadNext();
      case State::kReading:
        if (!ok) return End(grpc::Status::OK);  // The asker is done.
        impl_.running_.fetch_add(1, std::memory_order_relaxed);
        return HandleGet(impl_, this);
      case State::kDeferred:
        return Respond(handoff_.Take());
      case State::kWriting:
        if (!ok) return End(grpc::Status::OK);  // The asker is gone.
        return ReadNext();
      case State::kEnding:
        break;
    }
    delete this;
  }

  // Sends the answer, `response` when `status` is OK; ends the stream with
  // `status` otherwise. Polling thread only.
  void Respond(const grpc::Status& status) {
    impl_.running_.fetch_sub(1, std::memory_order_relaxed);
    if (!status.ok()) return End(status);
    state_ = State::kWriting;
    stream_.Write(response_, this);
  }

  // Runs `work` on a worker, which ends it with RespondLater. Polling thread
  // only.
  template <typename Work>
  void Defer(Work work) {
    state_ = State::kDeferred;
    handoff_.Prepare();
    impl_.workers().Post(std::move(work));
  }

  // Respond, from a worker: the polling thread sends it.
  void RespondLater(const grpc::Status& status) {
    handoff_.Send(status, queue_, this);
  }

  // Ends the stream, from any thread. The caller holds impl_.live_mu_ and
  // found the stream in open_streams_, which keeps it from being deleted.
  void Cancel() { context_.TryCancel(); }

  const peer::GetRequest& request() const { return request_; }
  peer::GetResponse* response() { return &response_; }

 private:
  enum class State { kListening, kReading, kDeferred, kWriting, kEnding };

  GetStream(Impl& impl, grpc::ServerCompletionQueue* queue)
      : impl_(impl), queue_(queue), stream_(&context_) {
    std::lock_guard<std::mutex> lock(impl_.live_mu_);
    ++impl_.live_calls_;
  }

  ~GetStream() override {
    std::lock_guard<std::mutex> lock(impl_.live_mu_);
    impl_.open_streams_.erase(this);
    if (--impl_.live_calls_ == 0) impl_.no_calls_.notify_all();
  }

  // Counts the stream among those open, or refuses it.
  grpc::Status Open() {
    std::lock_guard<std::mutex> lock(impl_.live_mu_);
    if (impl_.ending_streams_) {
      return grpc::Status(grpc::StatusCode::UNAVAILABLE,
                          "the server shuts down");
    }
    if (impl_.open_streams_.size() >= impl_.max_get_streams_) {
      return grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                          absl::StrCat("over ", impl_.max_get_streams_,
                                       " Get streams open; load it yourself"));
    }
    impl_.open_streams_.insert(this);
    return grpc::Status::OK;
  }

  void ReadNext() {
    // New messages, not cleared ones: Clear keeps the capacity of a bytes
    // field, and a stream that sits idle for hours would hold the largest
    // key and value it ever carried.
    request_ = peer::GetRequest();
    response_ = peer::GetResponse();
    state_ = State::kReading;
    stream_.Read(&request_, this);
  }

  void End(const grpc::Status& status) {
    state_ = State::kEnding;
    stream_.Finish(status, this);
  }

  Impl& impl_;
  grpc::ServerCompletionQueue* const queue_;
  grpc::ServerContext context_;
  peer::GetRequest request_;
  peer::GetResponse response_;
  grpc::ServerAsyncReaderWriter<peer::GetResponse, peer::GetRequest> stream_;
  State state_ = State::kListening;  // Polling thread only.
  Handoff handoff_;
};

void PeerServer::Impl::EndGetStreams() {
  std::lock_guard<std::mutex> lock(live_mu_);
  ending_streams_ = true;
  for (GetStream* stream : open_streams_) stream->Cancel();
}

void PeerServer::Impl::HandleGet(Impl& impl, GetStream* stream) {
  ServedGroup* served = nullptr;
  if (grpc::Status refusal = impl.Refusal(stream->request().group(), &served);
      !refusal.ok()) {
    return stream->Respond(refusal);
  }
  ByteView held;
  absl::Time expires = absl::InfiniteFuture();
  if (served->group().GetForPeerIfHeld(stream->request().key(), &held,
                                       &expires)) {
    return stream->Respond(impl.Answer(held, expires, stream->response()));
  }
  if (impl.quick_loads_inline_ && served->LoadsAreQuick()) {
    std::optional<absl::StatusOr<ByteView>> loaded =
        served->LoadUnlessLoading(stream->request().key(), &expires);
    if (loaded.has_value()) {
      return stream->Respond(impl.Answer(*loaded, expires, stream->response()));
    }
  }
  stream->Defer([&impl, stream, served] {
    absl::Time expires = absl::InfiniteFuture();
    absl::StatusOr<ByteView> loaded =
        served->Load(stream->request().key(), &expires);
    stream->RespondLater(impl.Answer(loaded, expires, stream->response()));
  });
}

void PeerServer::Impl::HandleSet(Impl& impl, SetCall* call) {
  ServedGroup* served = nullptr;
  if (grpc::Status refusal = impl.Refusal(call->request().group(), &served);
      !refusal.ok()) {
    return call->Respond(refusal);
  }
  call->Defer([call, served] {
    const int64_t expires = call->request().expires_unix_nanos();
    std::optional<absl::Time> expiry;
    if (expires == std::numeric_limits<int64_t>::max()) {
      expiry = absl::InfiniteFuture();
    } else if (expires != 0) {
      expiry = absl::FromUnixNanos(expires);
    }
    const absl::Status status = served->group().SetForPeer(
        call->request().key(), call->request().value(), expiry);
    if (!status.ok()) *call->response()->mutable_error() = ToWire(status);
    call->RespondLater(grpc::Status::OK);
  });
}

void PeerServer::Impl::HandleRemove(Impl& impl, RemoveCall* call) {
  ServedGroup* served = nullptr;
  if (grpc::Status refusal = impl.Refusal(call->request().group(), &served);
      !refusal.ok()) {
    return call->Respond(refusal);
  }
  call->Defer([call, served] {
    const absl::Status status =
        served->group().RemoveForPeer(call->request().key());
    if (!status.ok()) *call->response()->mutable_error() = ToWire(status);
    call->RespondLater(grpc::Status::OK);
  });
}

void PeerServer::Impl::Poll(grpc::ServerCompletionQueue* queue) {
  using Service = peer::PeerService::AsyncService;
  GetStream::Listen(*this, queue);
  SetCall::Listen(*this, queue, &Service::RequestSet, &HandleSet);
  RemoveCall::Listen(*this, queue, &Service::RequestRemove, &HandleRemove);
  void* tag = nullptr;
  bool ok = false;
  while (queue->Next(&tag, &ok)) static_cast<Tag*>(tag)->Proceed(ok);
}

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
