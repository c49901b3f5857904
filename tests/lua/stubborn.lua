-- stubborn.lua — a service that reads its CANCEL and goes on waiting, so
-- a shutdown waits its stop_timeout (tests/test_cli_run.c, shutdown.timeout).
local function main()
    while true do
        process.receive()
    end
end

return { main = main }
