-- milter.lua - drive a running dealtemp-milter with miltertest(8).
--
-- Run: miltertest -s tests/integration/milter.lua -D libdir=tests/integration
--        -D spec=inet:PORT@127.0.0.1
--      (or -D port=PORT for inet on 127.0.0.1, or -D spec=unix:/path)
-- One connection, three transactions, as an MTA would send them:
--   1. outbound euphoric English  -> X-Deal-Euphoria added, level euphoric, lang en
--   2. outbound calm (same conn)  -> level calm
--   3. inbound, customer -> rep   -> no X-Deal-Euphoria
-- plus: negotiation asks for SMFIF_ADDHDRS and never for body/recipient changes,
-- and no transaction changes the body. Steps the milter negotiated away
-- (SMFIP_NOCONNECT, NOHELO, NOHDRS, NOEOH, NOBODY) are skipped, as Postfix would.
-- Prints "ok - name" / "not ok - name: why". miltertest hides Lua errors and
-- exits 1, so the body runs under pcall (mtlib.lua's lib.run) and errors are
-- printed; the exit status is 1 if anything failed.

if libdir == nil then
    error("run with -D libdir=tests/integration")
end
local lib = dofile(libdir .. "/mtlib.lua")
local ok, not_ok, must = lib.ok, lib.not_ok, lib.must

local HEADER = "X-Deal-Euphoria"
local msgno = 0

-- Run one transaction; returns the value of the single X-Deal-Euphoria added
-- (unfolded, trimmed), nil if none, and the number of such headers.
local function transaction(conn, from, rcpt, headers, body)
    msgno = msgno + 1
    local how = lib.transaction(conn, from, rcpt, headers, body)
    if how ~= "eom" then
        return nil, 0, how
    end

    if mt.eom_check(conn, MT_BODYCHANGE) then
        not_ok("message " .. msgno .. " body unchanged", "the milter replaced the body")
    else
        ok("message " .. msgno .. " body unchanged")
    end

    local values = lib.added(conn, HEADER)
    return values[1], #values, how
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
    local conn = lib.connect()

    -- Negotiation happened on connect.
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

lib.run(main)
