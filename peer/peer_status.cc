// Copyright 2026 The gogocache Authors.

#include "peer/peer_status.h"

#include <string>

#include "absl/strings/str_cat.h"

namespace gogocache {

peer::Error ToWire(const absl::Status& status) {
  peer::Error error;
  error.set_code(static_cast<int32_t>(status.code()));
  error.set_message(std::string(status.message()));
  return error;
}

absl::Status FromWire(const peer::Error& error) {
  const int32_t code = error.code();
  if (code == 0) {
    return absl::InternalError(
        absl::StrCat("an error with code OK: ", error.message()));
  }
  if (code < 0 ||
      code > static_cast<int32_t>(absl::StatusCode::kUnauthenticated)) {
    return absl::UnknownError(
        absl::StrCat("error code ", code, ": ", error.message()));
  }
  return absl::Status(static_cast<absl::StatusCode>(code), error.message());
}

}  // namespace gogocache
