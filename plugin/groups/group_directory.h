#pragma once
// GroupDirectory: the groups the service knows, indexed by place, and the rule that picks the
// ones a card shows. Immutable after Build; thread-safe to read.
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mappings/geography.h"
#include "plugin/groups/group.h"
#include "plugin/groups/nearest_index.h"
#include "plugin/groups/position.h"

namespace selvhjelp::plugin {

enum class Recipient { kPatient, kRelatives };

struct GroupMatch {
  std::vector<const Group*> municipality;  // meets in person in the patient's municipality
  std::vector<const Group*> county;        // elsewhere in the county
  std::vector<const Group*> region;        // elsewhere in the health region
  std::vector<const Group*> digital;       // digital groups (for everyone)
  std::vector<const Group*> alternatives;  // non-12-step groups, when the sections above hold none
  std::vector<const Group*> national;      // national services (helplines, ...): always last
  size_t size() const {
    return municipality.size() + county.size() + region.size() + digital.size() + alternatives.size() +
           national.size();
  }
  // All sections in the order a card shows them.
  std::vector<const Group*> InOrder() const;
};

// Groups seen as a list of const Group& (kept as pointers: the groups may be shared with the
// sources that read them, so a directory holds no copy of its own).
class GroupList {
 public:
  class Iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = Group;
    using difference_type = std::ptrdiff_t;
    using pointer = const Group*;
    using reference = const Group&;
    Iterator() = default;
    explicit Iterator(std::vector<const Group*>::const_iterator at) : at_(at) {}
    const Group& operator*() const { return **at_; }
    const Group* operator->() const { return *at_; }
    Iterator& operator++() { ++at_; return *this; }
    Iterator operator++(int) { Iterator before = *this; ++at_; return before; }
    bool operator==(const Iterator& other) const { return at_ == other.at_; }
    bool operator!=(const Iterator& other) const { return at_ != other.at_; }

   private:
    std::vector<const Group*>::const_iterator at_;
  };
  explicit GroupList(const std::vector<const Group*>& groups) : groups_(&groups) {}
  Iterator begin() const { return Iterator(groups_->begin()); }
  Iterator end() const { return Iterator(groups_->end()); }
  size_t size() const { return groups_->size(); }
  bool empty() const { return groups_->empty(); }
  const Group& operator[](size_t i) const { return *(*groups_)[i]; }

 private:
  const std::vector<const Group*>* groups_;
};

class GroupDirectory {
 public:
  // With `geography`, the health region of each county is known and Match adds a region section.
  static GroupDirectory Build(std::vector<Group> groups, const mappings::Geography* geography = nullptr);
  // The same over groups owned elsewhere: each of `groups` points into one of `owners`, which the
  // directory keeps alive (LiveDirectory shares its sources' content this way instead of copying).
  // `hidden` (also into `owners`) are groups only Find resolves: never matched, listed or counted
  // (groups.staleGroups: hide leaves a stale source's groups out of cards and searches, while a
  // record or a read naming one handed out a minute earlier still finds it).
  static GroupDirectory Build(std::vector<const Group*> groups,
                              std::vector<std::shared_ptr<const std::vector<Group>>> owners,
                              const mappings::Geography* geography = nullptr,
                              const std::vector<const Group*>& hidden = {});

  // Local first: groups in `municipality`, then the county, then the rest of the health region
  // (when built with a geography), then digital groups, each capped at
  // `per_section`. When every group chosen is a 12-step group and the directory has other groups
  // for this recipient (in the municipality, the county or digital), up to `per_section` of them
  // are added as alternatives. `municipality` may be empty (place unknown): digital groups only.
  // National services follow in a section of their own, last, also capped at `per_section`.
  // Contact points are listed as groups are: by their address and, beside it, in every
  // municipality of their `areas`. A group temporarily closed today (IsClosedOn, in UTC) is
  // not offered: a clinician can only send a patient to a group that meets now; it stays in
  // groups() and Find, so the directory's reads and exports still carry it, marked closed.
  // A non-empty `theme` keeps only groups with that theme ("alcohol", "drugs", ...). With `near`
  // (the patient's position), groups in the municipality, the county and the region come nearest
  // first (list order among equals); groups without coordinates follow in list order. The nearest
  // are found in k-d trees built once (NearestIndex), so a call costs about the same with and
  // without a position, whatever the directory's size.
  GroupMatch Match(const std::string& municipality, Recipient recipient, int per_section,
                   std::string_view theme = {}, std::optional<Position> near = std::nullopt) const;

  // Every group for `recipient` with `theme` (any when empty), in card order when `municipality`
  // is given (its groups, the county's, digital ones, national services) and in name order
  // otherwise; groups temporarily closed today are left out, as in Match. No cap.
  std::vector<const Group*> List(const std::string& municipality, Recipient recipient,
                                 std::string_view theme) const;

  size_t size() const { return groups_.size(); }
  // The group whose HealthcareServiceId is `id` (as records, GET /directory/groups and the app
  // name a group), hidden ones included, or null. A binary search over the ids' hashes, computed
  // once in Build; the few groups with the hash are compared by their id.
  const Group* Find(std::string_view id) const;
  // Every group, in name order.
  GroupList groups() const { return GroupList(groups_); }

 private:
  // The in-person groups of one municipality: all in list (name) order, and those with
  // coordinates in a tree.
  struct Area {
    std::vector<size_t> groups;
    NearestIndex nearest;
  };
  // Indexes into groups_ for one recipient kind, so a match never re-filters by audience.
  struct PlaceIndex {
    std::map<std::string, Area, std::less<>> by_municipality;  // in-person groups
    std::map<std::string, std::vector<std::string>, std::less<>> county_municipalities;  // sorted
    // A county's groups with coordinates, municipality by municipality in number order.
    std::map<std::string, NearestIndex, std::less<>> county_nearest;
    std::vector<size_t> digital;
    std::vector<size_t> national;  // national services, in name order (in no other list)
  };
  std::vector<std::shared_ptr<const std::vector<Group>>> owners_;
  std::vector<const Group*> groups_;  // into owners_, in name order
  // (hash of the HealthcareServiceId, group), by hash; among equal hashes in name order, then
  // hidden ones (Find takes the first whose id is the one asked for). 16 bytes a group, where a
  // map from id strings took about 70.
  struct IdHash {
    size_t hash;
    const Group* group;
  };
  std::vector<IdHash> by_id_;
  std::map<std::string, std::vector<std::string>> region_counties_;  // county -> other counties of its region
  bool any_closed_ = false;  // some group is temporarily closed: Match looks at today's date
  PlaceIndex for_patient_;
  PlaceIndex for_relatives_;
};

}  // namespace selvhjelp::plugin
