-- assert2.lua — a small library.lua standing in for Wippy's `assert2`
-- test module: the assertions call_process_wasm.lua uses. Each raises
-- "MESSAGE: expected X, got Y" (level 2: the caller's line).
local M = {}

local function fail(msg, detail)
    error((msg or "assertion failed") .. ": " .. detail, 3)
end

function M.eq(got, want, msg)
    if got ~= want then
        fail(msg, "expected " .. tostring(want) .. ", got " .. tostring(got))
    end
end

function M.not_nil(v, msg)
    if v == nil then
        fail(msg, "expected a value, got nil")
    end
end

function M.is_nil(v, msg)
    if v ~= nil then
        fail(msg, "expected nil, got " .. tostring(v))
    end
end

return M
