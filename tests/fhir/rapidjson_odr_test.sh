#!/usr/bin/env bash
# Fails when parsed_json.cc's RapidJSON (built with RAPIDJSON_SSE2) shares a symbol with the
# library's other RapidJSON users (built without it): two bodies for one inline function or
# template is an ODR violation, and the linker may then run the SIMD scan on a buffer that is not
# padded for it, or the scalar one where SIMD was meant. Usage: rapidjson_odr_test.sh LIBRARY.a
set -u
lib=$1
symbols=$(nm -C --defined-only -A "$lib") || { echo "cannot read $lib"; exit 2; }
simd=$(grep -E '^[^:]*:parsed_json\.cc\.o:' <<<"$symbols" | grep -E ' [WVu] ' | sed -E 's/^[^ ]* +[WVu] //')
fail=0
if [ -z "$(grep -F 'selvhjelp_rapidjson_sse2::' <<<"$simd")" ]; then
  echo "parsed_json.cc.o defines no RapidJSON symbol of its own namespace (selvhjelp_rapidjson_sse2)"; fail=1
fi
shared=$(grep -E '(^|[^_[:alnum:]])rapidjson::' <<<"$simd" || true)
if [ -n "$shared" ]; then
  echo "parsed_json.cc.o defines symbols of the shared rapidjson namespace:"; echo "$shared" | head -20; fail=1
fi
others=$(grep -vE '^[^:]*:parsed_json\.cc\.o:' <<<"$symbols" | grep -E ' [WVu] ' | sed -E 's/^[^ ]* +[WVu] //' | sort -u)
twice=$(comm -12 <(grep -F 'rapidjson' <<<"$simd" | sort -u) <(echo "$others"))
if [ -n "$twice" ]; then
  echo "RapidJSON symbols defined both by parsed_json.cc.o and another member:"; echo "$twice" | head -20; fail=1
fi
[ "$fail" = 0 ] && echo "parsed_json.cc's RapidJSON is its own: $(grep -c . <<<"$simd") symbols, none shared"
exit $fail
