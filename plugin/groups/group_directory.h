#pragma once
// GroupDirectory: the groups the service knows, indexed by place, and the rule that picks the
// ones a card shows. Immutable after Build; thread-safe to read.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "mappings/geography.h"
#include "plugin/groups/group.h"

namespace selvhjelp::plugin {

enum class Recipient { kPatient, kRelatives };

struct Position {
  double latitude = 0, longitude = 0;
};

// Great-circle distance in kilometres.
double DistanceKm(const Position& a, const Position& b);

struct GroupMatch {
  std::vector<const Group*> municipality;  // meets in person in the patient's municipality
  std::vector<const Group*> county;        // elsewhere in the county
  std::vector<const Group*> region;        // elsewhere in the health region
  std::vector<const Group*> digital;       // digital groups (for everyone)
  std::vector<const Group*> alternatives;  // non-12-step groups, when the sections above hold none
  size_t size() const {
    return municipality.size() + county.size() + region.size() + digital.size() + alternatives.size();
  }
  // All sections in the order a card shows them.
  std::vector<const Group*> InOrder() const;
};

class GroupDirectory {
 public:
  // With `geography`, the health region of each county is known and Match adds a region section.
  static GroupDirectory Build(std::vector<Group> groups, const mappings::Geography* geography = nullptr);

  // Local first: groups in `municipality`, then the county, then the rest of the health region
  // (when built with a geography), then digital groups, each capped at
  // `per_section`. When every group chosen is a 12-step group and the directory has other groups
  // for this recipient (in the municipality, the county or digital), up to `per_section` of them
  // are added as alternatives. `municipality` may be empty (place unknown): digital groups only.
  // A non-empty `theme` keeps only groups with that theme ("alcohol", "drugs", ...). With `near`
  // (the patient's position), groups in the municipality and county come nearest first; groups
  // without coordinates follow in name order.
  GroupMatch Match(const std::string& municipality, Recipient recipient, int per_section,
                   std::string_view theme = {}, std::optional<Position> near = std::nullopt) const;

  // Every group for `recipient` with `theme` (any when empty), in card order when `municipality`
  // is given (its groups, the county's, digital ones) and in name order otherwise. No cap.
  std::vector<const Group*> List(const std::string& municipality, Recipient recipient,
                                 std::string_view theme) const;

  size_t size() const { return groups_.size(); }
  const std::vector<Group>& groups() const { return groups_; }

 private:
  // Indexes into groups_ for one recipient kind, so a match never re-filters by audience.
  struct PlaceIndex {
    std::map<std::string, std::vector<size_t>, std::less<>> by_municipality;  // in-person groups
    std::map<std::string, std::vector<std::string>, std::less<>> county_municipalities;  // sorted
    std::vector<size_t> digital;
  };
  std::vector<Group> groups_;
  std::map<std::string, std::vector<std::string>> region_counties_;  // county -> other counties of its region
  PlaceIndex for_patient_;
  PlaceIndex for_relatives_;
};

}  // namespace selvhjelp::plugin
