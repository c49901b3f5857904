-- registry.lua — process.registry (tests/test_lua_channels.c): register,
-- lookup, unregister with Wippy's return forms, a name taken by another
-- process, a message sent to a name, names released at the end.

local function try_register(name)
    local ok, err = process.registry.register(name)
    return tostring(ok) .. " " .. tostring(err)
end

local function named(name, parent)
    assert(process.registry.register(name))
    process.send(parent, "ready", true)
    local msg = process.inbox():receive()
    return msg.payload
end

local function names()
    local out = {}
    local function put(...)
        local parts = table.pack(...)
        for i = 1, parts.n do parts[i] = tostring(parts[i]) end
        out[#out + 1] = table.concat(parts, " ", 1, parts.n)
    end
    local me = process.self()
    put(process.registry.register("svc.a"))
    put(process.registry.register("svc.a"))                 -- its own name again
    put(process.registry.lookup("svc.a") == me)
    local events = process.events()
    process.spawn_monitored("t:try_register", "t:procs", "svc.a")
    put(events:receive().result.value)                      -- taken by this process
    local child = process.spawn_monitored("t:named", "t:procs", "svc.b", me)
    local ready = process.listen("ready"):receive()
    put(ready.from == child, process.registry.lookup("svc.b") == child)
    put(process.send("svc.b", "hello", "by name"))
    local exit = events:receive()
    put(exit.result.value)
    put(process.registry.lookup("svc.b"))                   -- released at its end
    put(process.registry.unregister("svc.a"))
    put(process.registry.lookup("svc.a"))
    put(process.registry.unregister("svc.a"))
    put(process.registry.register("svc.c", child))          -- gone
    put(process.registry.register(""))
    return table.concat(out, "\n")
end

return { try_register = try_register, named = named, names = names }
