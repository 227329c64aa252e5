#!/usr/bin/env bash
# `dealtemp report --html` in a real browser: the three-week team timeline
# (tests/data/timeline/team-3weeks.mbox, team.conf; the database in a temp
# dir) imported, the page written as of 2026-11-20T17:00:00Z, and then
#   - Debian's Chromium, headless, screenshots it 390 and 1280 px wide into
#     $DT_BUILD/report-390.png and report-1280.png (PNGs of those widths),
#     with no console message (a blocked request, a script, an error would
#     all log one) and no host name resolvable (nothing can leave anyway);
#   - the DOM Chromium built holds every chart's table (caption, th scope),
#     inline SVG, no script, no http(s) URL in src or href;
#   - a probe (a copy of the page with one measuring script: the page itself
#     runs none and its CSP would refuse one) finds no horizontal scroll and
#     no text under 12 px at 390 and at 1280 px;
#   - the figures against an independent computation: report-check.py
#     computes the reply outcomes from the mbox itself (threads from
#     Message-ID / In-Reply-To / References, levels from `dealtemp score` of
#     each outbound mail cut out of the mbox, the same rule as of the same
#     moment) and compares with `report --json` (exact) and the page's table;
#   - privacy: the team's page and a rep's hold no subject, no customer
#     address; the rep's no other rep; the rep's page in the rep's language;
#   - --html - writes the page to standard output; --json with --html is a
#     usage error; a page that cannot be written is one line and status 1.
# Prints "ok - name" / "not ok - name: why"; exits 1 if any failed. Every
# wait is bounded. Needs python3 and chromium (make deps).
set -u
cd "$(dirname "$0")/../.." || exit 1
B=${DT_BUILD:-build}
DT="$B/dealtemp"
DATA=tests/data/timeline
MBOX=$DATA/team-3weeks.mbox
CHECK=tests/integration/report-check.py
AS_OF=2026-11-20T17:00:00Z
failures=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok() { echo "ok - $1"; }
not_ok() { echo "not ok - $1: $2"; failures=$((failures + 1)); }
tally() { # run a report-check.py command, print its lines, count its failures
    python3 "$CHECK" "$@" >"$tmp/check.out" 2>&1 || echo "not ok - report-check.py $1 crashed" >>"$tmp/check.out"
    cat "$tmp/check.out"
    failures=$((failures + $(grep -c '^not ok' "$tmp/check.out")))
}
for c in python3 chromium timeout; do
    command -v "$c" >/dev/null || { echo "not ok - $c missing: run make deps"; exit 1; }
done
[ -x "$DT" ] || { echo "not ok - $DT missing: run make all"; exit 1; }

# Chromium, headless, with its profile in the temp dir, no GPU, no name resolving.
browse() { # browse WIDTH ARGS... (stderr to $tmp/chromium.err, appended)
    local w=$1
    shift
    timeout 120 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
        --user-data-dir="$tmp/profile" --host-resolver-rules="MAP * ~NOTFOUND" \
        --enable-logging=stderr --v=0 --window-size="$w,2400" "$@" 2>>"$tmp/chromium.err"
}

CONF=$tmp/team.conf
sed "s|^database = .*|database = \"$tmp/team.db\";|" "$DATA/team.conf" >"$CONF"
if timeout 120 "$DT" import -c "$CONF" --mbox "$MBOX" >"$tmp/out" 2>&1; then
    ok "the team timeline imported ($(grep -o '[0-9]* imported' "$tmp/out"))"
else not_ok "import" "$(cat "$tmp/out")"; fi

PAGE=$tmp/report.html
if timeout 60 "$DT" report -c "$CONF" --as-of "$AS_OF" --html "$PAGE" >"$tmp/out" 2>&1 &&
    [ ! -s "$tmp/out" ] && grep -q '^<!DOCTYPE html>' "$PAGE"; then
    ok "report --html writes the page as of $AS_OF ($(wc -c <"$PAGE") bytes), nothing on stdout"
else not_ok "report --html" "$(cat "$tmp/out")"; fi
timeout 60 "$DT" report -c "$CONF" --as-of "$AS_OF" --json >"$tmp/report.json" 2>"$tmp/err" ||
    not_ok "report --json" "$(cat "$tmp/err")"
if timeout 60 "$DT" report -c "$CONF" --as-of "$AS_OF" --html - >"$tmp/stdout.html" 2>"$tmp/err" &&
    cmp -s "$tmp/stdout.html" "$PAGE"; then
    ok "report --html - writes the same page to standard output"
else not_ok "report --html -" "$(cat "$tmp/err")"; fi
timeout 60 "$DT" report -c "$CONF" --json --html "$tmp/x.html" >/dev/null 2>"$tmp/err"
rc=$?
if [ $rc -eq 2 ] && grep -q "give exactly one of --json or --html FILE" "$tmp/err" && [ ! -e "$tmp/x.html" ]; then
    ok "--json and --html together: usage error (2), nothing written"
