// Copyright 2026 The gogocache Authors.

#include "cache/hash_lru.h"

namespace gogocache {

HashLru::HashLru() : nodes_(1, Node{0, kHead, kHead}) {}

void HashLru::Unlink(uint32_t node) {
  nodes_[nodes_[node].prev].next = nodes_[node].next;
  nodes_[nodes_[node].next].prev = nodes_[node].prev;
}

void HashLru::LinkFront(uint32_t node) {
  nodes_[node].prev = kHead;
  nodes_[node].next = nodes_[kHead].next;
  nodes_[nodes_[kHead].next].prev = node;
  nodes_[kHead].next = node;
}

bool HashLru::Access(uint32_t hash, size_t capacity) {
  const auto [it, inserted] = index_.try_emplace(hash, 0);
  if (!inserted) {
    if (nodes_[kHead].next != it->second) {
      Unlink(it->second);
      LinkFront(it->second);
    }
  } else if (free_.empty()) {
    it->second = static_cast<uint32_t>(nodes_.size());
    nodes_.push_back(Node{hash, kHead, kHead});
    LinkFront(it->second);
  } else {
    it->second = free_.back();
    free_.pop_back();
    nodes_[it->second].hash = hash;
    LinkFront(it->second);
  }
  while (index_.size() > (capacity > 0 ? capacity : 1)) {
    const uint32_t oldest = nodes_[kHead].prev;
    Unlink(oldest);
    index_.erase(nodes_[oldest].hash);
    free_.push_back(oldest);
  }
  return !inserted;
}

}  // namespace gogocache
