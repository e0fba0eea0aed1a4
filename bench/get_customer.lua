-- wrk script: GET /v1/customers/{id}, rotating over the ids in the file
-- named by PORTICO_IDS (one per line). Usage (see bench/README.md):
--   PORTICO_KEY=sk_test_... PORTICO_IDS=ids.txt wrk -t2 -c32 -d10s --latency -s bench/get_customer.lua http://127.0.0.1:4242
local ids = {}
for line in io.lines(os.getenv("PORTICO_IDS")) do
  ids[#ids + 1] = line
end
local i = 0
local auth = "Bearer " .. os.getenv("PORTICO_KEY")

request = function()
  i = i + 1
  return wrk.format("GET", "/v1/customers/" .. ids[(i % #ids) + 1], { ["Authorization"] = auth })
end
