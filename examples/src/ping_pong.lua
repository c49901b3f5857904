-- ping_pong.lua — two Lua processes messaging each other: `ping` spawns a
-- `pong` process (also Lua), sends it n pings (the command's argument,
-- default 10000) and waits for each pong, then reports the round-trip
-- time. `wippy run ping-pong 10000`.
local process = require("process")
local time = require("time")

-- Answers every "ping" with a "pong" carrying the number + 1, until "stop".
local function pong()
    local inbox = process.inbox()
    while true do
        local msg = inbox:receive()
        if msg.topic == "stop" then
            return "pong stopped"
        end
        process.send(msg.from, "pong", msg.payload + 1)
    end
end

local function ping(n)
    n = tonumber(n) or 10000
    local peer, err = process.spawn_linked("myns:pong", "myns:processes")
    if not peer then
        error("spawn failed: " .. err)
    end
    local inbox = process.inbox()
    local t0 = time.now()
    local x = 0
    for _ = 1, n do
        process.send(peer, "ping", x)
        x = inbox:receive().payload
    end
    local elapsed = time.now() - t0
    process.send(peer, "stop")
    assert(x == n, "lost a pong")
    return string.format("%d round trips in %.1f ms (%.2f us each)", n, elapsed / 1e6,
                         elapsed / 1e3 / n)
end

return { ping = ping, pong = pong }