else not_ok "--json --html" "rc=$rc $(cat "$tmp/err")"; fi

timeout 60 "$DT" report -c "$CONF" --html "$tmp/no/such/dir/r.html" >/dev/null 2>"$tmp/err"
rc=$?
if [ $rc -eq 1 ] && [ "$(cat "$tmp/err")" = "dealtemp: $tmp/no/such/dir/r.html: No such file or directory" ]; then
    ok "a page that cannot be written: one line naming the file, status 1"
else not_ok "--html into a missing directory" "rc=$rc $(cat "$tmp/err")"; fi

# ---- the browser ----------------------------------------------------------

for w in 390 1280; do
    png=$B/report-$w.png
    rm -f "$png"
    browse "$w" --screenshot="$png" "file://$PAGE" >/dev/null
    tally png "$png" "$w"
done
browse 390 --dump-dom "file://$PAGE" >"$tmp/dom.html"
tally dom "$tmp/dom.html"
if grep -q ':CONSOLE' "$tmp/chromium.err"; then
    not_ok "console" "$(grep ':CONSOLE' "$tmp/chromium.err" | head -3)"
else ok "no console message (no blocked request, no error) in $(grep -c . "$tmp/chromium.err") lines of Chromium's log"; fi

# The probe: the page in an iframe exactly W px wide (srcdoc: same origin, so the
# wrapper's one script can measure it; the page itself runs none and its CSP would
# refuse one), measured once it has loaded; the answer left in the wrapper's DOM.
cat >"$tmp/probe.js" <<'EOF'
<script>
(function () {
  var f = document.getElementById("page");
  function measure() {
    var d = f.contentDocument, w = f.contentWindow;
    var r = {w: w.innerWidth, sw: d.documentElement.scrollWidth, min: 1e9, minWhat: "", n: 0,
             wide: []};
    var walk = d.createTreeWalker(d.body, NodeFilter.SHOW_TEXT);
    while (walk.nextNode()) {
      var t = walk.currentNode, el = t.parentElement;
      if (!t.nodeValue.trim() || el.getClientRects().length === 0) continue;
      var px = parseFloat(w.getComputedStyle(el).fontSize), svg = el.closest("svg");
      if (svg) px *= svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
      r.n++;
      if (px < r.min) { r.min = px; r.minWhat = t.nodeValue.trim().slice(0, 40); }
    }
    d.querySelectorAll("body *").forEach(function (e) {
      if (e.getBoundingClientRect().right > w.innerWidth + 0.5)
        r.wide.push(e.tagName + "." + (e.getAttribute("class") || ""));
    });
    r.wide = r.wide.slice(0, 5);
    var pre = document.createElement("pre");
    pre.id = "probe";
    pre.textContent = JSON.stringify(r);
    document.body.appendChild(pre);
  }
  var d = f.contentDocument; /* about:blank until the page is in */
  if (d && d.URL === "about:srcdoc" && d.readyState === "complete") measure();
  else f.addEventListener("load", measure);
})();
</script>
EOF
for w in 390 1280; do
    python3 - "$PAGE" "$tmp/probe.js" "$w" >"$tmp/probe.html" <<'EOF'
import html, sys
page, probe, width = sys.argv[1:]
print('<!DOCTYPE html><html><body style="margin:0">')
print('<iframe id="page" style="border:0;width:%spx;height:3000px" srcdoc="%s"></iframe>'
      % (width, html.escape(open(page, encoding="utf-8").read(), quote=True)))
print(open(probe).read() + "</body></html>")
EOF
    browse 1280 --virtual-time-budget=5000 --dump-dom "file://$tmp/probe.html" >"$tmp/probe-$w.html"
    tally probe "$tmp/probe-$w.html"
done

# ---- the figures, computed again from the mbox ----------------------------

as_of_s=$(date -u -d "$AS_OF" +%s)
tally outcomes "$MBOX" "$CONF" "$as_of_s" "$DT" "$tmp/report.json" "$tmp/dom.html"

# ---- privacy and language ---------------------------------------------------

tally private "$PAGE" "$MBOX"
cp "$CONF" "$tmp/nl.conf"
printf 'digest = { languages = { nl = [ "ann@corp.example" ]; }; };\n' >>"$tmp/nl.conf"
if timeout 60 "$DT" report -c "$tmp/nl.conf" --as-of "$AS_OF" --rep Ann@corp.example --html "$tmp/ann.html" 2>"$tmp/err"; then
    tally private "$tmp/ann.html" "$MBOX" ann@corp.example
    if grep -q '<html lang="nl">' "$tmp/ann.html" && grep -q 'Alleen de mail van ann@corp.example' "$tmp/ann.html"; then
        ok "ann's page is in ann's language (digest.languages): Dutch, and says whose it is"
    else not_ok "ann's language" "$(grep -o '<html[^>]*>' "$tmp/ann.html")"; fi
else not_ok "report --rep ann" "$(cat "$tmp/err")"; fi

echo "# $failures failed"
[ "$failures" -eq 0 ]
