-- supervise_demo.lua — a supervisor written in Lua ("let it crash"): it
-- spawns the crashing WASM worker monitored, and each time its EXIT
-- carries an error it waits a little (doubling each time) and spawns it
-- again, at most `max_restarts` times (the command's argument, default
-- 3). `wippy run supervise-demo` prints what happened.
local process = require("process")
local time = require("time")

local function main(max_restarts)
    max_restarts = tonumber(max_restarts) or 3
    local delay = time.milliseconds(50)
    local restarts = 0
    local pid, err = process.spawn_monitored("myns:crasher", "myns:processes")
    if not pid then
        error("spawn failed: " .. err)
    end
    local events = process.events()
    while true do
        local event = events:receive()
        if event.kind == process.event.EXIT and event.from == pid then
            if not event.result.error then
                return "worker finished: " .. tostring(event.result.value)
            end
            print("worker " .. pid .. " crashed: " .. event.result.error:match("[^\n]*"))
            if restarts == max_restarts then
                return string.format("gave up after %d restarts", restarts)
            end
            restarts = restarts + 1
            print(string.format("restarting in %d ms (%d of %d)", delay // 1000000, restarts,
                                max_restarts))
            time.sleep(delay)
            delay = delay * 2
            pid, err = process.spawn_monitored("myns:crasher", "myns:processes")
            if not pid then
                error("spawn failed: " .. err)
            end
        end
    end
end

return { main = main }
