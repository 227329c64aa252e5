-- milter.lua - drive a running dealtemp-milter with miltertest(8).
--
-- Run: miltertest -s tests/integration/milter.lua -D spec=inet:PORT@127.0.0.1
--      (or -D port=PORT for inet on 127.0.0.1, or -D spec=unix:/path)
-- One connection, three transactions, as an MTA would send them:
--   1. outbound euphoric English  -> X-Deal-Euphoria added, level euphoric, lang en
--   2. outbound calm (same conn)  -> level calm
--   3. inbound, customer -> rep   -> no X-Deal-Euphoria
-- plus: negotiation asks for SMFIF_ADDHDRS and never for body/recipient changes,
-- and no transaction changes the body. Steps the milter negotiated away
-- (SMFIP_NOCONNECT, NOHELO, NOHDRS, NOEOH, NOBODY) are skipped, as Postfix would.
-- Prints "ok - name" / "not ok - name: why". miltertest hides Lua errors and
-- exits 1, so the body runs under pcall and errors are printed; the exit
-- status is 1 if anything failed.

local HEADER = "X-Deal-Euphoria"
local count, failures = 0, 0

local function ok(name)
    count = count + 1
    print("ok - " .. name)
end

local function not_ok(name, why)
    count = count + 1
    failures = failures + 1
    print("not ok - " .. name .. ": " .. why)
end

-- miltertest functions return nil on success or an error string.
local function must(rv, what)
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
local function expect_continue(conn, what)
    local r = mt.getreply(conn)
    if r ~= SMFIR_CONTINUE and r ~= SMFIR_ACCEPT then
        error(what .. ": milter replied " .. reply_name(r), 2)
    end
    return r
end

local function skip(conn, opt)
    return opt ~= nil and mt.test_option(conn, opt)
end

local function crlf(text)
    return (text:gsub("\r?\n", "\r\n"))
end

local msgno = 0

-- Run one transaction; returns the value of the single X-Deal-Euphoria added
-- (unfolded, trimmed), nil if none, and the number of such headers.
local function transaction(conn, from, rcpt, headers, body)
    msgno = msgno + 1
    local qid = string.format("MT%04dA", msgno)

    must(mt.macro(conn, SMFIC_MAIL, "{mail_addr}", from), "mt.macro(MAIL)")
    must(mt.mailfrom(conn, "<" .. from .. ">"), "mt.mailfrom")
    if expect_continue(conn, "MAIL FROM") == SMFIR_ACCEPT then
        return nil, 0, "accepted at MAIL"
    end
    must(mt.macro(conn, SMFIC_RCPT, "i", qid, "{rcpt_addr}", rcpt), "mt.macro(RCPT)")
    must(mt.rcptto(conn, "<" .. rcpt .. ">"), "mt.rcptto")
    if expect_continue(conn, "RCPT TO") == SMFIR_ACCEPT then
        return nil, 0, "accepted at RCPT"
    end
    if not skip(conn, SMFIP_NOHDRS) then
        for _, h in ipairs(headers) do
            must(mt.header(conn, h[1], h[2]), "mt.header(" .. h[1] .. ")")
            if expect_continue(conn, "header " .. h[1]) == SMFIR_ACCEPT then
                return nil, 0, "accepted at header"
            end
        end
    end
    if not skip(conn, SMFIP_NOEOH) then
        must(mt.eoh(conn), "mt.eoh")
        if expect_continue(conn, "end of headers") == SMFIR_ACCEPT then
            return nil, 0, "accepted at EOH"
        end
    end
    if not skip(conn, SMFIP_NOBODY) then
        must(mt.bodystring(conn, crlf(body)), "mt.bodystring")
        if expect_continue(conn, "body") == SMFIR_ACCEPT then
            return nil, 0, "accepted at body"
        end
    end
    must(mt.eom(conn), "mt.eom")
    expect_continue(conn, "end of message")

    if mt.eom_check(conn, MT_BODYCHANGE) then
        not_ok("message " .. msgno .. " body unchanged", "the milter replaced the body")
    else
        ok("message " .. msgno .. " body unchanged")
    end

    local n = 0
    while mt.getheader(conn, HEADER, n) ~= nil do
        n = n + 1
    end
    local v = mt.getheader(conn, HEADER, 0)
    if v ~= nil then
        -- libmilter folding is "\n\t"; unfold to single spaces.
        v = v:gsub("[ \t]*\r?\n[ \t]*", " "):gsub("^%s+", ""):gsub("%s+$", "")
    end
    return v, n, "eom"
end

-- "0.81 euphoric (en; hype=5 excl=4 caps=1 emoji=2)"
local function parse(v)
    return v:match("^(%d%.%d%d) (%a+) %(([%a%-]+); ([^()]*)%)$")
end

