-- wrk script for the command benchmark: half the requests register a project (POST /projects,
-- a new stream), the other half change one this thread registered earlier (PUT /projects/{id},
-- fetch-decide-append on an existing stream). Every id is changed at most once, so no two
-- requests race on a stream (no 409s by construction). A bearer token is sent on every request.
--   wrk -s commands.lua <url> -- <token>
local token
local counter = 0
local ids = {}
local body = '{"title":"%s","funder":"Bench Fund","implementers":["e-Governance Academy"],' ..
  '"beneficiaryCountries":["MD"],"themes":["policy-and-strategy"],"pillars":["national-strategic-framework"],' ..
  '"budgetEur":2500000,"startDate":"2027-01-01","endDate":"2028-12-31","status":"ongoing"}'
local headers
local threads = {}
local next_thread = 0

function setup(thread)
  thread:set("tid", next_thread)
  next_thread = next_thread + 1
  table.insert(threads, thread)
end

function init(args)
  token = args[1]
  headers = { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token }
end

function request()
  counter = counter + 1
  if counter % 2 == 0 and #ids > 0 then
    local id = table.remove(ids, 1)
    return wrk.format("PUT", "/projects/" .. id, headers, string.format(body, "Bench project " .. id .. " renamed"))
  end
  return wrk.format("POST", "/projects", headers, string.format(body, "Bench project " .. tid .. "-" .. counter))
end

function response(status, hdrs, _)
  if status == 201 then
    local location = hdrs["Location"] or hdrs["location"]
    if location then ids[#ids + 1] = string.match(location, "([%x%-]+)$") end
  end
end

function done(summary, latency, _)
  local e = summary.errors
  io.write(string.format("RESULT requests=%d duration_us=%d p50_us=%d p99_us=%d status_errors=%d socket_errors=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), e.status,
    e.connect + e.read + e.write + e.timeout))
end
