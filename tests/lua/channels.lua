-- channels.lua — channel.new between the coroutines of one process
-- (tests/test_lua_channels.c). `channel` is a global: no require. Each
-- function returns a string the test compares.

-- A buffered channel: sends do not wait until it is full; receives come
-- in order; a closed channel drains, then gives nil, false.
local function buffered()
    local ch = channel.new(2)
    assert(ch:send("a") == true and ch:send("b") == true)
    ch:close()
    local v1, ok1 = ch:receive()
    local v2, ok2 = ch:receive()
    local v3, ok3 = ch:receive()
    return string.format("%s %s %s %s %s %s", v1, ok1, v2, ok2, tostring(v3), ok3)
end

-- A send on a full channel parks the sending coroutine until a receive
-- makes room: the producer yields to main each time it must wait.
local function full_parks()
    local ch = channel.new(1)
    local log = {}
    local producer = coroutine.create(function()
        for i = 1, 3 do
            ch:send(i)
            log[#log + 1] = "sent" .. i
        end
        ch:close()
    end)
    coroutine.resume(producer)              -- sends 1, parks on 2
    log[#log + 1] = "main"
    while true do
        local v, ok = ch:receive(0)
        if not ok and coroutine.status(producer) == "dead" then break end
        if ok then log[#log + 1] = "got" .. v end
        if coroutine.status(producer) ~= "dead" then coroutine.resume(producer) end
    end
    return table.concat(log, " ")
end

-- An unbuffered send waits until a receiver took the value.
local function unbuffered()
    local ch = channel.new()
    local done = false
    local sender = coroutine.create(function()
        ch:send("x")
        done = true
    end)
    coroutine.resume(sender)
    local before = done
    local v, ok = ch:receive()
    coroutine.resume(sender)
    return string.format("%s %s %s %s", tostring(before), v, ok, tostring(done))
end

-- select: the first ready case wins, in order; a send case to a channel
-- with room; a closed channel's case gives ok = false; the timer case
-- wins when nothing else is ready (the process parks meanwhile).
local function select_cases()
    local time = require("time")
    local a, b = channel.new(1), channel.new(1)
    b:send("from b")
    local r1 = channel.select({ a:case_receive(), b:case_receive() })
    local r2 = channel.select({ a:case_send("to a"), b:case_receive() })
    local got = a:receive()
    b:close()
    local r3 = channel.select({ a:case_receive(), b:case_receive() })
    local c = channel.new(1)
    local t0 = time.now()
    local r4 = channel.select({ c:case_receive(), time.after("30ms"):case_receive() })
    local waited = (time.now() - t0) >= 30000000
    return string.format("%s|%s|%s|%s %s|%s %s|%s", r1.value, tostring(r1.channel == b),
        tostring(r2.channel == a), got, tostring(r3.ok), tostring(r3.channel == b),
        tostring(r4.channel == c), tostring(waited))
end

-- A receive with a timeout on an empty channel: nil, false after it.
local function receive_timeout()
    local time = require("time")
    local ch = channel.new(1)
    local t0 = time.now()
    local v, ok = ch:receive("20ms")
    return string.format("%s %s %s", tostring(v), tostring(ok), tostring(time.now() - t0 >= 20000000))
end

-- Errors: a send on a closed channel, closing twice, waiting for ever in
-- the process's own coroutine, sending to the events channel.
local function errors()
    local out = {}
    local ch = channel.new(1)
    ch:close()
    out[#out + 1] = select(2, pcall(ch.send, ch, 1))
    out[#out + 1] = select(2, pcall(ch.close, ch))
    out[#out + 1] = select(2, pcall(channel.new(1).receive, channel.new(1)))
    out[#out + 1] = select(2, pcall(process.events().send, process.events(), 1))
    out[#out + 1] = select(2, pcall(channel.new, -1))
    return table.concat(out, "\n")
end

-- The core globals are there without require; require("channel") gives
-- the same table even when `modules` does not list it.
local function globals()
    return string.format("%s %s %s %s %s", type(channel), type(channel.new), type(print),
        type(os.time), tostring(require("channel") == channel))
end

return {
    buffered = buffered, full_parks = full_parks, unbuffered = unbuffered,
    select_cases = select_cases, receive_timeout = receive_timeout, errors = errors,
    globals = globals,
}
