-- wrk script: POST /v1/customers with a unique Idempotency-Key per request,
-- as stripe-go sends. Usage (see bench/README.md):
--   PORTICO_KEY=sk_test_... wrk -t2 -c32 -d10s --latency -s bench/post_customers.lua http://127.0.0.1:4242
local threads = 0

-- setup runs in the main state: give each thread its own id, so keys never
-- collide between threads (their random generators start alike).
function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end

local counter = 0
local prefix

function init(args)
  -- PORTICO_IDEM_PREFIX keeps keys apart when several wrk run at once.
  prefix = (os.getenv("PORTICO_IDEM_PREFIX") or "") .. tostring(os.time()) .. "-t" .. tostring(tid)
end

request = function()
  counter = counter + 1
  local n = prefix .. "-" .. counter
  local body = "email=c" .. n .. "%40example.com&name=Customer+" .. counter .. "&metadata[n]=" .. counter
  local headers = {
    ["Authorization"] = "Bearer " .. os.getenv("PORTICO_KEY"),
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Idempotency-Key"] = n,
  }
  return wrk.format("POST", "/v1/customers", headers, body)
end
