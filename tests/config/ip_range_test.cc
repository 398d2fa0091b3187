#include <boost/test/unit_test.hpp>

#include "config/ip_range.h"

using selvhjelp::config::IpRange;

BOOST_AUTO_TEST_CASE(an_ipv4_cidr_holds_its_addresses_and_their_mapped_forms) {
  auto range = IpRange::Parse("10.1.0.0/16");
  BOOST_REQUIRE(range.ok());
  BOOST_TEST(range->Contains("10.1.0.1"));
  BOOST_TEST(range->Contains("10.1.255.254"));
  BOOST_TEST(range->Contains("::ffff:10.1.2.3"));
  BOOST_TEST(!range->Contains("10.2.0.1"));
  BOOST_TEST(!range->Contains("2001:db8::1"));
  BOOST_TEST(!range->Contains("not an address"));
  BOOST_TEST(!range->Contains(""));
}

BOOST_AUTO_TEST_CASE(a_bare_address_is_a_range_of_one) {
  auto v4 = IpRange::Parse("192.0.2.7");
  BOOST_REQUIRE(v4.ok());
  BOOST_TEST(v4->Contains("192.0.2.7"));
  BOOST_TEST(!v4->Contains("192.0.2.8"));
  auto v6 = IpRange::Parse("::1");
  BOOST_REQUIRE(v6.ok());
  BOOST_TEST(v6->Contains("::1"));
  BOOST_TEST(!v6->Contains("127.0.0.1"));
}

BOOST_AUTO_TEST_CASE(ipv6_ranges_and_odd_prefix_lengths) {
  auto range = IpRange::Parse("2001:db8:80::/41");
  BOOST_REQUIRE(range.ok());
  BOOST_TEST(range->Contains("2001:db8:80::1"));
  BOOST_TEST(range->Contains("2001:db8:ff:ffff::1"));
  BOOST_TEST(!range->Contains("2001:db8:100::1"));
  auto all = IpRange::Parse("0.0.0.0/0");
  BOOST_REQUIRE(all.ok());
  BOOST_TEST(all->Contains("203.0.113.9"));
  BOOST_TEST(!all->Contains("2001:db8::1"));  // IPv4's everything is not IPv6's
}

BOOST_AUTO_TEST_CASE(malformed_ranges_are_refused_saying_why) {
  for (const char* bad : {"", "10.0.0", "10.0.0.0/33", "10.0.0.0/", "10.0.0.0/8x", "::/129", "10.0.0.1/8",
                          "proxy.example", "10.0.0.0/-1"}) {
    auto range = IpRange::Parse(bad);
    BOOST_TEST(!range.ok(), bad);
  }
  BOOST_TEST(IpRange::Parse("10.0.0.1/8").status().message() == "the address has bits set after the prefix length");
  BOOST_TEST(IpRange::Parse("10.0.0.0/33").status().message() == "expected a prefix length from 0 to 32 after '/'");
}
