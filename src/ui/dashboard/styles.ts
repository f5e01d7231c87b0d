/** The dashboard's one stylesheet (served inline with the CSP nonce). */
export const DASHBOARD_CSS = `
:root{--ink:#0f172a;--muted:#64748b;--line:#e2e8f0;--bg:#f8fafc;--card:#fff;--accent:#4f46e5;--accent-ink:#fff;--ok:#047857;--warn:#b45309;--bad:#b91c1c}
[hidden]{display:none!important}*{box-sizing:border-box}html{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--ink);background:var(--bg)}
body{margin:0}a{color:var(--accent)}h1{font-size:1.5rem;margin:0 0 4px}h2{font-size:1.05rem;margin:0 0 12px}
.skip{position:absolute;left:-9999px}.skip:focus{left:16px;top:8px;background:#fff;padding:8px;z-index:10}
.top{display:flex;align-items:center;gap:24px;padding:0 24px;height:56px;background:var(--ink);color:#fff}
.top .brand{font-weight:700;color:#fff;text-decoration:none;letter-spacing:.2px}
.top nav{display:flex;gap:4px;flex:1;overflow-x:auto}.top nav a{color:#cbd5e1;text-decoration:none;padding:6px 10px;border-radius:6px;white-space:nowrap}
.top nav a[aria-current=page],.top nav a:hover{color:#fff;background:rgba(255,255,255,.1)}
.top form{margin:0}.top .who{color:#94a3b8;font-size:.85rem}
.linkish{background:none;border:0;color:#cbd5e1;font:inherit;cursor:pointer;padding:6px 8px;border-radius:6px}.linkish:hover{color:#fff;background:rgba(255,255,255,.1)}
main{max-width:1180px;margin:0 auto;padding:28px 24px 48px}
.head{display:flex;flex-wrap:wrap;align-items:flex-end;justify-content:space-between;gap:16px;margin-bottom:20px}
.sub{color:var(--muted);margin:0}
.filters{display:flex;flex-wrap:wrap;gap:12px;align-items:flex-end}
label{display:block;font-size:.8rem;font-weight:600;color:#334155;margin-bottom:4px}
input,select,textarea{font:inherit;color:inherit;padding:8px 10px;border:1px solid #cbd5e1;border-radius:8px;background:#fff;min-width:0}
input:focus-visible,select:focus-visible,textarea:focus-visible,button:focus-visible,a:focus-visible{outline:3px solid #a5b4fc;outline-offset:1px}
.btn{font:inherit;font-weight:600;border:0;border-radius:8px;padding:9px 14px;background:var(--accent);color:var(--accent-ink);cursor:pointer;text-decoration:none;display:inline-block}
.btn.secondary{background:#fff;color:var(--ink);border:1px solid #cbd5e1}.btn.danger{background:#fff;color:var(--bad);border:1px solid #fecaca}
.grid{display:grid;gap:16px}.grid+.grid{margin-top:16px}select{max-width:300px}.kpis{grid-template-columns:repeat(auto-fill,minmax(180px,1fr))}.two{grid-template-columns:repeat(auto-fit,minmax(min(320px,100%),1fr))}.grid>*{min-width:0}
.card{background:var(--card);border:1px solid var(--line);border-radius:12px;padding:18px}
.kpi .label{color:var(--muted);font-size:.82rem;font-weight:600}.kpi .value{font-size:1.6rem;font-weight:700;margin-top:4px;font-variant-numeric:tabular-nums}
.kpi .hint{color:var(--muted);font-size:.8rem}
table{width:100%;border-collapse:collapse;font-variant-numeric:tabular-nums}th,td{text-align:left;padding:10px 12px;border-bottom:1px solid var(--line);vertical-align:top}
th{font-size:.78rem;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);font-weight:600}td.num,th.num{text-align:right}
.empty{color:var(--muted);text-align:center;padding:28px}
.badge{display:inline-block;font-size:.75rem;font-weight:600;padding:2px 8px;border-radius:999px;background:#eef2ff;color:#3730a3}
.badge.ok{background:#ecfdf5;color:var(--ok)}.badge.warn{background:#fffbeb;color:var(--warn)}.badge.bad{background:#fef2f2;color:var(--bad)}.badge.muted{background:#f1f5f9;color:#475569}
.chart{width:100%;height:auto;display:block}.legend{display:flex;gap:16px;font-size:.82rem;color:var(--muted);margin-top:8px}
.swatch{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:6px;vertical-align:middle}.sw-a{background:#f59e0b}.sw-r{background:#10b981}
.funnel{display:grid;gap:10px}.funnel .row{display:grid;grid-template-columns:110px 1fr 70px;gap:12px;align-items:center;font-size:.9rem}
.funnel meter{width:100%;height:14px}.funnel .num{text-align:right;font-variant-numeric:tabular-nums}
.bar{height:12px;border-radius:999px;background:#eef2ff;overflow:hidden}.bar span{display:block;height:100%;background:var(--accent)}
.notice{background:#ecfdf5;border:1px solid #a7f3d0;color:#065f46;padding:12px 14px;border-radius:10px;margin-bottom:16px}
.error{background:#fef2f2;border:1px solid #fecaca;color:#991b1b;padding:12px 14px;border-radius:10px;margin-bottom:16px}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.88em}
.login{max-width:380px;margin:10vh auto;padding:0 16px}.login .card{padding:28px}.login .field{margin-bottom:14px}.login input{width:100%}textarea{width:100%;resize:vertical}
.stack>*+*{margin-top:16px}
.grow{flex:1 1 220px}.grow input{width:100%}.actions{display:flex;flex-wrap:wrap;gap:8px;align-items:center}.actions form{margin:0}
.filters.card{margin-bottom:16px}.filters .actions{align-self:flex-end}
.card.flush{padding:0;overflow:hidden}.toolbar{display:flex;flex-wrap:wrap;gap:10px;align-items:center;padding:12px 16px;border-bottom:1px solid var(--line);background:#fbfdff}
label.inline{display:inline-flex;align-items:center;gap:6px;margin:0;font-weight:600}
.scroll{overflow-x:auto}.flush table td:first-child,.flush table th:first-child{padding-left:16px}
td.pick,th.pick{width:36px}td.pick input{width:18px;height:18px}
.faint{color:var(--muted);font-size:.85rem}.small{font-size:.75rem}.strong{font-weight:700}
.pager{display:flex;justify-content:space-between;align-items:center;margin-top:16px}
.narrow{max-width:560px;margin:0 auto}.crumbs{margin:0 0 8px}.crumbs a{text-decoration:none}
h3{font-size:.9rem;margin:18px 0 8px}.row-between{display:flex;flex-wrap:wrap;justify-content:space-between;align-items:flex-start;gap:12px}
.facts{display:grid;grid-template-columns:110px 1fr;gap:6px 12px;margin:0}.facts dt{color:var(--muted);font-size:.85rem}.facts dd{margin:0;overflow-wrap:anywhere}
.plain{list-style:none;margin:0;padding:0}.plain>li+li{border-top:1px solid var(--line);margin-top:12px;padding-top:12px}
blockquote{margin:6px 0;padding:6px 10px;border-left:3px solid #c7d2fe;background:#f8fafc;font-size:.9rem}
.events{display:flex;flex-wrap:wrap;gap:4px 14px;font-size:.82rem;color:var(--muted);margin:4px 0}
pre.wrap{white-space:pre-wrap;overflow-wrap:anywhere;background:#f8fafc;padding:10px;border-radius:8px;font-size:.85rem}
details summary{cursor:pointer;color:var(--accent);font-size:.85rem}
.thread{list-style:none;margin:0 0 16px;padding:0;display:flex;flex-direction:column;gap:10px}
.turn{max-width:85%;padding:8px 12px;border-radius:12px;background:#f1f5f9;overflow-wrap:anywhere}.turn.ai,.turn.merchant{align-self:flex-end;background:#eef2ff}.turn.merchant{background:#ecfdf5}
.turn .who{font-size:.75rem;color:var(--muted);margin-bottom:2px}
.timeline{list-style:none;margin:0;padding:0}.timeline li{padding:8px 0;border-bottom:1px solid var(--line);display:grid;grid-template-columns:auto 1fr auto;gap:2px 10px;align-items:baseline}.timeline li .faint:last-child{grid-column:1/-1}
.timeline .event{font-weight:600;font-size:.9rem}
.copy-row{margin-bottom:16px}.copy-row input{font-size:.8rem}
.thumb{width:56px}.thumb img{border-radius:6px;object-fit:cover;display:block;background:#f1f5f9}
.badge.info{background:#e0f2fe;color:#075985}
tfoot th,tfoot td{border-bottom:0}
fieldset.step{margin:0;min-width:0}fieldset.step legend{font-weight:700;padding:0 6px}
fieldset.variant{margin:20px 0 0;min-width:0;border:1px dashed var(--line);border-radius:10px;padding:14px}fieldset.variant legend{font-weight:600;padding:0 6px}.variant-head{margin:0;font-size:.95rem}
article.card h3{margin:0 0 8px;font-size:1rem}.nowrap{white-space:nowrap}.btn.compact{padding:4px 10px;font-size:.8rem;white-space:nowrap}
.step-grid{display:grid;grid-template-columns:minmax(0,1fr) 380px;gap:20px}.step-fields{display:flex;flex-direction:column;gap:12px;min-width:0}
.step-fields input:not([type=checkbox]),.step-fields select{width:100%}.row3{display:grid;grid-template-columns:repeat(3,minmax(0,1fr));gap:12px}
.joined{display:flex;gap:6px}.joined input{flex:1 1 60px}.joined select{flex:0 0 110px}
.step-preview iframe{width:100%;height:560px;border:1px solid var(--line);border-radius:10px;background:#fff}
.field-error{color:var(--bad);font-size:.82rem;margin-top:4px;font-weight:600}.invalid input,.invalid textarea,.invalid select{border-color:#f87171;background:#fff7f7}
.sticky{position:sticky;bottom:0;z-index:2;box-shadow:0 -4px 16px rgba(15,23,42,.06)}.sticky input{width:180px}
.remove{margin-left:auto;color:var(--muted);font-weight:500}
.toc{display:flex;flex-wrap:wrap;gap:6px 16px;padding:12px 18px;margin-bottom:16px}.toc a{text-decoration:none;font-weight:600;font-size:.9rem}
.three{grid-template-columns:repeat(auto-fit,minmax(220px,1fr))}.field input:not([type=checkbox]),.field textarea,.field select{width:100%}
.facts.wide{grid-template-columns:220px 1fr}span.label{display:block;font-size:.8rem;font-weight:600;color:#334155;margin-bottom:4px}
section.card{scroll-margin-top:12px}.faq{margin-bottom:4px}
.outbox-item .subject{font-size:1.05rem;margin:4px 0 2px}.email-frame{width:100%;height:640px;border:1px solid var(--line);border-radius:10px;margin:12px 0;background:#fff}
.bubble{margin-top:10px;background:#e2e8f0;border-radius:16px;padding:10px 14px;max-width:360px;white-space:pre-wrap;overflow-wrap:anywhere}
form.inline{display:inline-flex;flex-wrap:wrap;align-items:center;gap:6px;margin:0;max-width:100%}.actions-row{display:flex;flex-wrap:wrap;gap:8px;align-items:center;margin:10px 0}
fieldset.events{display:grid;grid-template-columns:repeat(auto-fill,minmax(210px,1fr));gap:6px 14px;border:1px solid var(--line);border-radius:10px;padding:12px}label.check{display:flex;gap:8px;align-items:baseline;font-weight:400}
code.snippet{overflow-wrap:anywhere;white-space:pre-wrap}article.endpoint h3 code{overflow-wrap:anywhere}
@media (max-width:960px){.step-grid{grid-template-columns:1fr}.row3{grid-template-columns:1fr}}
@media (max-width:700px){.top{gap:12px;padding:0 12px}.top .who{display:none}main{padding:20px 14px}}
`
