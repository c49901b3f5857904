-- soak.lua — the Lua processes of the process host's soak
-- (tests/soak/soak.c, doc/process-host.md "Soak"). Each method's end is
-- one the driver predicts: a value it can check, or an error it knows.
-- A CANCEL is read only by echo (which returns "cancel:REASON:N"); the
-- others ignore it. "LEDGER" in an error is a finding: a lost,
-- duplicated or unexpected event seen from inside a Lua process.
local time = require("time")
local M = {}

-- Sleeps ms, then returns x + 1.
function M.value(x, ms)
    if ms > 0 then
        time.sleep(time.milliseconds(ms))
    end
    return x + 1
end

-- Sleeps ms, then fails.
function M.crash(ms)
    if ms > 0 then
        time.sleep(time.milliseconds(ms))
    end
    error("soak crash")
end

-- Answers each "ping" with a "pong" (payload + 1) to its sender; "stop"
-- ends it with "stop:N", a CANCEL with "cancel:REASON:N" (N answered).
function M.echo()
    local n = 0
    while true do
        local ev = process.receive()
        if ev.kind == process.event.CANCEL then
            return "cancel:" .. tostring(ev.reason) .. ":" .. n
        end
        if ev.kind == "message" then
            if ev.topic == "stop" then
                return "stop:" .. n
            end
            if ev.topic == "ping" then
                process.send(ev.from, "pong", ev.payload + 1)
                n = n + 1
            end
        end
    end
end

-- Terminates or cancels ("by-lua") each pid given, a random moment apart.
function M.killer(seed, ...)
    math.randomseed(seed)
    local n = 0
    for _, pid in ipairs({ ... }) do
        time.sleep(time.milliseconds(math.random(0, 15)))
        local ok
        if math.random(2) == 1 then
            ok = process.terminate(pid)
        else
            ok = process.cancel(pid, "by-lua")
        end
        if ok then
            n = n + 1
        end
    end
    return n
end

-- The children a spawner makes: entry, arguments, what a value must be.
local kinds = {
    { "soak:w_value", function() local a, b = math.random(1, 1000), math.random(1, 1000) return { a, b }, a * b end },
    { "soak:w_trap", function() return {}, nil end },
    { "soak:w_sleep", function() local ms = math.random(0, 60) return { ms }, ms end },
    { "soak:w_spin", function() return {}, nil end },
    { "soak:l_value", function() local x = math.random(1, 1000) return { x, math.random(0, 30) }, x + 1 end },
    { "soak:l_crash", function() return { math.random(0, 20) }, nil end },
}

-- Spawns n children monitored (some linked too, trapping links),
-- terminates, cancels and unmonitors some at random, and keeps its own
-- ledger: exactly one EXIT from each child still monitored, none from an
-- unmonitored one, one LINK_DOWN from each linked child that failed, a
-- value only where one is due. Returns "kids=K exits=E downs=D
-- cancels=C"; fails with "LEDGER: ..." when the ledger does not close.
function M.spawner(seed, n)
    math.randomseed(seed)
    process.set_options({ trap_links = true })
    local kids, nkids = {}, 0
    for _ = 1, n do
        local kind = kinds[math.random(#kinds)]
        local args, want = kind[2]()
        local linked = math.random(3) == 1
        local spawn = linked and process.spawn_linked_monitored or process.spawn_monitored
        local pid, err = spawn(kind[1], "soak:procs", table.unpack(args))
        if not pid then
            error("LEDGER: spawn of " .. kind[1] .. " refused: " .. tostring(err))
        end
        kids[pid] = { linked = linked, monitored = true, want = want, exits = 0, downs = 0 }
        nkids = nkids + 1
    end
    for pid, k in pairs(kids) do
        local r = math.random(12)
        if r == 1 then
            process.terminate(pid)
        elseif r == 2 then
            process.cancel(pid, "by-spawner")
        elseif r == 3 and not k.linked then
            if process.unmonitor(pid) then
                k.monitored = false
            end
        end
    end
    local exits, downs, cancels = 0, 0, 0
    local function open()
        for _, k in pairs(kids) do
            if (k.monitored and k.exits == 0) or (k.linked and k.failed and k.downs == 0) then
                return true
            end
        end
        return false
    end
    local events = process.events()
    while open() do
        local ev = events:receive(time.seconds(60))
        if ev == nil then
            error("LEDGER: an EXIT or LINK_DOWN did not come within 60 s")
        end
        local k = kids[ev.from]
        if ev.kind == process.event.CANCEL then
            cancels = cancels + 1
        elseif k == nil then
            -- a LINK_DOWN from a partner the driver linked: trapped, ignored
            if ev.kind == process.event.EXIT then
                error("LEDGER: EXIT from a process not monitored: " .. tostring(ev.from))
            end
        elseif ev.kind == process.event.EXIT then
            if not k.monitored then
                error("LEDGER: EXIT after a successful unmonitor from " .. ev.from)
            end
            k.exits = k.exits + 1
            exits = exits + 1
            if k.exits > 1 then
                error("LEDGER: a second EXIT from " .. ev.from)
            end
            k.failed = ev.result.error ~= nil
            if not k.failed and k.want ~= nil and ev.result.value ~= k.want then
                error("LEDGER: " .. ev.from .. " gave " .. tostring(ev.result.value) .. ", expected " .. tostring(k.want))
            end
        elseif ev.kind == process.event.LINK_DOWN then
            if not k.linked then
                error("LEDGER: LINK_DOWN from a child not linked: " .. ev.from)
            end
            k.downs = k.downs + 1
            downs = downs + 1
            if k.downs > 1 then
                error("LEDGER: a second LINK_DOWN from " .. ev.from)
            end
        end
    end
    return string.format("kids=%d exits=%d downs=%d cancels=%d", nkids, exits, downs, cancels)
end

return M
