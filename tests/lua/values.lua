-- values.lua — tables across process boundaries (tests/test_lua_values.c):
-- records, lists, nested and empty tables through spawn arguments,
-- process.exec results, EXIT events and messages; what cannot cross, and
-- the errors that name where it is.
local time = require("time")
local M = {}

-- A value as one line, deterministic: tables with their keys sorted
-- (integers first), strings quoted.
local function show(v)
    if type(v) == "string" then
        return string.format("%q", v)
    end
    if type(v) ~= "table" then
        return tostring(v)
    end
    local keys = {}
    for k in pairs(v) do
        keys[#keys + 1] = k
    end
    table.sort(keys, function(a, b)
        if type(a) ~= type(b) then
            return type(a) == "number"
        end
        return a < b
    end)
    local parts = {}
    for _, k in ipairs(keys) do
        local key = type(k) == "number" and "" or (k .. "=")
        parts[#parts + 1] = key .. show(v[k])
    end
    return "{" .. table.concat(parts, ",") .. "}"
end
M.show = show

-- The value a record-and-list example makes, the same in every process.
local function sample()
    return {
        name = "wippy",
        ["tag-count"] = 3,
        tags = { "a", "b", "c" },
        points = { { x = 1, y = 2.5 }, { x = -3, y = 0 } },
        grid = { { 1, 2 }, { 3, { 4, { 5 } } } },
        none = {},
        flags = { read = true, write = true },
        result = { ok = "fine" },
    }
end

-- Returns its arguments as they arrived.
function M.echo(...)
    return ...
end

-- Returns what show() makes of its arguments (as a list).
function M.describe(...)
    return show({ ... })
end

-- Spawns t:describe with the sample and a list of two: what it saw, back
-- as an EXIT value; then exec of t:echo with the sample: the table back.
function M.spawn_and_exec()
    local pid = process.spawn_monitored("t:describe", "t:procs", sample(), { 10, 20 })
    assert(pid, "spawn failed")
    local ev = process.events():receive(time.seconds(5))
    assert(ev and ev.kind == process.event.EXIT and ev.from == pid, "no EXIT")
    assert(ev.result.error == nil, tostring(ev.result.error))
    assert(ev.result.value == ev.value)
    local back, err = process.exec("t:echo", "t:procs", sample())
    assert(err == nil, tostring(err))
    assert(show(back) == show(sample()), show(back))
    assert(back["tag-count"] == 3 and back.points[2].x == -3 and #back.none == 0)
    return ev.result.value
end

-- Sends the sample to an echoing Lua process and reads it back.
function M.ping_tables()
    local peer = process.spawn_linked("t:bounce", "t:procs", process.self())
    assert(process.send(peer, "data", sample(), { 1, { 2, { 3 } } }, "plain"))
    local msg = process.inbox():receive(time.seconds(5))
    assert(msg, "no reply")
    assert(show(msg.payload) == show(sample()), show(msg.payload))
    return show(msg.payloads[2]) .. " " .. msg.payloads[3] .. " " .. #msg.payloads
end

-- Receives one message and sends its values back to `to`.
function M.bounce(to)
    local msg = process.inbox():receive(time.seconds(5))
    assert(process.send(to, "back", table.unpack(msg.payloads)))
    return "bounced"
end

-- What process.send() says for a value that cannot cross.
function M.send_error(what)
    local bad = {
        func = { tags = { "a", "b", print } },
        cycle = (function()
            local t = { name = "loop" }
            t.self = t
            return t
        end)(),
        deep_cycle = (function()
            local t = { { {} } }
            t[1][1][1] = t
            return t
        end)(),
        mixed = { 1, 2, name = "x" },
        holes = { [1] = "a", [3] = "c" },
        zero = { [0] = "z" },
        boolkey = { [true] = 1 },
        floatkey = { [1.5] = 1 },
        coroutine = { list = { { co = coroutine.create(print) } } },
        channel = { inbox = process.inbox() },
        weird = { ["a\"b\n"] = { print } },
    }
    local ok, err = process.send(process.self(), "x", bad[what])
    assert(ok == false)
    return err
end

-- Nested n tables deep, with the innermost holding "bottom".
local function nest(n)
    local t = "bottom"
    for _ = 1, n do
        t = { t }
    end
    return t
end

-- Whether a value nested n deep crosses (to this process itself).
function M.depth(n)
    local ok, err = process.send(process.self(), "deep", nest(n))
    if not ok then
        return err
    end
    local msg = process.inbox():receive(time.seconds(1))
    local v, d = msg.payload, 0
    while type(v) == "table" do
        v, d = v[1], d + 1
    end
    return string.format("%d %s", d, v)
end

-- A list of n strings of `size` bytes sent to itself: ok, or the error.
function M.big(n, size)
    local list = {}
    for i = 1, n do
        list[i] = string.rep("x", size)
    end
    local ok, err = process.send(process.self(), "big", list)
    return ok and "sent" or err
end

-- Spawns t:echo with n nested tables: the spawn's error, or "spawned".
function M.spawn_error(what)
    local arg = what == "func" and { f = print } or nest(65)
    local pid, err = process.spawn("t:echo", "t:procs", 1, arg)
    return pid and "spawned" or err
end

-- Runs t:compute (a WASM core method) with a table: its error.
function M.wasm_table()
    local v, err = process.exec("t:compute", "t:procs", 6, { 7 })
    assert(v == nil)
    return err
end

-- Results that cannot leave: a function inside, a cycle.
function M.bad_result(what)
    if what == "cycle" then
        local t = {}
        t.again = { t }
        return t
    end
    return { handler = { print } }
end

-- The sample as a command's result (the terminal host prints JSON).
function M.sample()
    local s = sample()
    s.text = "quote \" backslash \\ newline \n tab \t é"
    return s
end

-- A list result, and an empty one.
function M.list(n)
    local t = {}
    for i = 1, tonumber(n) do
        t[i] = i * 1.5
    end
    return t
end

return M
