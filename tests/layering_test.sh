#!/usr/bin/env bash
# Fails when a lower layer includes a higher one, or third-party headers leak out of their adapters.
set -u
root=${1:-.}
cd "$root" || exit 2
fail=0
check() {  # check DIR PATTERN WHY
  local hits
  hits=$(grep -rnE "$2" "$1" --include='*.h' --include='*.cc' || true)
  if [ -n "$hits" ]; then echo "layering: $3"; echo "$hits"; fail=1; fi
}
check fhir '#include "(plugin|config|mappings)/' "fhir/ must not include plugin/, config/ or mappings/"
check mappings '#include "(plugin|config)/' "mappings/ must not include plugin/ or config/"
check config '#include "(plugin|mappings)/' "config/ must not include plugin/ or mappings/"
check plugin/cds '#include "plugin/http/' "plugin/cds must not include plugin/http"
for f in $(grep -rlE '#include <rapidjson/' --include='*.h' --include='*.cc' fhir plugin config mappings); do
  case "$f" in fhir/json/*.cc) ;; *) echo "layering: RapidJSON outside fhir/json/*.cc: $f"; fail=1 ;; esac
done
for f in $(grep -rlE '#include <cpprest/' --include='*.h' --include='*.cc' fhir plugin config mappings); do
  case "$f" in plugin/http/*.cc|fhir/client/rest_fhir_client.cc) ;; *) echo "layering: cpprestsdk outside its adapters: $f"; fail=1 ;; esac
done
for f in $(grep -rlE '#include <boost/(beast|asio)' --include='*.h' --include='*.cc' fhir plugin config mappings); do
  case "$f" in plugin/http/listener.cc) ;; *) echo "layering: Boost.Beast/Asio outside the listener: $f"; fail=1 ;; esac
done
for f in $(grep -rlE '#include <(cairo|pango)' --include='*.h' --include='*.cc' fhir plugin config mappings); do
  case "$f" in plugin/handout/*.cc) ;; *) echo "layering: cairo/pango outside plugin/handout/*.cc: $f"; fail=1 ;; esac
done
for f in $(grep -rlE '#include <(libpq-fe|libpq/|postgres)' --include='*.h' --include='*.cc' fhir plugin config mappings); do
  case "$f" in plugin/store/pg_*.cc) ;; *) echo "layering: libpq outside plugin/store/pg_*.cc: $f"; fail=1 ;; esac
done
check plugin/handout '#include "plugin/(cds|records|store|http|audit|auth)/' "plugin/handout may use only the group model (plugin/groups/group.h, meeting_words.h)"
[ $fail -eq 0 ] && echo "layering: ok"
exit $fail
