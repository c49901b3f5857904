-- spawn_demo.lua — the Wippy docs' script, unchanged, as the method of a
-- process.lua command: it spawns the compute_worker (WASM) with 6 and 7,
-- waits for its EXIT and returns what it got. `wippy run spawn-demo`
-- prints 42 (a string result is printed; an integer would be the exit
-- status).
local function main()
    local process = require("process")
    local time = require("time")

    local pid, err = process.spawn_monitored(
        "myns:compute_worker",   -- entry ID
        "myns:processes",        -- process host
        6, 7                     -- arguments passed to the WASM function
    )
    if err then
        error("spawn failed: " .. tostring(err))
    end

    local event = process.receive(time.seconds(10))
    if event and event.type == "EXIT" then
        local result = event.value  -- 42
    end

    return tostring(event and event.value)
end

return { main = main }
