-- The SPEC §6 mix for wrk: 40% first page of users, 35% a user's detail, 10% search,
-- 10% deep cursor pages, 5% stats. Environment:
--   BENCH_TOKEN      an API token (Authorization: Token …)
--   BENCH_MIX        "mix" (default), or one class alone: first, detail, search, deep, stats
--   BENCH_DEEP_FILE  a file of deep page paths, one per line (collected by walking `next`)
--   BENCH_MAX_ID     detail ids are drawn from 1..BENCH_MAX_ID (default 1000000)
local token = os.getenv("BENCH_TOKEN")
local mix = os.getenv("BENCH_MIX") or "mix"
local max_id = tonumber(os.getenv("BENCH_MAX_ID") or "1000000")
local headers = {["Authorization"] = "Token " .. token, ["Accept-Encoding"] = "gzip"}
local terms = {"ada", "smith", "zhang1", "kowalski9", "lee4242", "maya.patel", "example.org", "tanaka77"}
local deep = {}

local function load_deep()
  local file = os.getenv("BENCH_DEEP_FILE")
  if file then
    for line in io.lines(file) do deep[#deep + 1] = line end
  end
end
load_deep()

local function path_of(class)
  if class == "first" then return "/api/v1/users/" end
  if class == "detail" then return "/api/v1/users/" .. math.random(1, max_id) .. "/" end
  if class == "search" then return "/api/v1/users/?search=" .. terms[math.random(#terms)] end
  if class == "deep" then return deep[math.random(#deep)] end
  return "/api/v1/users/stats/"
end

local function class_of_roll()
  local roll = math.random(100)
  if roll <= 40 then return "first" end
  if roll <= 75 then return "detail" end
  if roll <= 85 then return "search" end
  if roll <= 95 then return "deep" end
  return "stats"
end

function init(args)
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
end

function request()
  local class = mix == "mix" and class_of_roll() or mix
  return wrk.format("GET", path_of(class), headers)
end

function done(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout
  io.write(string.format(
    "%s: %.1f req/s, p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, %d requests, %d errors\n",
    mix, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.requests, errors))
end
