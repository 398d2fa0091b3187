#include "plugin/groups/group_directory.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

namespace selvhjelp::plugin {

GroupDirectory GroupDirectory::Build(std::vector<Group> groups, const mappings::Geography* geography) {
  GroupDirectory d;
  d.groups_ = std::move(groups);
  // A stable order, so the same request gives the same card.
  std::stable_sort(d.groups_.begin(), d.groups_.end(),
                   [](const Group& a, const Group& b) { return a.name < b.name; });
  for (size_t i = 0; i < d.groups_.size(); ++i) {
    const Group& g = d.groups_[i];
    for (PlaceIndex* index : {ServesPerson(g) ? &d.for_patient_ : nullptr,
                              ServesRelatives(g) ? &d.for_relatives_ : nullptr}) {
      if (index == nullptr) continue;
      if (IsDigital(g)) index->digital.push_back(i);
      if (MeetsInPerson(g) && g.address.municipality.size() == 4) {
        auto [it, added] = index->by_municipality.try_emplace(g.address.municipality);
        it->second.push_back(i);
        if (added) index->county_municipalities[g.address.municipality.substr(0, 2)].push_back(it->first);
      }
    }
  }
  for (PlaceIndex* index : {&d.for_patient_, &d.for_relatives_}) {
    for (auto& [county, municipalities] : index->county_municipalities) {
      std::sort(municipalities.begin(), municipalities.end());
    }
  }
  if (geography != nullptr) {
    // Counties with groups, by region, so a match can look at the rest of the patient's region.
    std::map<std::string, std::set<std::string>> by_region;
    for (const PlaceIndex* index : {&d.for_patient_, &d.for_relatives_}) {
      for (const auto& [county, municipalities] : index->county_municipalities) {
        if (auto region = geography->HealthRegion(county)) by_region[*region].insert(county);
      }
    }
    for (const std::string& county : geography->Counties()) {
      auto region = by_region.find(geography->HealthRegion(county).value_or(""));
      if (region == by_region.end()) continue;
      for (const std::string& other : region->second) {
        if (other != county) d.region_counties_[county].push_back(other);
      }
    }
  }
  return d;
}

double DistanceKm(const Position& a, const Position& b) {
  constexpr double kEarthRadiusKm = 6371.0, kRadians = 3.14159265358979323846 / 180.0;
  const double dlat = (b.latitude - a.latitude) * kRadians, dlon = (b.longitude - a.longitude) * kRadians;
  const double h = std::sin(dlat / 2) * std::sin(dlat / 2) +
                   std::cos(a.latitude * kRadians) * std::cos(b.latitude * kRadians) * std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2 * kEarthRadiusKm * std::asin(std::sqrt(std::min(1.0, h)));
}

GroupMatch GroupDirectory::Match(const std::string& municipality, Recipient recipient,
                                 int per_section, std::string_view theme, std::optional<Position> near) const {
  const PlaceIndex& index = recipient == Recipient::kPatient ? for_patient_ : for_relatives_;
  const size_t cap = static_cast<size_t>(per_section);
  GroupMatch match;
  std::vector<const Group*> other_candidates;  // non-12-step groups not chosen
  using Lists = std::vector<const std::vector<size_t>*>;  // index lists visited in turn, never copied
  auto has_theme = [&](const Group& g) {
    return theme.empty() || std::find(g.themes.begin(), g.themes.end(), theme) != g.themes.end();
  };
  // Fills `out` with the first groups of `lists` (up to the cap), and other_candidates with the
  // next non-12-step ones, in list order.
  auto take = [&](const Lists& lists, std::vector<const Group*>& out, auto&& also_skip) {
    for (const std::vector<size_t>* list : lists) {
      for (size_t i : *list) {
        if (out.size() >= cap && other_candidates.size() >= cap) return;
        const Group& g = groups_[i];
        if (also_skip(g) || !has_theme(g)) continue;
        if (out.size() < cap) {
          out.push_back(&g);
        } else if (!g.twelve_step && other_candidates.size() < cap) {
          other_candidates.push_back(&g);
        }
      }
    }
  };
  // The same choice as `take` over the groups of `lists` sorted nearest first (list order among
  // equals; groups without coordinates last), without sorting them all: each distance is computed
  // once, and only the few that are taken are put in order (partial selection).
  auto take_nearest = [&](const Lists& lists, std::vector<const Group*>& out) {
    struct Candidate {
      double km;
      size_t order;  // position in list order: the tie-break a stable sort would keep
      size_t group;
      bool operator<(const Candidate& other) const { return km < other.km || (km == other.km && order < other.order); }
    };
    std::vector<Candidate> candidates;
    size_t order = 0;
    for (const std::vector<size_t>* list : lists) {
      for (size_t i : *list) {
        const Group& g = groups_[i];
        if (!has_theme(g)) continue;
        const GroupAddress& a = g.address;
        candidates.push_back({a.latitude && a.longitude ? DistanceKm(*near, {*a.latitude, *a.longitude})
                                                        : std::numeric_limits<double>::infinity(),
                              order++, i});
      }
    }
    const auto chosen_end = candidates.begin() +
                            static_cast<std::ptrdiff_t>(std::min(candidates.size(), cap - std::min(cap, out.size())));
    std::partial_sort(candidates.begin(), chosen_end, candidates.end());
    for (auto it = candidates.begin(); it != chosen_end; ++it) out.push_back(&groups_[it->group]);
    // Of the rest, the nearest non-12-step groups are the alternatives' candidates.
    const auto others_end = std::partition(chosen_end, candidates.end(),
                                           [&](const Candidate& c) { return !groups_[c.group].twelve_step; });
    const size_t wanted = cap - std::min(cap, other_candidates.size());
    const auto others_taken = chosen_end + static_cast<std::ptrdiff_t>(std::min<size_t>(wanted, others_end - chosen_end));
    std::partial_sort(chosen_end, others_taken, others_end);
    for (auto it = chosen_end; it != others_taken; ++it) other_candidates.push_back(&groups_[it->group]);
  };
  auto none = [](const Group&) { return false; };
  auto take_place = [&](const Lists& lists, std::vector<const Group*>& out) {
    near ? take_nearest(lists, out) : take(lists, out, none);
  };
  if (municipality.size() == 4) {
    if (auto it = index.by_municipality.find(municipality); it != index.by_municipality.end()) {
      take_place({&it->second}, match.municipality);
    }
    // The rest of the county: nearest first, or municipality by municipality (in number order).
    if (auto county = index.county_municipalities.find(municipality.substr(0, 2));
        county != index.county_municipalities.end()) {
      Lists rest;
      for (const std::string& other : county->second) {
        if (other != municipality) rest.push_back(&index.by_municipality.at(other));
      }
      take_place(rest, match.county);
    }
    // The rest of the health region, county by county.
    if (auto region = region_counties_.find(municipality.substr(0, 2)); region != region_counties_.end()) {
      Lists rest;
      for (const std::string& county : region->second) {
        auto in_county = index.county_municipalities.find(county);
        if (in_county == index.county_municipalities.end()) continue;
        for (const std::string& m : in_county->second) rest.push_back(&index.by_municipality.at(m));
      }
      take_place(rest, match.region);
    }
  }
  auto chosen_in_person = [&](const Group& g) {
    auto has = [&g](const std::vector<const Group*>& list) {
      return std::find(list.begin(), list.end(), &g) != list.end();
    };
    return has(match.municipality) || has(match.county) || has(match.region);
  };
  take({&index.digital}, match.digital, chosen_in_person);
  auto is_twelve_step = [](const Group* g) { return g->twelve_step; };
  bool all_twelve_step = std::all_of(match.municipality.begin(), match.municipality.end(), is_twelve_step) &&
                         std::all_of(match.county.begin(), match.county.end(), is_twelve_step) &&
                         std::all_of(match.region.begin(), match.region.end(), is_twelve_step) &&
                         std::all_of(match.digital.begin(), match.digital.end(), is_twelve_step);
  if (all_twelve_step) match.alternatives = std::move(other_candidates);
  return match;
}

std::vector<const Group*> GroupMatch::InOrder() const {
  std::vector<const Group*> all;
  for (const auto* section : {&municipality, &county, &region, &digital, &alternatives}) {
    all.insert(all.end(), section->begin(), section->end());
  }
  return all;
}

std::vector<const Group*> GroupDirectory::List(const std::string& municipality, Recipient recipient,
                                               std::string_view theme) const {
  constexpr int kNoCap = std::numeric_limits<int>::max();
  if (!municipality.empty()) return Match(municipality, recipient, kNoCap, theme).InOrder();
  std::vector<const Group*> all;
  for (const Group& g : groups_) {
    bool fits = recipient == Recipient::kPatient ? ServesPerson(g) : ServesRelatives(g);
    bool has_theme = theme.empty() || std::find(g.themes.begin(), g.themes.end(), theme) != g.themes.end();
    if (fits && has_theme) all.push_back(&g);
  }
  return all;
}

}  // namespace selvhjelp::plugin
