#include "plugin/groups/group_directory.h"

#include <algorithm>

namespace selvhjelp::plugin {

GroupDirectory GroupDirectory::Build(std::vector<Group> groups) {
  GroupDirectory d;
  d.groups_ = std::move(groups);
  // A stable order, so the same request gives the same card.
  std::stable_sort(d.groups_.begin(), d.groups_.end(),
                   [](const Group& a, const Group& b) { return a.name < b.name; });
  for (size_t i = 0; i < d.groups_.size(); ++i) {
    const Group& g = d.groups_[i];
    if (IsDigital(g)) d.digital_.push_back(i);
    if (MeetsInPerson(g) && g.address.municipality.size() == 4) {
      d.by_municipality_[g.address.municipality].push_back(i);
      d.by_county_[g.address.municipality.substr(0, 2)].push_back(i);
    }
  }
  return d;
}

GroupMatch GroupDirectory::Match(const std::string& municipality, Recipient recipient,
                                 int per_section) const {
  auto fits = [recipient](const Group& g) {
    return recipient == Recipient::kPatient ? ServesPerson(g) : ServesRelatives(g);
  };
  const size_t cap = static_cast<size_t>(per_section);
  GroupMatch match;
  std::vector<const Group*> other_candidates;  // non-12-step groups not chosen
  auto take = [&](const std::vector<size_t>& indexes, std::vector<const Group*>& out,
                  auto&& also_skip) {
    for (size_t i : indexes) {
      const Group& g = groups_[i];
      if (!fits(g) || also_skip(g)) continue;
      if (out.size() < cap) {
        out.push_back(&g);
      } else if (!g.twelve_step && other_candidates.size() < cap) {
        other_candidates.push_back(&g);
      }
    }
  };
  auto none = [](const Group&) { return false; };
  if (municipality.size() == 4) {
    if (auto it = by_municipality_.find(municipality); it != by_municipality_.end()) {
      take(it->second, match.municipality, none);
    }
    if (auto it = by_county_.find(municipality.substr(0, 2)); it != by_county_.end()) {
      take(it->second, match.county,
           [&](const Group& g) { return g.address.municipality == municipality; });
    }
  }
  auto chosen_in_person = [&](const Group& g) {
    auto has = [&g](const std::vector<const Group*>& list) {
      return std::find(list.begin(), list.end(), &g) != list.end();
    };
    return has(match.municipality) || has(match.county);
  };
  take(digital_, match.digital, chosen_in_person);
  auto is_twelve_step = [](const Group* g) { return g->twelve_step; };
  bool all_twelve_step = std::all_of(match.municipality.begin(), match.municipality.end(), is_twelve_step) &&
                         std::all_of(match.county.begin(), match.county.end(), is_twelve_step) &&
                         std::all_of(match.digital.begin(), match.digital.end(), is_twelve_step);
  if (all_twelve_step) match.alternatives = std::move(other_candidates);
  return match;
}

}  // namespace selvhjelp::plugin
