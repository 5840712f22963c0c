-- wrk script: every request posts a new comment (unique name, email and
-- text) as a browser does from the site's own page. Counts any answer but
-- the redirect that acknowledges a stored comment as a failure.
local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  path, run = args[1], args[2]
  sent, failures = 0, 0
end

function request()
  sent = sent + 1
  local who = run .. "-" .. id .. "-" .. sent
  local body = "website="
    .. "&name=Reader+" .. who .. "&email=reader" .. who .. "%40example.org"
    .. "&body=A+benchmark+comment%2C+number+" .. who .. "."
  return wrk.format("POST", path, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Sec-Fetch-Site"] = "same-origin",
  }, body)
end

function response(status, headers, body)
  if status ~= 302 then
    failures = failures + 1
  end
end

function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("failures")
  end
  io.write(string.format("failures %d\n", total))
end
