-- The SPEC §6 mix for wrk: 40% first page of users, 35% a user's detail, 10% search,
-- 10% deep pages, 5% stats. Environment:
--   BENCH_TOKEN       an API token (Authorization: Token …); unset, requests go without one
--   BENCH_PREFIX      the path the users routes hang from (default /api/v1; the textbook: empty)
--   BENCH_MIX         "mix" (default), or one class alone: first, detail, search, deep, stats,
--                     or live (/health/live/: the floor of a request, for comparing servers)
--   BENCH_DEEP_FILE   a file of deep page paths, one per line (collected by walking `next`)
--   BENCH_TERMS_FILE  a file of search terms, one per line (default: a fixed list)
--   BENCH_MAX_ID      detail ids are drawn from 1..BENCH_MAX_ID (default 1000000)
--   BENCH_THINK_MS    when set, each connection waits about this long before each request
--                     (uniformly 0.8–1.2 times it), for a steady load instead of saturation
-- done() prints one line of JSON (prefixed "BENCH_RESULT ") that bench/run.py reads.
local token = os.getenv("BENCH_TOKEN")
local prefix = os.getenv("BENCH_PREFIX") or "/api/v1"
local mix = os.getenv("BENCH_MIX") or "mix"
local max_id = tonumber(os.getenv("BENCH_MAX_ID") or "1000000")
local think_ms = tonumber(os.getenv("BENCH_THINK_MS") or "0")
local headers = {["Accept-Encoding"] = "gzip"}
if token and token ~= "" then headers["Authorization"] = "Token " .. token end
local terms = {"ada", "smith", "zhang1", "kowalski9", "lee4242", "maya.patel", "example.org", "tanaka77"}
local deep = {}

local function lines_of(file)
  local found = {}
  for line in io.lines(file) do
    if line ~= "" then found[#found + 1] = line end
  end
  return found
end

if os.getenv("BENCH_DEEP_FILE") then deep = lines_of(os.getenv("BENCH_DEEP_FILE")) end
if os.getenv("BENCH_TERMS_FILE") then terms = lines_of(os.getenv("BENCH_TERMS_FILE")) end

local function path_of(class)
  if class == "live" then return "/health/live/" end
  if class == "first" then return prefix .. "/users/" end
  if class == "detail" then return prefix .. "/users/" .. math.random(1, max_id) .. "/" end
  if class == "search" then return prefix .. "/users/?search=" .. terms[math.random(#terms)] end
  if class == "deep" then return deep[math.random(#deep)] end
  return prefix .. "/users/stats/"
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

if think_ms > 0 then
  function delay()
    return math.floor(think_ms * (0.8 + 0.4 * math.random()))
  end
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"class": "%s", "requests": %d, "seconds": %.3f, "p50_ms": %.3f, "p95_ms": %.3f, '
      .. '"p99_ms": %.3f, "max_ms": %.3f, "status_errors": %d, "socket_errors": %d, "timeouts": %d}\n',
    mix, summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, errors.status, errors.connect + errors.read + errors.write, errors.timeout))
end
