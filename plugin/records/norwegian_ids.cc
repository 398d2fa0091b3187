#include "plugin/records/norwegian_ids.h"

#include <algorithm>
#include <cctype>

namespace selvhjelp::plugin {
namespace {

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

// The mod-11 check digit of `digits` under `weights`; -1 when none exists (remainder 1).
int CheckDigit(std::string_view digits, std::initializer_list<int> weights) {
  int sum = 0;
  size_t i = 0;
  for (int w : weights) sum += w * (digits[i++] - '0');
  int k = 11 - sum % 11;
  if (k == 11) return 0;
  return k == 10 ? -1 : k;
}

}  // namespace

bool IsValidPersonNumber(std::string_view n) {
  if (n.size() != 11 || !AllDigits(n)) return false;
  int day = (n[0] - '0') * 10 + (n[1] - '0');
  int month = (n[2] - '0') * 10 + (n[3] - '0');
  if (day > 40) day -= 40;  // D-nummer
  if (month > 80) month -= 80;
  else if (month > 40) month -= 40;
  if (day < 1 || day > 31 || month < 1 || month > 12) return false;
  int k1 = CheckDigit(n, {3, 7, 6, 1, 8, 9, 4, 5, 2});
  int k2 = CheckDigit(n, {5, 4, 3, 2, 7, 6, 5, 4, 3, 2});
  return k1 == n[9] - '0' && k2 == n[10] - '0';
}

std::optional<std::string> WithPersonCheckDigits(std::string_view nine_digits) {
  if (nine_digits.size() != 9 || !AllDigits(nine_digits)) return std::nullopt;
  std::string n(nine_digits);
  const int k1 = CheckDigit(n, {3, 7, 6, 1, 8, 9, 4, 5, 2});
  if (k1 < 0) return std::nullopt;
  n.push_back(static_cast<char>('0' + k1));
  const int k2 = CheckDigit(n, {5, 4, 3, 2, 7, 6, 5, 4, 3, 2});
  if (k2 < 0) return std::nullopt;
  n.push_back(static_cast<char>('0' + k2));
  return n;
}

bool IsValidOrganisationNumber(std::string_view n) {
  return n.size() == 9 && AllDigits(n) && CheckDigit(n, {3, 2, 7, 6, 5, 4, 3, 2}) == n[8] - '0';
}

bool IsShortRegisterNumber(std::string_view n) { return n.size() <= 9 && AllDigits(n); }

}  // namespace selvhjelp::plugin
