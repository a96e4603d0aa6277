// Copyright 2026 The gogocache Authors.
//
// PeerServer::Impl: what a PeerServer's requests share: the groups served,
// the limits, the worker threads, and the count of requests, calls and Get
// streams alive. peer_server_requests.cc answers the requests;
// peer_server.cc starts and stops the server. Internal to the peer_server
// target.

#ifndef GOGOCACHE_PEER_PEER_SERVER_IMPL_H_
#define GOGOCACHE_PEER_PEER_SERVER_IMPL_H_

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "cache/byte_view.h"
#include "cache/cache_group.h"
#include "grpcpp/grpcpp.h"
#include "peer/peer.grpc.pb.h"
#include "peer/peer_server.h"
#include "peer/peer_status.h"
#include "peer/served_group.h"
#include "peer/worker_pool.h"

namespace gogocache {

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

  // Room for a response's field tags and lengths.
  static constexpr size_t kEnvelopeBytes = 64;

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

}  // namespace gogocache

#endif  // GOGOCACHE_PEER_PEER_SERVER_IMPL_H_
