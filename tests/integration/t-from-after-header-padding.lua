-- t-from-after-header-padding.lua - 300 KB of padding fields before the
-- From does not hide it: the message is still classified from the fields
-- that classify it.
--
-- The sender writes every header. The milter keeps at most 256 KB of
-- header fields in memory; before, everything after the first 256 KB was
-- dropped, From and In-Reply-To included. Now the first From, To, Cc,
-- Message-ID, In-Reply-To, References, Subject, Date, List-Id, ... are kept
-- wherever they come, and only the excess of the other fields is left out.
--
-- The envelope senders here are external (a mailing service, a forwarder),
-- so only the header fields can make the two messages what they are:
--   1. the rep's euphoric mail: From rep@corp.test after 300 KB of padding
--      -> outbound: exactly one X-Deal-Euphoria (euphoric) and an X-Deal-Thread;
--   2. the customer's reply: From and In-Reply-To after 300 KB of padding
--      -> inbound, in the same thread, with an X-Deal-Reply-Latency (the
--         customer is the From address, not the forwarder's envelope sender),
--         and no X-Deal-Euphoria.
--
-- Run: miltertest -s tests/integration/t-from-after-header-padding.lua \
--        -D libdir=tests/integration -D spec=inet:PORT@127.0.0.1
-- (run-miltertest.sh does, against a milter with internal_domains corp.test).

if libdir == nil then
    error("run with -D libdir=tests/integration")
end
local lib = dofile(libdir .. "/mtlib.lua")

local PAD_FIELDS, PAD_BYTES = 300, 1000 -- 300 KB of padding before the fields that count

local EUPHORIC = [[
Hi Sam,

AMAZING call today!!! We are SO excited about this partnership, it is going
to be an absolute game-changer for your team!!! Honestly the best meeting we
have had all year, fantastic energy, incredible fit. I can't wait to get this
signed 🚀🎉

Best,
Alex
]]

local REPLY = [[
Hi Alex,

Thanks, sounds good. Let us talk next week.

Sam
]]

local function check(name, cond, why)
    if cond then
        lib.ok(name)
    else
        lib.not_ok(name, why)
    end
end

-- The padding fields, then the given ones.
local function padded(fields)
    local out, value = {}, string.rep("p", PAD_BYTES)
    for i = 1, PAD_FIELDS do
        out[#out + 1] = { "X-Pad-" .. i, value }
    end
    for _, f in ipairs(fields) do
        out[#out + 1] = f
    end
    return out
end

local function main()
    local conn = lib.connect()

    local how = lib.transaction(conn, "bounce-17@mailer.example", "buyer@customer.example", padded({
        { "From", "Alex Rep <rep@corp.test>" },
        { "To", "Sam Buyer <buyer@customer.example>" },
        { "Subject", "Great call today!!!" },
        { "Message-ID", "<mt-padding-out@corp.test>" },
        { "MIME-Version", "1.0" },
        { "Content-Type", "text/plain; charset=utf-8" },
    }), EUPHORIC)
    if how ~= "eom" then
        error("the outbound message did not reach end of message: " .. how)
    end
    local verdicts = lib.added(conn, "X-Deal-Euphoria")
    check("From after 300 KB of padding: outbound, one X-Deal-Euphoria",
        #verdicts == 1 and verdicts[1]:match("^%d%.%d%d euphoric ") ~= nil,
        string.format("%d added: '%s' (the From was lost: classified by the envelope alone)",
            #verdicts, table.concat(verdicts, "', '")))
    local threads = lib.added(conn, "X-Deal-Thread")
    check("the outbound message is stored (X-Deal-Thread added)", #threads == 1,
        string.format("%d X-Deal-Thread added", #threads))
    check("the body is not changed", not mt.eom_check(conn, MT_BODYCHANGE), "the milter replaced the body")

    how = lib.transaction(conn, "srs0=x1=customer.example=buyer@forwarder.example", "rep@corp.test",
        padded({
            { "From", "Sam Buyer <buyer@customer.example>" },
            { "To", "Alex Rep <rep@corp.test>" },
            { "Subject", "Re: Great call today!!!" },
            { "Message-ID", "<mt-padding-in@customer.example>" },
            { "In-Reply-To", "<mt-padding-out@corp.test>" },
            { "References", "<mt-padding-out@corp.test>" },
        }), REPLY)
    if how ~= "eom" then
        error("the reply did not reach end of message: " .. how)
    end
    check("the reply (inbound) gets no X-Deal-Euphoria", #lib.added(conn, "X-Deal-Euphoria") == 0,
        "an X-Deal-Euphoria was added: classified outbound")
    local reply_threads = lib.added(conn, "X-Deal-Thread")
    check("In-Reply-To after 300 KB of padding: the reply joins the thread",
        #reply_threads == 1 and #threads == 1 and reply_threads[1] == threads[1],
        string.format("reply thread '%s', outbound thread '%s'", tostring(reply_threads[1]),
            tostring(threads[1])))
    local latency = lib.added(conn, "X-Deal-Reply-Latency")
    check("From after 300 KB of padding: the customer's reply is timed (X-Deal-Reply-Latency)",
        #latency == 1, string.format("%d X-Deal-Reply-Latency added", #latency))

    lib.must(mt.disconnect(conn), "mt.disconnect")
end

lib.run(main)
