// Copyright 2026 The gogocache Authors.
//
// How a PeerServer answers requests, on gRPC's asynchronous API: each
// polling thread takes requests from its own completion queue and answers a
// Get of a key the group holds on the spot, with no thread handoff, and so
// a load too while the group's loads are quick (served_group.h); what may
// block (a slow getter, a store write) goes to a WorkerPool, and its answer
// back to the polling thread. The synchronous API spent twice the CPU per
// request here, a cost every peer fetch pays (see docs/benchmarks.md).

#include <cstdint>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "grpcpp/alarm.h"
#include "grpcpp/grpcpp.h"
#include "peer/peer.grpc.pb.h"
#include "peer/peer_server_impl.h"
#include "peer/peer_status.h"
#include "peer/served_group.h"
#include "peer/worker_pool.h"

namespace gogocache {
namespace {

// A tag on a completion queue: a call, told each time its step completes.
class Tag {
 public:
  virtual ~Tag() = default;
  virtual void Proceed(bool ok) = 0;
};

// The tag of a call that may hand its work to a worker thread
// (PostToWorker). The worker's answer (RespondLater) is stored, and wakes
// the call's polling thread with the tag, whose Proceed takes it
// (TakeAnswer). A worker never calls into gRPC's call itself: the queue
// orders such calls in a way ThreadSanitizer cannot see, so it would report
// them as races.
class DeferringTag : public Tag {
 public:
  // The worker's answer; worker thread.
  void RespondLater(const grpc::Status& status) {
    grpc::Alarm* alarm;
    {
      std::lock_guard<std::mutex> lock(mu_);
      answer_ = status;
      alarm = alarm_.get();
    }
    alarm->Set(queue_, gpr_inf_past(GPR_CLOCK_MONOTONIC), this);
  }

 protected:
  explicit DeferringTag(grpc::ServerCompletionQueue* queue) : queue_(queue) {}

  // Runs `work`, which ends with RespondLater, on one of `workers`; polling
  // thread. The alarm is made on first use, before the work is posted (the
  // pool's lock orders it before RespondLater): most requests are answered
  // at once, and an alarm takes an allocation and a reference to gRPC's
  // library.
  template <typename Work>
  void PostToWorker(WorkerPool& workers, Work work) {
    if (alarm_ == nullptr) alarm_ = std::make_unique<grpc::Alarm>();
    workers.Post(std::move(work));
  }

  // The worker's answer; polling thread, once the tag is out. Taking mu_
  // orders this after RespondLater and all the worker wrote before.
  grpc::Status TakeAnswer() {
    std::lock_guard<std::mutex> lock(mu_);
    return answer_;
  }

  grpc::ServerCompletionQueue* const queue_;

 private:
  std::unique_ptr<grpc::Alarm> alarm_;
  std::mutex mu_;
  grpc::Status answer_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

// One Set or Remove, from its arrival to its answer. Everything gRPC does
// with the call happens on its polling thread: a handler there either
// answers at once (Respond) or hands the work to a worker (Defer), whose
// answer (RespondLater) wakes the polling thread.
template <typename Request, typename Response>
class PeerServer::Impl::Call final : public DeferringTag {
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
        return Respond(TakeAnswer());
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
    PostToWorker(impl_.workers(), std::move(work));
  }

  const Request& request() const { return request_; }
  Response* response() { return &response_; }

 private:
  enum class State { kListening, kDeferred, kAnswered };

  Call(Impl& impl, grpc::ServerCompletionQueue* queue, Accept accept,
       Handle handle)
      : DeferringTag(queue),
        impl_(impl),
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
  const Accept accept_;
  const Handle handle_;
  grpc::ServerContext context_;
  Request request_;
  Response response_;
  grpc::ServerAsyncResponseWriter<Response> responder_;
  State state_ = State::kListening;  // Polling thread only.
};

// One Get stream, from its arrival to its end: it reads a request, answers
// it, and only then reads the next, so a stream holds one request at a time
// and the stream's flow-control window holds back what its asker sends
// ahead. As with Call, gRPC is called on the polling thread only (but for
// Cancel), and a handler answers at once (Respond) or through a worker
// (Defer, RespondLater). A refusal ends the stream with its error; so does
// the end of the server.
class PeerServer::Impl::GetStream final : public DeferringTag {
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
        return Respond(TakeAnswer());
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
    PostToWorker(impl_.workers(), std::move(work));
  }

  // Ends the stream, from any thread. The caller holds impl_.live_mu_ and
  // found the stream in open_streams_, which keeps it from being deleted.
  void Cancel() { context_.TryCancel(); }

  const peer::GetRequest& request() const { return request_; }
  peer::GetResponse* response() { return &response_; }

 private:
  enum class State { kListening, kReading, kDeferred, kWriting, kEnding };

  GetStream(Impl& impl, grpc::ServerCompletionQueue* queue)
      : DeferringTag(queue), impl_(impl), stream_(&context_) {
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
  grpc::ServerContext context_;
  peer::GetRequest request_;
  peer::GetResponse response_;
  grpc::ServerAsyncReaderWriter<peer::GetResponse, peer::GetRequest> stream_;
  State state_ = State::kListening;  // Polling thread only.
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

}  // namespace gogocache
