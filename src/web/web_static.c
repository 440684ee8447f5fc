/*
 * web_static.c - the stylesheet and the small script of the pages,
 * compiled into the binary (nothing is loaded from another host; fonts
 * come from the reader's system through the font stack below).
 */
#include "web.h"

#include <string.h>

static const char CSS[] =
    ":root{--ink:#222;--muted:#666;--line:#ccc;--red:#b0151e;--bg:#fafafa}\n"
    "body{margin:0;color:var(--ink);background:var(--bg);"
    "font-family:\"PingFang SC\",\"Hiragino Sans GB\",\"Microsoft YaHei\","
    "\"微软雅黑\",\"Noto Sans CJK SC\",\"Source Han Sans SC\","
    "\"WenQuanYi Micro Hei\",\"Droid Sans Fallback\",sans-serif;"
    "font-size:15px;line-height:1.6}\n"
    "header.top{background:var(--red);color:#fff;padding:.5em 1em;"
    "display:flex;flex-wrap:wrap;gap:1em;align-items:center}\n"
    "header.top a{color:#fff}header.top .who{margin-left:auto}\n"
    "header.top form{display:inline;margin:0}\n"
    "main{max-width:1280px;margin:0 auto;padding:1em}\n"
    "table{border-collapse:collapse;width:100%;background:#fff;margin:.5em 0 1.5em}\n"
    "th,td{border:1px solid var(--line);padding:.3em .5em;vertical-align:top}\n"
    "th{background:#f0f0f0;font-weight:600}\n"
    "td.num{text-align:right;font-variant-numeric:tabular-nums}\n"
    "tr.bottom td{background:#fde8e8}tr.bottom td.mark{color:var(--red);font-weight:700}\n"
    ".gap{background:#fff3cd}\n"
    ".msg{padding:.6em 1em;border:1px solid var(--line);background:#fff;margin:1em 0}\n"
    ".msg.error{border-color:var(--red);color:var(--red)}\n"
    ".msg.ok{border-color:#2a7a2a;color:#2a7a2a}\n"
    "form.login{max-width:22em;margin:3em auto;background:#fff;padding:1.5em;"
    "border:1px solid var(--line)}\n"
    "form.login label,form.item label{display:block;margin:.4em 0}\n"
    "input,select,textarea,button{font:inherit}\n"
    "input[type=text],input[type=password],input[type=number],textarea{"
    "padding:.3em;border:1px solid #999;max-width:100%}\n"
    "button{background:var(--red);color:#fff;border:0;padding:.4em 1.2em;cursor:pointer}\n"
    "header.top button{background:transparent;border:1px solid #fff}\n"
    "form.item{background:#fff;border:1px solid var(--line);padding:.8em 1em;margin:0 0 1em}\n"
    "form.item h3{margin:.2em 0;font-size:1em}\n"
    ".std{color:var(--muted);font-size:.9em}\n"
    ".score{font-weight:700}.score.invalid{color:var(--red)}\n"
    "tr.overdue td{background:#fde8e8}tr.overdue td.mark{color:var(--red);font-weight:700}\n"
    "pre.explain{white-space:pre-wrap;background:#fff;border:1px solid var(--line);padding:.8em}\n"
    "svg.chart{max-width:100%;height:auto;background:#fff;border:1px solid var(--line)}\n"
    "svg.chart{display:block;margin:.5em 0 1em}\n"
    ".dept{display:inline-block;margin-left:.5em;padding:0 .4em;font-size:.85em;"
    "font-weight:400;color:#fff;background:#2a5d9f;border-radius:3px}\n"
    "td.todo{color:var(--red)}form.inline{display:inline;margin:0}\n"
    "tr.gap-large td{background:#fff3cd}tr.gap-large td.diff{color:var(--red);font-weight:700}\n"
    "@media (max-width:700px){main{padding:.5em}th,td{padding:.2em}"
    "header.top .who{margin-left:0}}\n"
    "@media print{@page{size:A4;margin:15mm}body{background:#fff;font-size:11pt}"
    "header.top,nav,form,button,.noprint{display:none!important}"
    "main{max-width:none;padding:0}table{page-break-inside:auto}"
    "tr{page-break-inside:avoid}h2{page-break-after:avoid}"
    "section.sheet{page-break-before:always}"
    "tr.bottom td{background:#eee!important}"
    "svg.chart{border:0;page-break-inside:avoid;max-height:250mm}"
    "tr.gap-large td{background:#eee!important}tr.gap-large td.diff{font-weight:700}}\n";

/* Only improves: warns before leaving a changed, unsaved item form, and
 * shows the item's score as it is filled in (POST /api/v1/.../preview). */
static const char JS[] =
    "(function(){'use strict';\n"
    "var dirty=null;\n"
    "document.querySelectorAll('form.item').forEach(function(f){\n"
    " f.addEventListener('change',function(){dirty=f;f.classList.add('gap');});\n"
    " f.addEventListener('submit',function(){dirty=null;});\n"
    "});\n"
    "window.addEventListener('beforeunload',function(e){if(dirty){e.preventDefault();"
    "e.returnValue='';}});\n"
    /* The item's score as it is filled in: POST the inputs to the
     * preview endpoint (scores without saving), show the answer. */
    "function preview(f){\n"
    " var inputs={},els=f.elements;\n"
    " for(var i=0;i<els.length;i++){var el=els[i];\n"
    "  if(!el.name||el.name.indexOf('in_')!==0)continue;\n"
    "  var k=el.name.substring(3);\n"
    "  if(el.type==='checkbox')inputs[k]=el.checked?'true':'false';\n"
    "  else if(el.type==='radio'){if(el.checked)inputs[k]=el.value;}\n"
    "  else if(el.value!=='')inputs[k]=el.value;}\n"
    " var s=f.querySelector('.score');if(!s)return;\n"
    " fetch(f.getAttribute('data-preview'),{method:'POST',credentials:'same-origin',\n"
    "  headers:{'Content-Type':'application/json','X-CSRF-Token':f.elements.csrf.value},\n"
    "  body:JSON.stringify({inputs:inputs})}).then(function(r){\n"
    "  return r.json().then(function(j){\n"
    "   if(r.ok){s.textContent=j.score;s.classList.remove('invalid');s.title='';}\n"
    "   else{s.classList.add('invalid');s.title=(j.errors||[]).map(function(x){return x.message;}).join('; ');}});\n"
    " }).catch(function(){});}\n"
    "document.querySelectorAll('form.item[data-preview]').forEach(function(f){\n"
    " f.addEventListener('input',function(){preview(f);});\n"
    " f.addEventListener('change',function(){preview(f);});});\n"
    "})();\n";

void web_static_css(web_req *r)
{
    r->status = 200;
    r->ctype = "text/css; charset=utf-8";
    kh_buf_add(&r->out, CSS, sizeof CSS - 1);
}

void web_static_js(web_req *r)
{
    r->status = 200;
    r->ctype = "text/javascript; charset=utf-8";
    kh_buf_add(&r->out, JS, sizeof JS - 1);
}
