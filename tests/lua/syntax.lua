-- syntax.lua — does not compile (tests/test_lua.c).
local function main()
    return 1 +
end
return { main = main }
