/**
 * The console's only style sheet and only script, served from /console/assets/. The pages
 * are complete without the script; it keeps a live page current: on each server-sent
 * event it re-reads the page's live part (the same URL with `fragment=1`) and swaps it in.
 */

export const consoleCss = `
:root{--bad:#c62828;--warn:#b26a00;--ok:#2e7d32;--muted:#666;--line:#ddd;--head:#f4f5f7}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d1d1f;background:#fff}
header{display:flex;flex-wrap:wrap;gap:.4em 1.2em;align-items:center;padding:.6em 1.2em;background:#1f2a44;color:#fff}
header a{color:#dfe6ff;text-decoration:none}header a.on{color:#fff;font-weight:600;border-bottom:2px solid #fff}
header .who{margin-left:auto;color:#b9c3dd;font-size:.9em}header form{display:inline}
header button{background:none;border:1px solid #8793b3;color:#dfe6ff;border-radius:3px;cursor:pointer;font:inherit;font-size:.9em}
main{padding:1em 1.2em}
h1{font-size:1.4em;margin:.2em 0 .6em}h2{font-size:1.15em;margin:1.2em 0 .4em}
table{border-collapse:collapse;width:100%;margin-bottom:1em}
th,td{border-bottom:1px solid var(--line);padding:.35em .6em;text-align:left;vertical-align:top}
th{background:var(--head);font-weight:600;white-space:nowrap}th a{color:inherit}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tr.breached td{background:#fdecea}tr.breached td.remaining{color:var(--bad);font-weight:700}
tr.at_risk td.remaining{color:var(--warn);font-weight:600}
.state{display:inline-block;padding:0 .45em;border-radius:3px;font-size:.9em;white-space:nowrap}
.state.running{background:#e8f5e9;color:var(--ok)}.state.paused{background:#eceff1;color:#455a64}
.state.at_risk{background:#fff3e0;color:var(--warn)}.state.breached{background:var(--bad);color:#fff}
.counts{display:flex;flex-wrap:wrap;gap:.8em;margin:.2em 0 1em}
a.count{color:inherit;text-decoration:none}a.count:hover{border-color:#8793b3}
.count{border:1px solid var(--line);border-radius:6px;padding:.5em .9em;min-width:11em}
.count b{font-size:1.6em;display:block}.count .bad{color:var(--bad);font-weight:600}
form.filters{display:flex;flex-wrap:wrap;gap:.5em 1em;align-items:end;margin-bottom:1em}
form.filters label{display:flex;flex-direction:column;font-size:.85em;color:var(--muted)}
select,input,button{font:inherit}
.muted{color:var(--muted)}.bad{color:var(--bad)}.banner{background:#fff8e1;border:1px solid #ffe082;padding:.6em .9em;border-radius:4px;margin:.5em 0 1em}
.notice{background:#e3f2fd;border:1px solid #90caf9;padding:.6em .9em;border-radius:4px;margin:.5em 0 1em}
pre.explain{background:#f7f7f9;border:1px solid var(--line);padding:.6em .8em;white-space:pre-wrap;margin:.3em 0 1em}
.pager{display:flex;gap:1em;align-items:center;margin:-.4em 0 1em}
form.login{max-width:28em;display:flex;flex-direction:column;gap:.6em;margin-top:1em}
form.login input{padding:.4em;width:100%}
svg text{font-size:11px}
@media (min-width:1800px){body{font-size:19px}}
@media (max-width:900px){td.assignee,th.assignee,td.pack,th.pack{display:none}}
`;

export const liveScript = `(() => {
  const live = document.querySelector("[data-live]");
  if (!live) return;
  let timer;
  const refresh = async () => {
    const url = new URL(location.href);
    url.searchParams.set("fragment", "1");
    try {
      const res = await fetch(url, { credentials: "same-origin", headers: { accept: "text/html" } });
      if (res.redirected || !res.ok) return;
      live.innerHTML = await res.text();
      live.dataset.refreshed = String(Date.now());
    } catch {}
  };
  const soon = () => { clearTimeout(timer); timer = setTimeout(refresh, 100); };
  const kinds = (live.dataset.live || "").split(",").filter(Boolean);
  if (kinds.length && "EventSource" in window) {
    const events = new EventSource("/console/events?kinds=" + kinds.join(","));
    for (const k of kinds) events.addEventListener(k, soon);
  }
  // Remaining times run down between events too.
  setInterval(() => { if (!document.hidden) refresh(); }, Number(live.dataset.every || 30000));
})();
`;
