#pragma once
// Shared by the handout tests: synthetic groups, the shipped texts, and reading a PDF back with
// poppler's command-line tools.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include "plugin/handout/handout.h"

namespace selvhjelp::plugin::testing {

inline const std::filesystem::path kHandoutTexts = std::filesystem::path(SELVHJELP_SOURCE_DIR) / "mappings/data/handout";

inline const mappings::TextCatalog& ShippedTexts() {
  static const mappings::TextCatalog texts = [] {
    auto loaded = LoadHandoutTexts(kHandoutTexts);
    if (!loaded.ok()) throw std::runtime_error(loaded.status().message());
    return std::move(*loaded);
  }();
  return texts;
}

// Synthetic groups: a weekly AA meeting, an online NA meeting, a Selvhjelp Norge contact point
// without meetings, and a monthly Al-Anon group for relatives.
inline std::vector<Group> SyntheticGroups() {
  Group aa;
  aa.id = "aa-1";
  aa.name = "AA Nygårdsgruppen";
  aa.organisation = "AA";
  aa.twelve_step = true;
  aa.meetings = {{"FREQ=WEEKLY;BYDAY=TU", "19:00", "PT90M"}};
  aa.address = {"Kirkegata 3", "4601", "5015", "Bergen", std::nullopt, std::nullopt};
  aa.details.Edit().phone = "+47 912 34 567";
  Group na;
  na.id = "na-1";
  na.name = "NA Nettmøte kveld";
  na.organisation = "NA";
  na.twelve_step = true;
  na.format = Format::kDigital;
  na.meetings = {{"FREQ=WEEKLY;BYDAY=MO,TH", "20:00", ""}};
  na.details.Edit().website = "na.example.org";
  Group link;
  link.id = "sn-1";
  link.name = "Samtalegruppe rus og mestring";
  link.organisation = "Selvhjelp Norge";
  link.audience = Audience::kBoth;
  link.address = {"", "4601", "", "Bergen", std::nullopt, std::nullopt};
  link.details.Edit().email = "kontakt@selvhjelp.example";
  Group alanon;
  alanon.id = "al-1";
  alanon.name = "Al-Anon Sentrum";
  alanon.organisation = "Al-Anon";
  alanon.audience = Audience::kRelatives;
  alanon.twelve_step = true;
  alanon.meetings = {{"FREQ=MONTHLY;BYDAY=2TU", "18:00", ""}};
  alanon.address = {"Torget 1", "4601", "5014", "Bergen", std::nullopt, std::nullopt};
  return {aa, na, link, alanon};
}

inline std::string RunCommand(const std::string& command) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  char buffer[4096];
  for (size_t n; (n = fread(buffer, 1, sizeof buffer, pipe)) > 0;) out.append(buffer, n);
  pclose(pipe);
  return out;
}

// Whitespace runs become one space, so text broken across lines still matches.
inline std::string Squeeze(const std::string& text) {
  std::string out;
  for (char c : text) {
    const bool space = c == ' ' || c == '\n' || c == '\t' || c == '\f' || c == '\r';
    if (space && (out.empty() || out.back() == ' ')) continue;
    out.push_back(space ? ' ' : c);
  }
  return out;
}

inline std::filesystem::path WriteTemp(const std::string& name, const std::string& bytes) {
  std::filesystem::path file = std::filesystem::temp_directory_path() /
                               ("selvhjelp-" + std::to_string(getpid()) + "-" + name);
  std::ofstream(file, std::ios::binary) << bytes;
  return file;
}

// The PDF's text as poppler reads it, whitespace squeezed.
inline std::string PdfText(const std::string& pdf, const std::string& name) {
  std::filesystem::path file = WriteTemp(name, pdf);
  std::string text = Squeeze(RunCommand(std::string(PDFTOTEXT) + " -enc UTF-8 " + file.string() + " - 2>&1"));
  std::filesystem::remove(file);
  return text;
}

// pdfinfo's report (stderr included, so a broken cross-reference table shows).
inline std::string PdfInfo(const std::string& pdf, const std::string& name) {
  std::filesystem::path file = WriteTemp(name, pdf);
  std::string info = RunCommand(std::string(PDFINFO) + " " + file.string() + " 2>&1");
  std::filesystem::remove(file);
  return info;
}

}  // namespace selvhjelp::plugin::testing
