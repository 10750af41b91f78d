-- One respondent per connection (run with as many threads as connections): GET the form with
-- its one-time token (also its CSRF token), POST the answers, follow the redirect to the
-- thank-you page; then again.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  form_path, answers = args[1], args[2]
  state, cookie, body, next_path = "get", nil, nil, nil
  completed, accepted, failed = 0, 0, 0
end

function request()
  local headers = {}
  if cookie then headers["Cookie"] = cookie end
  if state == "get" then
    return wrk.format("GET", form_path .. "?again=1", headers)
  elseif state == "post" then
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    return wrk.format("POST", form_path, headers, body)
  end
  return wrk.format("GET", next_path, headers)
end

function response(status, headers, page)
  local set = headers["Set-Cookie"]
  if set and set:match("respondent=") then cookie = set:match("(respondent=[^;]+)") end
  if state == "get" then
    body = answers
    local token = page:match('name="submission" value="([^"]+)"')
    if token then body = body .. "&submission=" .. token end
    state = "post"
  elseif state == "post" then
    if status == 303 then
      accepted = accepted + 1
      next_path, state = headers["Location"], "thanks"
    else
      failed = failed + 1
      state = "get"
    end
  else
    if status == 200 then completed = completed + 1 end
    state = "get"
  end
end

function done(summary, latency, requests)
  local c, a, f = 0, 0, 0
  for _, t in ipairs(threads) do
    c, a, f = c + t:get("completed"), a + t:get("accepted"), f + t:get("failed")
  end
  io.write(string.format("RESULT completed=%d accepted=%d failed=%d\n", c, a, f))
end
