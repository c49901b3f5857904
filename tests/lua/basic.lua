-- basic.lua — Lua processes for tests/test_lua.c: arguments and results,
-- busy loops, sleeping, messages, cancel.
local M = {}

-- Returns its arguments' types and values as one string, and the first.
function M.echo(...)
    local parts = {}
    for i = 1, select("#", ...) do
        local v = select(i, ...)
        parts[#parts + 1] = math.type(v) or type(v)
        parts[#parts + 1] = tostring(v)
    end
    return table.concat(parts, " ")
end

function M.value(v)
    return v
end

function M.spin()
    while true do
    end
end

-- Counts to n, the slow way (many slices).
function M.count(n)
    local x = 0
    for i = 1, n do
        x = x + i % 7
    end
    return x
end

-- Sleeps ms milliseconds and returns how long that took.
function M.nap(ms)
    local time = require("time")
    local t0 = time.now()
    time.sleep(time.milliseconds(ms))
    return (time.now() - t0) // 1000000
end

-- Waits for a message or an event, for ever; returns what it was.
function M.wait()
    local ev = process.receive()
    return ev.type .. " " .. tostring(ev.topic or ev.reason or ev.error)
end

-- Receives n messages from its inbox and sends each back to `to` with the
-- topic upper-cased and the payloads reversed.
function M.mirror(to, n)
    local inbox = process.inbox()
    for _ = 1, n do
        local msg = inbox:receive()
        local back = {}
        for i = #msg.payloads, 1, -1 do
            back[#back + 1] = msg.payloads[i]
        end
        assert(process.send(to, msg.topic:upper(), table.unpack(back)))
    end
    return n
end

-- Topics: listen("a") takes a-messages, the inbox the rest; receive with
-- a timeout gives nil, false.
function M.topics(to)
    local time = require("time")
    local a = process.listen("a")
    process.send(to, "ready")
    local first = a:receive(time.seconds(5))
    local other = process.inbox():receive(time.seconds(5))
    local none, ok = a:receive(time.milliseconds(20))
    return first.topic .. first.payload .. " " .. other.topic .. other.payload .. " "
        .. tostring(none) .. " " .. tostring(ok)
end

-- Waits for its CANCEL and ends cleanly with the reason.
function M.graceful()
    local ev = process.events():receive()
    assert(ev.kind == process.event.CANCEL)
    return "stopped: " .. ev.reason
end

-- exec: runs entry with the arguments and returns "result|error".
function M.exec(entry, ...)
    local result, err = process.exec(entry, "t:procs", ...)
    return tostring(result) .. "|" .. tostring(err)
end

-- A library.lua import: require("util") twice gives the same table.
function M.uselib()
    local util = require("util")
    assert(require("util") == util and util.loads() == 1)
    return util.double(21)
end

return M
