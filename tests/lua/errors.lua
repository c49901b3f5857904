-- errors.lua — Lua processes that fail (tests/test_lua.c). Line numbers
-- matter: the tests expect them in the EXIT errors.
local M = {}

function M.boom()
    error("boom")
end

function M.bad_index()
    local t = nil
    return t.x
end

function M.require_unlisted()
    return require("time")
end

function M.require_unknown()
    return require("json")
end

function M.require_missing()
    return require("nothing")
end

function M.hog()
    local t = {}
    for i = 1, 100000000 do
        t[i] = string.rep("x", 64) .. i
    end
    return #t
end

function M.gc()
    return setmetatable({}, { __gc = function() end })
end

function M.no_io()
    return io == nil and dofile == nil and loadfile == nil and os.exit == nil and os.getenv == nil
        and load("return 1")() == 1 and load(string.dump(M.boom)) == nil
end

function M.table_result()
    return { 1, 2, print }
end

return M
