-- lib.lua — a library.lua entry imported by tests/lua/basic.lua's uselib
-- (tests/test_lua.c): require("util") gives this table, loaded once.
local loads = 0
loads = loads + 1
return {
    double = function(x) return 2 * x end,
    loads = function() return loads end,
}
