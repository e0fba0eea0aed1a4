-- wrk script: POST /v1/billing_portal/sessions with a
-- subscription_update_confirm flow (its validation reads the customer, the
-- configuration, the subscription and the coupon) and a unique
-- Idempotency-Key per request, as stripe-go sends. run.sh creates the
-- objects and passes their ids in PORTICO_SESSION_BODY.
--   PORTICO_KEY=sk_test_... PORTICO_SESSION_BODY='customer=...' wrk -t2 -c32 -d10s --latency -s bench/portal_sessions.lua http://127.0.0.1:4242
local threads = 0

function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end

local counter = 0
local prefix
local body
local headers

function init(args)
  -- PORTICO_IDEM_PREFIX keeps keys apart when several wrk run at once.
  prefix = (os.getenv("PORTICO_IDEM_PREFIX") or "") .. tostring(os.time()) .. "-s" .. tostring(tid)
  body = os.getenv("PORTICO_SESSION_BODY")
  headers = {
    ["Authorization"] = "Bearer " .. os.getenv("PORTICO_KEY"),
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }
end

request = function()
  counter = counter + 1
  headers["Idempotency-Key"] = prefix .. "-" .. counter
  return wrk.format("POST", "/v1/billing_portal/sessions", headers, body)
end
