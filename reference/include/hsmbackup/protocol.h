// The target protocol, reference side: newline-delimited JSON requests in,
// responses out (specified in conformance/PROTOCOL.md).
//
// ProtocolServer is transport-free: `hsmbackup serve` feeds it stdin lines
// and the conformance suite's in-process adapter calls it directly, so both
// adapters exercise the same mapping from World to observed state.
#ifndef HSMBACKUP_PROTOCOL_H_
#define HSMBACKUP_PROTOCOL_H_

#include <memory>

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "hsmbackup/engine.h"
#include "hsmbackup/model.h"

namespace hsmbackup {

inline constexpr std::string_view kProtocolVersion = "hsmbackup-target/1";

class ProtocolServer {
 public:
  ProtocolServer();
  ~ProtocolServer();

  // Handle answers one request line with one response line (no newline).
  // It never throws; malformed requests get an error response.
  std::string Handle(std::string_view request_line);
  // done is true after a "bye" request.
  bool done() const { return done_; }

 private:
  nlohmann::json Dispatch(std::string_view request_line);

  std::unique_ptr<World> world_;
  std::unique_ptr<Session> session_;
  bool done_ = false;
};

}  // namespace hsmbackup

#endif  // HSMBACKUP_PROTOCOL_H_
