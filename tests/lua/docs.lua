-- docs.lua — the Wippy docs' spawn example (tests/test_lua.c): the script
-- as the docs show it, unchanged, and the same call in Wippy's current
-- event forms. Each returns what the EXIT carried: 42.

-- The older form: process.receive(timeout), event.type == "EXIT".
local function old_form()
    local process = require("process")
    local time = require("time")

    local pid, err = process.spawn_monitored(
        "t:compute",             -- entry ID
        "t:procs",               -- process host
        6, 7                     -- arguments passed to the WASM function
    )
    if err then
        error("spawn failed: " .. tostring(err))
    end

    local event = process.receive(time.seconds(10))
    if event and event.type == "EXIT" then
        local result = event.value  -- 42
    end
    return event and event.value
end

-- The current form: process.events():receive(), event.kind and result.
local function new_form()
    local process = require("process")
    local pid, err = process.spawn_monitored("t:compute", "t:procs", 6, 7)
    if err then
        error("spawn failed: " .. tostring(err))
    end
    local event = process.events():receive()
    assert(event.kind == process.event.EXIT, "not an EXIT: " .. tostring(event.kind))
    assert(event.from == pid, "from " .. tostring(event.from) .. ", spawned " .. pid)
    assert(event.result.error == nil)
    return event.result.value
end

-- As Wippy's conformance test call_process_wasm.lua waits: channel.select
-- over the events and a timer.
local function select_form()
    local process = require("process")
    local time = require("time")
    local channel = require("channel")
    local pid = process.spawn_monitored("t:compute", "t:procs", 6, 7)
    local events = process.events()
    local timeout = time.after("3s")
    local r = channel.select({ events:case_receive(), timeout:case_receive() })
    if r.channel == timeout then
        error("no EXIT within 3s")
    end
    local evt = r.value
    assert(evt.kind == process.event.EXIT and evt.from == pid and evt.result.error == nil)
    return evt.result.value
end

return { old_form = old_form, new_form = new_form, select_form = select_form }
