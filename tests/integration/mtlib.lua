-- mtlib.lua - what the miltertest(8) scripts share: TAP-like output, one
-- SMTP transaction as an MTA sends it, the headers a filter added.
--
-- Loaded by each script with dofile(libdir .. "/mtlib.lua"); run-miltertest.sh
-- passes -D libdir=tests/integration (and -D spec=SOCKET).
--
--   lib.ok(name), lib.not_ok(name, why)   print "ok - ..." / "not ok - ...: why"
--   lib.must(rv, what)           miltertest calls return nil or an error string
--   lib.connect()                mt.connect to the socket in the global spec (or
--                                port), then connect/HELO unless negotiated away
--   lib.transaction(conn, from, rcpt, headers, body)
--                                MAIL, RCPT, headers ({name, value} pairs), end
--                                of headers, body, end of message; steps the
--                                filter negotiated away are skipped, as Postfix
--                                would. Returns "eom", or "accepted at <step>".
--   lib.added(conn, name)        the values of the fields named name (exactly
--                                that spelling) added at end of message, unfolded
--   lib.run(main)                main() under pcall (miltertest hides Lua errors),
--                                the summary line, exit status 1 if anything failed
-- Errors inside a transaction (the filter replied anything but continue or
-- accept, a write failed) are raised with error(), reported by lib.run.

local lib = { count = 0, failures = 0, msgno = 0 }

function lib.ok(name)
    lib.count = lib.count + 1
    print("ok - " .. name)
end

function lib.not_ok(name, why)
    lib.count = lib.count + 1
    lib.failures = lib.failures + 1
    print("not ok - " .. name .. ": " .. why)
end

function lib.must(rv, what)
    if rv ~= nil then
        error(what .. " failed: " .. tostring(rv), 2)
    end
end

local REPLY_NAMES = {}
for _, n in ipairs({ "SMFIR_CONTINUE", "SMFIR_ACCEPT", "SMFIR_REJECT", "SMFIR_TEMPFAIL",
    "SMFIR_DISCARD", "SMFIR_REPLYCODE" }) do
    if _G[n] ~= nil then
        REPLY_NAMES[_G[n]] = n
    end
end

local function reply_name(r)
    return REPLY_NAMES[r] or string.format("%q", string.char(math.tointeger(r) or 0))
end

-- The reply to a step must let the message go on.
function lib.expect_continue(conn, what)
    local r = mt.getreply(conn)
    if r ~= SMFIR_CONTINUE and r ~= SMFIR_ACCEPT then
        error(what .. ": milter replied " .. reply_name(r), 2)
    end
    return r
end

function lib.skip(conn, opt)
    return opt ~= nil and mt.test_option(conn, opt)
end

function lib.crlf(text)
    return (text:gsub("\r?\n", "\r\n"))
end

function lib.connect()
    local sockspec = spec
    if sockspec == nil and port ~= nil then
        sockspec = "inet:" .. port .. "@127.0.0.1"
    end
    if sockspec == nil then
        error("no socket: run miltertest with -D spec=inet:PORT@127.0.0.1 or -D port=PORT")
    end
    mt.set_timeout(30)
    local conn = mt.connect(sockspec, 20, 0.25)
    if conn == nil then
        error("mt.connect(" .. sockspec .. ") failed")
    end
    if not lib.skip(conn, SMFIP_NOCONNECT) then
        lib.must(mt.macro(conn, SMFIC_CONNECT, "j", "mta.corp.test", "{daemon_name}", "smtpd"),
            "mt.macro(CONNECT)")
        lib.must(mt.conninfo(conn, "client.corp.test", "127.0.0.1"), "mt.conninfo")
        lib.expect_continue(conn, "connect")
    end
    if not lib.skip(conn, SMFIP_NOHELO) then
        lib.must(mt.helo(conn, "client.corp.test"), "mt.helo")
        lib.expect_continue(conn, "HELO")
    end
    return conn
end

function lib.transaction(conn, from, rcpt, headers, body)
    lib.msgno = lib.msgno + 1
    local qid = string.format("MT%04dA", lib.msgno)

    lib.must(mt.macro(conn, SMFIC_MAIL, "{mail_addr}", from), "mt.macro(MAIL)")
    lib.must(mt.mailfrom(conn, "<" .. from .. ">"), "mt.mailfrom")
    if lib.expect_continue(conn, "MAIL FROM") == SMFIR_ACCEPT then
        return "accepted at MAIL"
    end
    lib.must(mt.macro(conn, SMFIC_RCPT, "i", qid, "{rcpt_addr}", rcpt), "mt.macro(RCPT)")
    lib.must(mt.rcptto(conn, "<" .. rcpt .. ">"), "mt.rcptto")
    if lib.expect_continue(conn, "RCPT TO") == SMFIR_ACCEPT then
        return "accepted at RCPT"
    end
    if not lib.skip(conn, SMFIP_NOHDRS) then
        for _, h in ipairs(headers) do
            lib.must(mt.header(conn, h[1], h[2]), "mt.header(" .. h[1] .. ")")
            if lib.expect_continue(conn, "header " .. h[1]) == SMFIR_ACCEPT then
                return "accepted at header"
            end
        end
    end
    if not lib.skip(conn, SMFIP_NOEOH) then
        lib.must(mt.eoh(conn), "mt.eoh")
        if lib.expect_continue(conn, "end of headers") == SMFIR_ACCEPT then
            return "accepted at EOH"
        end
    end
    if not lib.skip(conn, SMFIP_NOBODY) then
        lib.must(mt.bodystring(conn, lib.crlf(body)), "mt.bodystring")
        if lib.expect_continue(conn, "body") == SMFIR_ACCEPT then
            return "accepted at body"
        end
    end
    lib.must(mt.eom(conn), "mt.eom")
    lib.expect_continue(conn, "end of message")
    return "eom"
end

function lib.added(conn, name)
    local values = {}
    local v = mt.getheader(conn, name, 0)
    while v ~= nil do
        -- libmilter folding is "\n\t"; unfold to single spaces.
        v = v:gsub("[ \t]*\r?\n[ \t]*", " "):gsub("^%s+", ""):gsub("%s+$", "")
        values[#values + 1] = v
        v = mt.getheader(conn, name, #values)
    end
    return values
end

function lib.run(main)
    local fine, err = pcall(main)
    if not fine then
        lib.not_ok("miltertest script ran to the end", tostring(err))
    end
    print(string.format("# %d checks, %d failed", lib.count, lib.failures))
    io.stdout:flush()
    if lib.failures > 0 then
        os.exit(1)
    end
end

return lib
