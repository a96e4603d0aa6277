// Copyright 2026 The gogocache Authors.

#include "peer/peer_list.h"

#include "absl/algorithm/container.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace gogocache {
namespace {

absl::Status BadAddress(absl::string_view address, absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("peer address \"", absl::CHexEscape(address), "\" ", why,
                   " (want host:port, e.g. 10.0.0.7:8080 or [::1]:8080)"));
}

bool IsHostNameChar(char c) {
  return absl::ascii_isalnum(c) || c == '-' || c == '.' || c == '_';
}

}  // namespace

absl::Status CheckPeerAddress(absl::string_view address) {
  const size_t colon = address.rfind(':');
  if (colon == absl::string_view::npos) {
    return BadAddress(address, "has no port");
  }
  absl::string_view host = address.substr(0, colon);
  const absl::string_view port = address.substr(colon + 1);
  uint32_t port_number = 0;
  if (port.empty() || !absl::c_all_of(port, absl::ascii_isdigit) ||
      !absl::SimpleAtoi(port, &port_number) || port_number < 1 ||
      port_number > 65535) {
    return BadAddress(address, "has no port from 1 to 65535");
  }
  if (host.empty()) return BadAddress(address, "has no host");
  if (host.front() == '[') {
    if (host.size() < 3 || host.back() != ']') {
      return BadAddress(address, "has an unclosed IPv6 bracket");
    }
    host = host.substr(1, host.size() - 2);
    const bool ipv6 = absl::c_all_of(host, [](char c) {
      return absl::ascii_isxdigit(c) || c == ':' || c == '.';
    });
    if (!ipv6) return BadAddress(address, "has a malformed IPv6 address");
    return absl::OkStatus();
  }
  if (!absl::c_all_of(host, IsHostNameChar)) {
    return BadAddress(address,
                      "has a host with characters other than letters, digits, "
                      "'-', '.' and '_' (IPv6 goes in brackets)");
  }
  return absl::OkStatus();
}

absl::Status CheckPeerList(const std::vector<std::string>& addresses) {
  if (addresses.empty()) {
    return absl::InvalidArgumentError("the peer list is empty");
  }
  absl::flat_hash_set<absl::string_view> seen;
  for (const std::string& address : addresses) {
    if (absl::Status status = CheckPeerAddress(address); !status.ok()) {
      return status;
    }
    if (!seen.insert(address).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("peer address \"", address, "\" is listed twice"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> ParsePeerList(absl::string_view text) {
  std::vector<std::string> addresses;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    line = line.substr(0, line.find('#'));
    for (absl::string_view address :
         absl::StrSplit(line, absl::ByAnyChar(", \t\r"), absl::SkipEmpty())) {
      addresses.emplace_back(address);
    }
  }
  if (absl::Status status = CheckPeerList(addresses); !status.ok()) {
    return status;
  }
  return addresses;
}

}  // namespace gogocache