local function check_level(name, v, n, want_level, want_lang)
    if n ~= 1 then
        not_ok(name, string.format("expected one %s header, got %d", HEADER, n))
        return
    end
    local score, level, lang = parse(v)
    if score == nil then
        not_ok(name, "value not in the documented format: '" .. v .. "'")
    elseif tonumber(score) < 0 or tonumber(score) > 1 then
        not_ok(name, "score out of 0..1: '" .. v .. "'")
    elseif level ~= want_level then
        not_ok(name, "level " .. level .. ", expected " .. want_level .. ": '" .. v .. "'")
    elseif want_lang ~= nil and lang ~= want_lang then
        not_ok(name, "lang " .. lang .. ", expected " .. want_lang .. ": '" .. v .. "'")
    else
        ok(name .. " (" .. v .. ")")
    end
end

local function headers(from, to, subject, id)
    return {
        { "From", from },
        { "To", to },
        { "Subject", subject },
        { "Date", "Thu, 27 Nov 2025 10:00:00 +0100" },
        { "Message-ID", "<" .. id .. "@corp.test>" },
        { "MIME-Version", "1.0" },
        { "Content-Type", "text/plain; charset=utf-8" },
        { "Content-Transfer-Encoding", "8bit" },
    }
end

local EUPHORIC = [[
Hi Sam,

AMAZING call today!!! We are SO excited about this partnership, it is going
to be an absolute game-changer for your team!!! Honestly the best meeting we
have had all year, fantastic energy, incredible fit. I can't wait to get this
signed 🚀🎉

This is going to be HUGE, truly a dream deal. Let's make it happen!!! 🥂🎉

Best,
Alex
]]

local CALM = [[
Hello Sam,

Thank you for your time on the call today. As discussed, I have attached the
revised proposal with the updated pricing for the 50-seat licence. Please
review it with your procurement team and let me know if you have questions.

I suggest a follow-up meeting next Tuesday to go through the contract terms.

Kind regards,
Alex
]]

local INBOUND = [[
Hi Alex,

AMAZING, we are SO excited too!!! Fantastic call, can't wait to get going 🎉🚀

Sam
]]

local function main()
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

    -- Negotiation happens on the first query.
    if mt.test_action(conn, SMFIF_ADDHDRS) then
        ok("negotiation asks for SMFIF_ADDHDRS")
    else
        not_ok("negotiation asks for SMFIF_ADDHDRS", "it does not, so no header can be added")
    end
    local wants = {}
    for _, a in ipairs({ "SMFIF_CHGBODY", "SMFIF_ADDRCPT", "SMFIF_DELRCPT", "SMFIF_CHGFROM" }) do
        if _G[a] ~= nil and mt.test_action(conn, _G[a]) then
            wants[#wants + 1] = a
        end
    end
    if #wants == 0 then
        ok("negotiation asks for no body/envelope changes")
    else
        not_ok("negotiation asks for no body/envelope changes", table.concat(wants, " "))
    end

    if not skip(conn, SMFIP_NOCONNECT) then
        must(mt.macro(conn, SMFIC_CONNECT, "j", "mta.corp.test", "{daemon_name}", "smtpd"),
            "mt.macro(CONNECT)")
        must(mt.conninfo(conn, "client.corp.test", "127.0.0.1"), "mt.conninfo")
        expect_continue(conn, "connect")
    end
    if not skip(conn, SMFIP_NOHELO) then
        must(mt.helo(conn, "client.corp.test"), "mt.helo")
        expect_continue(conn, "HELO")
    end

    local v, n, how

    v, n, how = transaction(conn, "rep@corp.test", "buyer@customer.example",
        headers("Alex Rep <rep@corp.test>", "Sam Buyer <buyer@customer.example>",
            "Great call today!!!", "mt-euphoric"), EUPHORIC)
    check_level("euphoric outbound is euphoric/en [" .. how .. "]", v, n, "euphoric", "en")

    v, n, how = transaction(conn, "rep@corp.test", "buyer@customer.example",
        headers("Alex Rep <rep@corp.test>", "Sam Buyer <buyer@customer.example>",
            "Revised proposal", "mt-calm"), CALM)
    check_level("calm outbound (2nd message, same connection) is calm [" .. how .. "]", v, n, "calm")

    v, n, how = transaction(conn, "buyer@customer.example", "rep@corp.test",
        headers("Sam Buyer <buyer@customer.example>", "Alex Rep <rep@corp.test>",
            "Re: Great call today!!!", "mt-inbound"), INBOUND)
    if n == 0 and not mt.eom_check(conn, MT_HDRADD, HEADER) and not mt.eom_check(conn, MT_HDRINSERT, HEADER) then
        ok("inbound (3rd message) gets no " .. HEADER .. " [" .. how .. "]")
    else
        not_ok("inbound (3rd message) gets no " .. HEADER, "got '" .. tostring(v) .. "'")
    end

    must(mt.disconnect(conn), "mt.disconnect")
end

local fine, err = pcall(main)
if not fine then
    not_ok("miltertest script ran to the end", tostring(err))
end
print(string.format("# %d checks, %d failed", count, failures))
io.stdout:flush()
if failures > 0 then
    os.exit(1)
end
