-- t-forged-headers-replaced.lua - forged X-Deal-* fields on an outbound
-- message are deleted, and the milter's own verdict is the only one left.
--
-- The README promises: "A header of that name already in the message
-- (forged, or added by an earlier pass) is removed first." The rep controls
-- every header of the mail they send, so they could pre-set a calm verdict
-- ("X-Deal-Euphoria: 0.00 calm") or a thread of their choosing.
--
-- One euphoric outbound message arrives with two forged X-Deal-Euphoria
-- fields (the second spelled "x-deal-euphoria": header names are case-blind)
-- and a forged X-Deal-Thread. At end of message the milter must
--   * delete X-Deal-Euphoria occurrences 1 and 2 and nothing beyond them
--     (smfi_chgheader with no value: miltertest's MT_HDRDELETE),
--   * delete X-Deal-Thread occurrence 1,
--   * add exactly one X-Deal-Euphoria, its own: euphoric, not the forged value,
--   * add exactly one X-Deal-Thread that is not the forged id,
-- so the delivered message carries exactly one X-Deal-Euphoria, the milter's.
-- Only outbound mail is in scope here.
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

    lib.must(mt.disconnect(conn), "mt.disconnect")
end

lib.run(main)
