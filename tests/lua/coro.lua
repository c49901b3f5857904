-- coro.lua — the script's own coroutines inside a process
-- (tests/test_lua.c): waits and preemption inside them reach the host;
-- ordinary yields, errors and generators work as in Lua.
local time = require("time")
local M = {}

-- Sleeps and receives inside coroutines (wrap and resume).
function M.wait_inside()
    local gen = coroutine.wrap(function()
        time.sleep(time.milliseconds(20))
        coroutine.yield("slept")
        local msg = process.inbox():receive(time.milliseconds(20))
        coroutine.yield(tostring(msg))
        return "done"
    end)
    local a, b, c = gen(), gen(), gen()
    local co = coroutine.create(function(x)
        local y = coroutine.yield(x + 1)
        time.sleep(0)
        return y * 2
    end)
    local ok1, v1 = coroutine.resume(co, 1)
    local ok2, v2 = coroutine.resume(co, 10)
    local ok3, e3 = coroutine.resume(co)
    return table.concat({ a, b, c, tostring(ok1), v1, tostring(ok2), v2, tostring(ok3), e3 }, " ")
end

-- A generator, an error inside a wrapped coroutine, and one in resume.
function M.plain()
    local function range(n)
        return coroutine.wrap(function()
            for i = 1, n do
                coroutine.yield(i)
            end
        end)
    end
    local sum = 0
    for i in range(10) do
        sum = sum + i
    end
    local ok, err = pcall(coroutine.wrap(function() error("inner") end))
    local ok2, err2 = coroutine.resume(coroutine.create(function() error({}) end))
    return sum .. " " .. tostring(ok) .. " " .. err .. " " .. tostring(ok2) .. " " .. type(err2)
end

-- A busy loop inside a coroutine: preempted all the same.
function M.busy_inside()
    coroutine.wrap(function()
        while true do
        end
    end)()
end

-- Waiting where no yield can pass (inside table.sort's comparator).
function M.wait_in_sort()
    table.sort({ 3, 2, 1 }, function(a, b)
        time.sleep(0)
        return a < b
    end)
end

-- A busy loop where no yield can pass: not preempted, but a kill or the
-- execution limit still gets it out.
function M.busy_in_sort()
    table.sort({ 2, 1 }, function()
        while true do
        end
    end)
end

return M
