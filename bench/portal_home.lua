-- wrk script: GET /p/ (the portal homepage), rotating over the signed-in
-- visits whose cookies are in the file named by PORTICO_COOKIES (one
-- "portico_portal=..." per line), so the load comes from as many portal
-- sessions as there are lines. portal_home.sh makes 32.
--   PORTICO_COOKIES=cookies.txt wrk -t2 -c32 -d10s --latency -s bench/portal_home.lua http://127.0.0.1:4298
local cookies = {}
for line in io.lines(os.getenv("PORTICO_COOKIES")) do
  cookies[#cookies + 1] = line
end
local threads = 0

function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end

local i

function init(args)
  i = tid * 7 -- threads start at different visits
end

request = function()
  i = i + 1
  return wrk.format("GET", "/p/", { ["Cookie"] = cookies[(i % #cookies) + 1] })
end
