-- components.lua — Component Model processes called from Lua
-- (tests/test_host_component.c): every export of Wippy's complex and mapper
-- test components through process.exec, with Lua tables for records,
-- lists, options, results, variants, enums, flags and tuples; the errors
-- a wrong value, a wrong count, an unknown method and a trap give.
local process = require("process")
local M = {}

-- A value as one line, deterministic: tables with their keys sorted
-- (integers first), strings quoted.
local function show(v)
    if type(v) == "string" then
        return string.format("%q", v)
    end
    if type(v) ~= "table" then
        return tostring(v)
    end
    local keys = {}
    for k in pairs(v) do
        keys[#keys + 1] = k
    end
    table.sort(keys, function(a, b)
        if type(a) ~= type(b) then
            return type(a) == "number"
        end
        return a < b
    end)
    local parts = {}
    for _, k in ipairs(keys) do
        local key = type(k) == "number" and "" or (k .. "=")
        parts[#parts + 1] = key .. show(v[k])
    end
    return "{" .. table.concat(parts, ",") .. "}"
end

-- Runs entry t:NAME with the arguments; its result shown, or its error.
local function call(name, ...)
    local r, err = process.exec("t:" .. name, "t:procs", ...)
    if err then
        return "error: " .. tostring(err)
    end
    return show(r)
end

-- Lines "export(args) = result", one a call.
local function recorder()
    local out = {}
    local function c(label, name, ...)
        out[#out + 1] = label .. " = " .. call(name, ...)
    end
    return out, c
end

function M.complex()
    local out, c = recorder()
    c("echo-point", "c-echo-point", { x = 1, y = -2 })
    c("echo-person", "c-echo-person", { name = "Ada", age = 36 })
    c("echo-rectangle", "c-echo-rectangle",
        { ["top-left"] = { x = 0, y = 1 }, ["bottom-right"] = { x = 3, y = 4 } })
    c("echo-color", "c-echo-color", "green")
    c("echo-shape circle", "c-echo-shape", { circle = 5 })
    c("echo-shape rect", "c-echo-shape",
        { rect = { ["top-left"] = { x = 1, y = 2 }, ["bottom-right"] = { x = 5, y = 6 } } })
    c("echo-shape none", "c-echo-shape", "none")
    c("echo-permissions", "c-echo-permissions", { read = true, execute = true })
    c("echo-permissions list", "c-echo-permissions", { "write" })
    c("echo-list-s32", "c-echo-list-s32", { 1, -2, 3 })
    c("echo-list-string", "c-echo-list-string", { "a", "", "ünï" })
    c("echo-list-point", "c-echo-list-point", { { x = 1, y = 2 }, { x = 3, y = 4 } })
    c("maybe-point true", "c-maybe-point", true)
    c("maybe-point false", "c-maybe-point", false)
    c("maybe-string true", "c-maybe-string", true)
    c("maybe-string false", "c-maybe-string", false)
    c("try-divide 10 2", "c-try-divide", 10, 2)
    c("try-divide 10 0", "c-try-divide", 10, 0)
    c("try-parse 42", "c-try-parse", "42")
    c("try-parse x", "c-try-parse", "x")
    c("swap-pair", "c-swap-pair", 1, 2)
    c("triple", "c-triple", 7)
    c("filter-adults", "c-filter-adults",
        { { name = "Kid", age = 17 }, { name = "Ada", age = 18 }, { name = "Bob", age = 40 } })
    c("sum-list", "c-sum-list", { 1, 2, 3, 2147483647 })
    c("double-list", "c-double-list", { 1, -2, 3 })
    return table.concat(out, "\n")
end

-- Wippy's own check: try-divide's error is a value, not a call error.
function M.try_divide()
    local r, err = process.exec("t:c-try-divide", "t:procs", 10, 0)
    assert(err == nil, tostring(err))
    assert(r.err.code == 1 and r.err.message == "division by zero", show(r))
    local ok, err2 = process.exec("t:c-try-divide", "t:procs", 10, 2)
    assert(err2 == nil and ok.ok == 5, show(ok))
    return "ok"
end

local USERS = {
    { id = 1, name = "Ada", tags = { "admin", "dev" }, active = true },
    { id = 2, name = "Bob", tags = {}, active = false },
    { id = 3, name = "Cy", tags = { "dev" }, active = true },
}

function M.mapper()
    local out, c = recorder()
    c("transform-users", "m-transform-users", USERS)
    c("filter-active", "m-filter-active", USERS)
    c("aggregate-tags", "m-aggregate-tags", USERS)
    return table.concat(out, "\n")
end

-- The kebab-case key as Wippy's tests read it.
function M.tag_count()
    local r, err = process.exec("t:m-transform-users", "t:procs", USERS)
    assert(err == nil, tostring(err))
    return r[1]["tag-count"]
end

function M.errors()
    local out, c = recorder()
    c("wrong element", "m-transform-users",
        { { id = 1, name = "a", tags = { "x" }, active = true }, { id = 2, name = "b", tags = 5, active = true } })
    c("wrong enum", "c-echo-color", "purple")
    c("out of range", "min", -1, 2)
    c("count", "c-try-divide", 1)
    c("unknown method", "min-nope", 1, 2)
    c("trap", "min-using-host", 1, 2)
    c("still running", "min", 6, 7)
    return table.concat(out, "\n")
end

return M
