#pragma once
// SeenIds: the ids of the groups a source read has kept so far, to find a duplicate.
// The ids are kept in blocks of their own, not a heap node each: nodes freed at the end of a read
// would leave a hole beside each group's strings and vectors, which the next read of the source
// fills while these groups are still served; when they are freed, few whole pages would be.
#include <memory_resource>
#include <set>
#include <string>
#include <string_view>

namespace selvhjelp::plugin {

class SeenIds {
 public:
  // True the first time `id` is added.
  bool Add(std::string_view id) { return ids_.emplace(id).second; }

 private:
  std::pmr::monotonic_buffer_resource blocks_;
  std::pmr::set<std::pmr::string> ids_{&blocks_};
};

}  // namespace selvhjelp::plugin
