#include <boost/test/unit_test.hpp>

#include "tests/plugin/handout/handout_test_util.h"

using namespace selvhjelp::plugin;
using namespace selvhjelp::plugin::testing;
namespace fs = std::filesystem;

namespace {

// A copy of the shipped language files in a fresh folder, to break on purpose.
fs::path CopyOfShippedTexts(const std::string& name) {
  fs::path dir = fs::temp_directory_path() / ("selvhjelp-" + std::to_string(getpid()) + "-" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  for (const auto& entry : fs::directory_iterator(kHandoutTexts)) fs::copy_file(entry.path(), dir / entry.path().filename());
  return dir;
}

std::string ReadAll(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

int LineOf(const std::string& text, const std::string& needle) {
  size_t at = text.find(needle);
  return at == std::string::npos ? 0 : 1 + static_cast<int>(std::count(text.begin(), text.begin() + at, '\n'));
}

}  // namespace

BOOST_AUTO_TEST_CASE(shipped_texts_load_with_nb_nn_en) {
  auto texts = LoadHandoutTexts(kHandoutTexts);
  BOOST_REQUIRE_MESSAGE(texts.ok(), texts.status().message());
  for (const char* lang : {"nb", "nn", "en"}) BOOST_TEST(texts->HasLanguage(lang));
}

BOOST_AUTO_TEST_CASE(a_key_missing_in_one_language_names_file_line_and_key) {
  fs::path dir = CopyOfShippedTexts("missing-key");
  std::string nn = ReadAll(dir / "nn.json");
  const std::string line = "    \"footer.heading\": \"Spørsmål?\",\n";
  BOOST_REQUIRE(nn.find(line) != std::string::npos);
  nn.erase(nn.find(line), line.size());
  std::ofstream(dir / "nn.json", std::ios::binary) << nn;
  auto texts = LoadHandoutTexts(dir);
  BOOST_REQUIRE(!texts.ok());
  const std::string expected = (dir / "nn.json").string() + ":" + std::to_string(LineOf(nn, "\"texts\"")) +
                               ": texts.footer.heading: missing";
  BOOST_TEST(texts.status().message().find(expected) != std::string::npos, texts.status().message());
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(a_key_the_renderer_needs_missing_everywhere_is_reported_per_file) {
  fs::path dir = CopyOfShippedTexts("missing-everywhere");
  for (const char* lang : {"nb", "nn", "en"}) {
    fs::path file = dir / (std::string(lang) + ".json");
    std::string text = ReadAll(file);
    size_t at = text.find("    \"note.closing\"");
    BOOST_REQUIRE(at != std::string::npos);
    text.erase(at, text.find('\n', at) + 1 - at);
    std::ofstream(file, std::ios::binary) << text;
  }
  auto texts = LoadHandoutTexts(dir);
  BOOST_REQUIRE(!texts.ok());
  for (const char* lang : {"nb", "nn", "en"}) {
    BOOST_TEST(texts.status().message().find((dir / (std::string(lang) + ".json")).string() + ":") != std::string::npos);
  }
  BOOST_TEST(texts.status().message().find("texts.note.closing: missing (the renderer needs it)") != std::string::npos,
             texts.status().message());
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(bad_json_and_wrong_types_name_file_and_line) {
  fs::path dir = CopyOfShippedTexts("bad-json");
  std::ofstream(dir / "se.json") << "{\n  \"language\": \"se\",\n  \"texts\": {\n    \"meta.direction\": \"ltr\",,\n  }\n}\n";
  std::ofstream(dir / "uk.json") << "{\n  \"language\": \"ru\",\n  \"texts\": {\n    \"meta.direction\": 7\n  }\n}\n";
  auto texts = LoadHandoutTexts(dir);
  BOOST_REQUIRE(!texts.ok());
  const std::string& message = texts.status().message();
  BOOST_TEST(message.find((dir / "se.json").string() + ":4") != std::string::npos, message);
  BOOST_TEST(message.find((dir / "uk.json").string() + ":2: language: 'ru' does not match the file name uk.json") !=
                 std::string::npos, message);
  BOOST_TEST(message.find((dir / "uk.json").string() + ":4: texts.meta.direction: expected a string") !=
                 std::string::npos, message);
  BOOST_TEST(message.find((dir / "uk.json").string() + ":3: texts.about.heading: missing (") != std::string::npos,
             message);
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(an_empty_folder_is_not_found) {
  fs::path dir = fs::temp_directory_path() / ("selvhjelp-" + std::to_string(getpid()) + "-empty");
  fs::create_directories(dir);
  auto texts = LoadHandoutTexts(dir);
  BOOST_TEST((texts.status().code() == selvhjelp::StatusCode::kNotFound));
  fs::remove_all(dir);
}
