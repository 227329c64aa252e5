-- t-forged-headers-replaced.lua - every field in dealtemp's name space
-- (X-Deal-*) that a message arrives with is deleted, whatever the message's
-- direction, and the milter's own verdict is the only one left.
--
-- The README promises: the milter removes every X-Deal-* field from every
-- message it sees - outbound, inbound, internal, list, automatic - before
-- it adds its own; the one exception is X-Deal-Nudge on one of dealtemp's
-- own notes (From digest.from, Auto-Submitted: auto-generated). Whoever
-- writes a message controls every field in it: a rep could pre-set a calm
-- verdict ("X-Deal-Euphoria: 0.00 calm") or a thread of their choosing, a
-- customer or a list could plant a latency or a nudge mark that a rep's
-- mail filter trusts.
--
-- 1. One euphoric outbound message arrives with two forged X-Deal-Euphoria
--    fields (the second spelled "x-deal-euphoria": header names are
--    case-blind), a forged X-Deal-Thread, a forged X-Deal-Nudge (which
--    would spare the rep a nudge) and a field of a name dealtemp never
--    writes. At end of message the milter must
--      * delete X-Deal-Euphoria occurrences 1 and 2 and nothing beyond them
--        (smfi_chgheader with no value: miltertest's MT_HDRDELETE),
--      * delete X-Deal-Thread, X-Deal-Nudge and X-Deal-Approved-By,
--      * add exactly one X-Deal-Euphoria, its own: euphoric, not the forged
--        value, and exactly one X-Deal-Thread that is not the forged id,
--    so the delivered message carries exactly one X-Deal-Euphoria.
-- 2. Internal, list (List-Id), automatic (Auto-Submitted) and inbound mail,
--    each with forged fields: every one deleted, none of the forged values
--    added back, no euphoria verdict added.
-- 3. A note shaped as dealtemp writes its nudges (From dealtemp@corp.test,
--    the default digest.from; Auto-Submitted: auto-generated): its
--    X-Deal-Nudge stays, a forged X-Deal-Euphoria beside it goes. The same
--    note from another sender loses its X-Deal-Nudge.
--
-- Run: miltertest -s tests/integration/t-forged-headers-replaced.lua \
--        -D libdir=tests/integration -D spec=inet:PORT@127.0.0.1
-- (run-miltertest.sh does, against a milter with internal_domains corp.test).

if libdir == nil then
    error("run with -D libdir=tests/integration")
end
local lib = dofile(libdir .. "/mtlib.lua")

local EUPHORIA = "X-Deal-Euphoria"
local THREAD = "X-Deal-Thread"
local NUDGE = "X-Deal-Nudge"
local LATENCY = "X-Deal-Reply-Latency"
local FORGED_VERDICT = "0.00 calm"
local FORGED_THREAD = "0123456789ab"

local BODY = [[
Hi Sam,

AMAZING call today!!! We are SO excited about this partnership, it is going
to be an absolute game-changer for your team!!! Honestly the best meeting we
have had all year, fantastic energy, incredible fit. I can't wait to get this
signed 🚀🎉

Best,
Alex
]]

-- check(name, cond, why): one ok / not ok line.
local function check(name, cond, why)
    if cond then
        lib.ok(name)
    else
        lib.not_ok(name, why)
    end
end

-- deleted(conn, what, name, n): fields 1..n of name deleted, none beyond.
local function deleted(conn, what, name, n)
    local missing = {}
    for i = 1, n do
        if not mt.eom_check(conn, MT_HDRDELETE, name, i) then
            missing[#missing + 1] = tostring(i)
        end
    end
    check(string.format("%s: forged %s deleted (%d)", what, name, n), #missing == 0 and
        not mt.eom_check(conn, MT_HDRDELETE, name, n + 1),
        #missing > 0 and ("not deleted: #" .. table.concat(missing, ", #"))
        or string.format("index %d deleted too: miscounted", n + 1))
end

-- none_added(conn, what, forged): no X-Deal-Euphoria added, and no X-Deal-*
-- field added or changed back to a forged value.
local function none_added(conn, what, forged)
    local verdicts = lib.added(conn, EUPHORIA)
    check(what .. ": no " .. EUPHORIA .. " added", #verdicts == 0,
        "added '" .. table.concat(verdicts, "', '") .. "'")
    local back = {}
    for _, f in ipairs(forged) do
        for _, v in ipairs(lib.added(conn, f[1])) do
            if v == f[2] then
                back[#back + 1] = f[1]
            end
        end
        if mt.eom_check(conn, MT_HDRCHANGE, f[1], f[2]) then
            back[#back + 1] = f[1] .. " (changed)"
        end
    end
    check(what .. ": no forged value comes back", #back == 0, table.concat(back, ", "))
end

-- One message of each direction dealtemp does not score, each with forged
-- fields of several names, two of one name.
local function others(conn)
    local forged = {
        { EUPHORIA, "0.00 calm" },
        { THREAD, "0123456789ab" },
        { LATENCY, "1 hour (usual 1 hour, in this thread; normal)" },
        { NUDGE, "yes" },
        { "x-deal-euphoria", "0.99 euphoric (en; hype=9)" },
    }
    local cases = {
        { "internal", "rep@corp.test", "colleague@corp.test", {
            { "From", "Alex Rep <rep@corp.test>" }, { "To", "Kim <colleague@corp.test>" },
            { "Subject", "Lunch?" } } },
        { "list", "rep@corp.test", "buyer@customer.example", {
            { "From", "Alex Rep <rep@corp.test>" }, { "To", "buyer@customer.example" },
            { "List-Id", "<deals.lists.corp.test>" }, { "Subject", "Newsletter" } } },
        { "automatic", "buyer@customer.example", "rep@corp.test", {
            { "From", "Sam Buyer <buyer@customer.example>" }, { "To", "rep@corp.test" },
            { "Auto-Submitted", "auto-replied" }, { "Subject", "Out of office" } } },
        { "inbound", "buyer@customer.example", "rep@corp.test", {
            { "From", "Sam Buyer <buyer@customer.example>" }, { "To", "Alex Rep <rep@corp.test>" },
            { "Subject", "Re: Great call today!!!" },
            { "In-Reply-To", "<mt-forged@corp.test>" } } },
    }
    for n, c in ipairs(cases) do
        local headers = {}
        for _, h in ipairs(c[4]) do
            headers[#headers + 1] = h
        end
        headers[#headers + 1] = { "Message-ID", string.format("<mt-forged-%d@test>", n) }
        headers[#headers + 1] = { "Date", "Thu, 27 Nov 2025 12:00:00 +0100" }
        for _, f in ipairs(forged) do
            headers[#headers + 1] = f
        end
        local how = lib.transaction(conn, c[2], c[3], headers, "Thanks, noted.\n")
        if how ~= "eom" then
            error(c[1] .. ": the message did not reach end of message: " .. how)
        end
        deleted(conn, c[1], EUPHORIA, 2)
        deleted(conn, c[1], THREAD, 1)
        deleted(conn, c[1], LATENCY, 1)
        deleted(conn, c[1], NUDGE, 1)
        none_added(conn, c[1], forged)
    end
end

-- A note as dealtemp sends its nudges keeps its mark; from anyone else it goes.
local function notes(conn)
    for _, c in ipairs({ { "dealtemp@corp.test", true }, { "buyer@customer.example", false } }) do
        local from, ours = c[1], c[2]
        local what = ours and "our note" or "a note from " .. from
        local how = lib.transaction(conn, from, "rep@corp.test", {
            { "From", from },
            { "To", "rep@corp.test" },
            { "Subject", "Your mail to Sam Buyer sounded euphoric" },
            { "Message-ID", "<nudge." .. from .. ">" },
            { "Auto-Submitted", "auto-generated" },
            { NUDGE, "yes" },
            { EUPHORIA, "0.00 calm" },
        }, "The mail you just sent sounded euphoric.\n")
        if how ~= "eom" then
            error(what .. ": the message did not reach end of message: " .. how)
        end
        deleted(conn, what, EUPHORIA, 1)
        if ours then
            check(what .. ": " .. NUDGE .. " kept", not mt.eom_check(conn, MT_HDRDELETE, NUDGE, 1),
                "deleted: the rep can no longer tell dealtemp's notes by their field")
        else
            deleted(conn, what, NUDGE, 1)
        end
        none_added(conn, what, { { EUPHORIA, "0.00 calm" } })
    end
end

local function main()
    local conn = lib.connect()
    check("negotiation asks for SMFIF_CHGHDRS (needed to delete a field)",
        mt.test_action(conn, SMFIF_CHGHDRS), "it does not, so no forged field can be removed")

    local how = lib.transaction(conn, "rep@corp.test", "buyer@customer.example", {
        { "From", "Alex Rep <rep@corp.test>" },
        { "To", "Sam Buyer <buyer@customer.example>" },
        { "Subject", "Great call today!!!" },
        { "Date", "Thu, 27 Nov 2025 10:00:00 +0100" },
        { "Message-ID", "<mt-forged@corp.test>" },
        { EUPHORIA, FORGED_VERDICT },
        { "MIME-Version", "1.0" },
        { THREAD, FORGED_THREAD },
        { "Content-Type", "text/plain; charset=utf-8" },
        { "x-deal-euphoria", FORGED_VERDICT },
        { NUDGE, "yes" },
        { "X-Deal-Approved-By", "the sales director" },
    }, BODY)
    if how ~= "eom" then
        error("the message did not reach end of message: " .. how)
    end

    -- Deletions: smfi_chgheader(name, index, NULL); indices count the
    -- fields of that name, whatever their case, from 1.
    check("forged " .. EUPHORIA .. " #1 deleted", mt.eom_check(conn, MT_HDRDELETE, EUPHORIA, 1),
        "no change-header/delete of " .. EUPHORIA .. " index 1")
    check("forged x-deal-euphoria (odd case, #2) deleted",
        mt.eom_check(conn, MT_HDRDELETE, EUPHORIA, 2),
        "no change-header/delete of " .. EUPHORIA .. " index 2")
    check("no " .. EUPHORIA .. " beyond the two forged ones deleted",
        not mt.eom_check(conn, MT_HDRDELETE, EUPHORIA, 3),
        "index 3 deleted: the milter miscounted the existing fields")
    check("forged " .. THREAD .. " deleted", mt.eom_check(conn, MT_HDRDELETE, THREAD, 1),
        "no change-header/delete of " .. THREAD .. " index 1")
    check("forged " .. NUDGE .. " on a rep's outbound mail deleted",
        mt.eom_check(conn, MT_HDRDELETE, NUDGE, 1), "it stays: a rep could dodge the nudge")
    check("X-Deal-Approved-By (a name dealtemp never writes) deleted",
        mt.eom_check(conn, MT_HDRDELETE, "X-Deal-Approved-By", 1),
        "only the names dealtemp adds are removed")
    check("no forged field is rewritten in place",
        not mt.eom_check(conn, MT_HDRCHANGE, EUPHORIA, FORGED_VERDICT) and
        not mt.eom_check(conn, MT_HDRCHANGE, THREAD, FORGED_THREAD),
        "a change-header kept a forged value")

    -- The milter's own fields: added once each (never inserted elsewhere).
    local verdicts = lib.added(conn, EUPHORIA)
    if #verdicts ~= 1 then
        lib.not_ok("exactly one " .. EUPHORIA .. " added",
            string.format("%d added: '%s'", #verdicts, table.concat(verdicts, "', '")))
    elseif verdicts[1]:find(FORGED_VERDICT, 1, true) == 1 then
        lib.not_ok("the added " .. EUPHORIA .. " is the milter's verdict",
            "it repeats the forged '" .. verdicts[1] .. "'")
    elseif not verdicts[1]:match("^%d%.%d%d euphoric %(en; [^()]*%)$") then
        lib.not_ok("the added " .. EUPHORIA .. " is the milter's verdict",
            "expected a euphoric/en verdict, got '" .. verdicts[1] .. "'")
    else
        lib.ok("exactly one " .. EUPHORIA .. " added, the milter's own (" .. verdicts[1] .. ")")
    end
    check(EUPHORIA .. " added with add-header, not inserted",
        not mt.eom_check(conn, MT_HDRINSERT, EUPHORIA), "an insert-header was used as well")

    local threads = lib.added(conn, THREAD)
    if #threads ~= 1 then
        lib.not_ok("exactly one " .. THREAD .. " added", string.format("%d added", #threads))
    elseif threads[1] == FORGED_THREAD or not threads[1]:match("^%x+$") then
        lib.not_ok("the added " .. THREAD .. " is the milter's own", "got '" .. threads[1] .. "'")
    else
        lib.ok("exactly one " .. THREAD .. " added, the milter's own (" .. threads[1] .. ")")
    end

    -- What the MTA is left with: the two that came, less those deleted
    -- (an index past the second deletes nothing), plus those added.
    local deleted = 0
    for i = 1, 2 do
        if mt.eom_check(conn, MT_HDRDELETE, EUPHORIA, i) then
            deleted = deleted + 1
        end
    end
    local left = 2 - deleted + #verdicts
    check("the message leaves with exactly one " .. EUPHORIA, left == 1,
        string.format("%d left (2 came, %d deleted, %d added)", left, deleted, #verdicts))

    others(conn)
    notes(conn)
    lib.must(mt.disconnect(conn), "mt.disconnect")
end

lib.run(main)
