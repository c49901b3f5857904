-- control.lua — Lua processes with WASM and Lua partners
-- (tests/test_lua_control.c): links and monitors both ways, a supervisor
-- written in Lua, fan-out, Lua spawning Lua and messaging it.
local time = require("time")
local M = {}

-- Spawns the crashing WASM worker linked: this process ends with it.
function M.linked_to_crash()
    process.spawn_linked("t:crash", "t:procs")
    process.receive(time.seconds(5))
    return "still alive"
end

-- The same, trapping links: the failure arrives as LINK_DOWN.
function M.trap_crash()
    process.set_options({ trap_links = true })
    local pid = process.spawn_linked("t:crash", "t:procs")
    local ev = process.events():receive(time.seconds(5))
    assert(ev.kind == process.event.LINK_DOWN and ev.type == "LINK_DOWN", tostring(ev.kind))
    assert(ev.from == pid)
    return ev.result.error
end

-- Links itself to pid (a WASM process), then fails.
function M.link_and_fail(pid)
    assert(process.link(pid))
    error("lua gave up")
end

-- Monitors pid, terminates it, returns its EXIT error; then monitors a
-- gone pid and unmonitors a spinning one.
function M.monitor(pid)
    assert(process.monitor(pid))
    assert(process.terminate(pid))
    local ev = process.events():receive(time.seconds(5))
    assert(ev.kind == process.event.EXIT and ev.from == pid)
    local ok, err = process.monitor(pid)
    assert(ok == false and err == "process not found")
    local spin = process.spawn_monitored("t:spin", "t:procs")
    assert(process.unmonitor(spin))
    process.terminate(spin)
    local none = process.events():receive(time.milliseconds(200))
    assert(none == nil, "EXIT after unmonitor")
    return ev.result.error
end

-- A supervisor in Lua: runs entry, and each time it crashes reports the
-- error to `to` and respawns it, at most max_restarts times.
function M.supervise(to, entry, max_restarts)
    local restarts = 0
    local pid, err = process.spawn_monitored(entry, "t:procs")
    if not pid then
        error("spawn failed: " .. err)
    end
    local events = process.events()
    while true do
        local ev = events:receive()
        if ev.kind == process.event.EXIT and ev.from == pid then
            if ev.result.error == nil then
                return "worker finished: " .. tostring(ev.result.value)
            end
            process.send(to, "crashed", ev.result.error)
            if restarts == max_restarts then
                return string.format("gave up after %d restarts", restarts)
            end
            restarts = restarts + 1
            time.sleep(time.milliseconds(10 * restarts))   -- a little backoff
            pid = process.spawn_monitored(entry, "t:procs")
        end
    end
end

-- Spawns compute(n, 2) and returns what it gave.
function M.fanout_one(n)
    local pid, err = process.spawn_monitored("t:compute", "t:procs", n, 2)
    if not pid then
        error(err)
    end
    local ev = process.events():receive(time.seconds(60))
    assert(ev and ev.from == pid, "no EXIT")
    return ev.result.value
end

-- Answers each "ping" with a "pong" carrying payload + 1, until "stop".
function M.pong()
    local inbox = process.inbox()
    while true do
        local msg = inbox:receive()
        if msg.topic == "stop" then
            return "pong done"
        end
        process.send(msg.from, "pong", msg.payload + 1)
    end
end

-- Spawns a Lua pong process and plays n rounds with it.
function M.ping(n)
    local pong = process.spawn_monitored("t:pong", "t:procs")
    local inbox = process.inbox()
    local x = 0
    for _ = 1, n do
        process.send(pong, "ping", x)
        x = inbox:receive().payload
    end
    process.send(pong, "stop")
    local ev = process.events():receive(time.seconds(5))
    return x .. " " .. tostring(ev.result.value)
end

-- A Lua process that crashes after a moment (for process.service).
function M.crash_later()
    time.sleep(time.milliseconds(20))
    error("lua service crashed")
end

return M
