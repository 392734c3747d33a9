-- wrk: GET a random ticket of the first 100,000 with the bearer token in $TOKEN.
local token = os.getenv("TOKEN")
math.randomseed(42)
request = function()
  local id = math.random(1, 100000)
  return wrk.format("GET", "/api/v1/tickets/" .. id, { ["Authorization"] = "Bearer " .. token })
end
