#!/usr/bin/env python3
"""Writes what bench/run.sh needs for one hook benchmark over GROUPS_JSON into DIR:

  DIR/config.json                 selvhjelp serve's config: GROUPS_JSON as the one source, the
                                  store in DIR, no JWT check (every token is single-use: jti)
  DIR/config-pg.json              the same with the PostgreSQL store at the URL in the
                                  environment variable SELVHJELP_BENCH_STORE_URL (store.url)
  DIR/with-position.json          a patient-view request of about 9.5 KB: the Bergen example
                                  with 25 more conditions, its patient's home address carrying a
                                  geolocation near Bergen's centre (FHIR's geolocation extension,
                                  as record systems and address registers give it)
  DIR/without-position.json       the same request without the geolocation

Usage: hook_setup.py DIR GROUPS_JSON REPO_ROOT
"""
import copy
import json
import os
import sys

GEOLOCATION = "http://hl7.org/fhir/StructureDefinition/geolocation"


def main():
    work, groups, root = sys.argv[1], os.path.abspath(sys.argv[2]), os.path.abspath(sys.argv[3])
    config = {
        "service": {"bindAddress": "127.0.0.1", "port": 0, "threads": 2},
        # The same patient on every call: a card each time (no interval, no repeat window).
        "cards": {"informedIntervalDays": 0, "repeatAfterMinutes": 0, "maxGroupsPerSection": 3},
        "store": {"path": f"{work}/store.db"},
        "mappings": {"directory": f"{root}/mappings/data"},
        "groups": {"sources": [{"name": "bench", "type": "json", "path": groups, "refreshSeconds": 3600}]},
        "auth": {"required": False},
    }
    with open(f"{work}/config.json", "w") as f:
        json.dump(config, f)
    with open(f"{work}/config-pg.json", "w") as f:
        json.dump({**config, "store": {"url": "${env:SELVHJELP_BENCH_STORE_URL}"}}, f)

    with open(f"{root}/docs/examples/patient-view-bergen.json") as f:
        request = json.load(f)
    conditions = request["prefetch"]["conditions"]["entry"]
    for i in range(25):  # a realistic prefetch: more of the patient's conditions
        conditions.append({"resource": {
            "resourceType": "Condition", "id": f"c{i}",
            "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                                           "code": "active"}]},
            "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-no", "code": f"J{10 + i}",
                                 "display": "Annen diagnose"}]},
            "subject": {"reference": "Patient/p1"}}})
    without = copy.deepcopy(request)
    home = request["prefetch"]["patient"]["address"][0]
    home["extension"] = [{"url": GEOLOCATION, "extension": [
        {"url": "latitude", "valueDecimal": 60.3943},
        {"url": "longitude", "valueDecimal": 5.3259}]}]
    for name, body in (("with-position", request), ("without-position", without)):
        with open(f"{work}/{name}.json", "w") as f:
            json.dump(body, f)


if __name__ == "__main__":
    main()
