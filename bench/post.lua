-- wrk script for bench/run.sh: POSTs the JSON file named by BENCH_BODY on every request.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = assert(io.open(os.getenv("BENCH_BODY")))
wrk.body = f:read("*a")
f:close()
