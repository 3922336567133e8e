#pragma once
/// SessionLog over the SQLite SessionStore: what the loop records goes to the store.
#include "engine/ports.hpp"
#include "store/session_store.hpp"

namespace agentry::engine {

class StoreSessionLog final : public SessionLog {
 public:
  explicit StoreSessionLog(store::SessionStore& store) : store_(store) {}

  Result<std::string> create(const SessionInfo& info) override;
  Result<std::vector<Message>> load(const std::string& session_id) override;
  Result<SessionInfo> info(const std::string& session_id) override;
  Result<void> append(const std::string& session_id, const std::vector<Message>& messages,
                      const Usage& usage, std::optional<double> cost_usd) override;
  Result<void> finish(const std::string& session_id, const std::string& status,
                      const std::string& result) override;
  Result<void> record_compaction(const std::string& session_id,
                                 const Compaction& compaction) override;

 private:
  store::SessionStore& store_;
};

}  // namespace agentry::engine
