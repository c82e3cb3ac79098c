import Mustache

/// The pages, as mustache templates (`{{x}}` is HTML-escaped; nothing here uses the unescaped form).
/// Kept in the binary, so that an installed `formflow` needs no files beside it.
enum ReviewTemplates {
    static func library() throws -> MustacheLibrary {
        var library = MustacheLibrary()
        for (name, text) in [("layout", layout), ("login", login), ("queue", queue), ("document", document), ("audit", audit), ("message", message)] {
            try library.register(text, named: name)
        }
        return library
    }

    static let layout = """
        <!doctype html>
        <html lang="zh"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
        <title>{{$title}}FormFlow{{/title}} · FormFlow review</title>
        <link rel="stylesheet" href="/static/review.css">
        <script src="/static/review.js" defer></script>
        </head><body>
        <header>
        <a class="brand" href="/queue">FormFlow review</a>
        {{#user}}
        <nav><a href="/queue" accesskey="q">Queue</a>{{#auditor}} <a href="/audit">Audit log</a>{{/auditor}}</nav>
        <form method="post" action="/logout" class="logout"><input type="hidden" name="csrf" value="{{csrf}}">
        <span class="who">{{name}} ({{role}})</span> <button type="submit">Sign out</button></form>
        {{/user}}
        </header>
        {{#flash}}<p class="flash" role="status" id="flash">{{.}}</p>{{/flash}}
        <main>{{$content}}{{/content}}</main>
        </body></html>
        """

    static let login = """
        {{<layout}}{{$title}}Sign in{{/title}}{{$content}}
        <h1>Sign in</h1>
        {{#error}}<p class="error" id="login-error">{{.}}</p>{{/error}}
        <form method="post" action="/login" class="login">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <input type="hidden" name="next" value="{{next}}">
        <label>Name <input name="name" autocomplete="username" required autofocus></label>
        <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
        <button type="submit">Sign in</button>
        </form>
        {{/content}}{{/layout}}
        """

    static let queue = """
        {{<layout}}{{$title}}Exceptions{{/title}}{{$content}}
        <h1>Exceptions <small id="count">{{count}}</small></h1>
        <form method="get" action="/queue" class="filters">
        <label>Batch <input name="batch" value="{{filters.batch}}"></label>
        <label>Form <select name="form"><option value="">any</option>{{#forms}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{value}}</option>{{/forms}}</select></label>
        <label>Rule <input name="rule" value="{{filters.rule}}" list="rules"></label>
        <datalist id="rules">{{#rules}}<option value="{{.}}">{{/rules}}</datalist>
        <label>Older than (days) <input name="older_than" value="{{filters.olderThan}}" size="4"></label>
        <button type="submit">Filter</button>
        </form>
        {{#first}}<p><a class="button" id="open-first" href="/doc/{{id}}" autofocus>Open the first (oldest, least certain)</a></p>{{/first}}
        <table class="queue" id="queue">
        <thead><tr><th>document</th><th>form</th><th>rules</th><th>age</th><th>lowest confidence</th><th>batch</th></tr></thead>
        <tbody>
        {{#rows}}<tr data-id="{{id}}"><td><a href="/doc/{{id}}">{{document}}</a></td><td>{{form}}</td><td>{{rules}}</td><td>{{age}}</td><td>{{lowestConfidence}}</td><td>{{batch}}</td></tr>
        {{/rows}}
        </tbody></table>
        {{^rows}}<p id="empty">No exceptions{{#filtered}} match these filters{{/filtered}}.</p>{{/rows}}
        {{/content}}{{/layout}}
        """

    static let document = """
        {{<layout}}{{$title}}{{page.document}}{{/title}}{{$content}}
        {{#page}}
        <h1>{{document}} <small>{{form}} · batch {{batch}} · {{source}} · {{age}}</small></h1>
        <ul class="violations" id="violations">
        {{#violations}}<li><b>{{rule}}</b> {{message}}{{#fields}} <small>({{fields}})</small>{{/fields}}</li>{{/violations}}
        </ul>
        {{#hasPreparation}}<p class="preparation"><small>Prepared: {{preparation}}</small></p>{{/hasPreparation}}
        <div class="review">
        <div class="page-view">
        {{#hasImage}}<div class="page-frame" id="page-frame"><img id="page-image" src="/doc/{{id}}/page.jpg" alt="the page as read">
        {{#fields}}{{#box}}<div class="box{{#flagged}} flagged{{/flagged}}" data-field="{{name}}" data-box="{{box}}" title="{{name}}"></div>{{/box}}{{/fields}}
        {{#tableRows}}{{#cells}}{{#box}}<div class="box{{#flagged}} flagged{{/flagged}}" data-field="{{name}}" data-box="{{box}}" title="{{name}}"></div>{{/box}}{{/cells}}{{/tableRows}}
        </div>{{/hasImage}}
        {{^hasImage}}<p class="no-image">No page image: the values came from the file's own data ({{source}}), or the run predates page images.</p>{{/hasImage}}
        </div>
        <div class="fields-view">
        {{^hasFields}}<p class="no-fields">No known form was found on this page: reject it, or requeue it after a template is added.</p>{{/hasFields}}
        {{#hasFields}}
        <form method="post" action="/doc/{{id}}/fix" id="fix-form">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <input type="hidden" name="version" value="{{version}}">
        <table class="fields" id="fields">
        <thead><tr><th>field</th><th>value</th><th>conf.</th><th>evidence</th><th>crop</th></tr></thead>
        <tbody>
        {{#fields}}<tr class="field{{#flagged}} flagged{{/flagged}}{{#uncertain}} uncertain{{/uncertain}}" data-field="{{name}}">
        <th><label for="in-{{name}}">{{name}}</label></th>
        <td><input id="in-{{name}}" name="{{input}}" value="{{editable}}"{{#personal}} placeholder="{{shown}}" autocomplete="off"{{/personal}}{{^personal}}{{#uncertain}} placeholder="{{shown}}"{{/uncertain}}{{/personal}}{{#focus}} autofocus{{/focus}}{{^canAct}} readonly{{/canAct}}>
        {{#personal}}<small class="masked">{{shown}} (type the full number to change it)</small>{{/personal}}{{^personal}}{{#uncertain}}<small class="masked">read as {{shown}}, not confirmed: type what the paper says</small>{{/uncertain}}{{/personal}}</td>
        <td>{{confidence}}</td><td class="evidence">{{evidence}}{{#raw}}<br><small>read: {{raw}}</small>{{/raw}}</td>
        <td>{{#box}}<canvas class="crop" data-box="{{box}}" width="1" height="1"></canvas>{{/box}}</td></tr>
        {{/fields}}
        </tbody></table>
        {{#hasTable}}<h2>{{tableName}}</h2>
        <table class="items" id="items"><thead><tr><th>#</th>{{#tableColumns}}<th>{{.}}</th>{{/tableColumns}}</tr></thead><tbody>
        {{#tableRows}}<tr><td>{{index}}</td>{{#cells}}<td class="{{#flagged}}flagged{{/flagged}}{{#uncertain}} uncertain{{/uncertain}}" data-field="{{name}}"><input name="{{input}}" value="{{editable}}" aria-label="{{name}}"{{#personal}} placeholder="{{shown}}"{{/personal}}{{^personal}}{{#uncertain}} placeholder="{{shown}}"{{/uncertain}}{{/personal}}{{^canAct}} readonly{{/canAct}}><small>{{confidence}}</small></td>{{/cells}}</tr>
        {{/tableRows}}</tbody></table>{{/hasTable}}
        {{#canAct}}
        <label class="reason">Reason <input name="reason" value="checked against the paper"></label>
        <p class="actions"><button type="submit" name="then" value="next" id="save-next">Save and next (Enter)</button>
        <button type="submit" name="then" value="stay" id="save">Save</button></p>
        {{/canAct}}
        </form>
        {{/hasFields}}
        {{#canAct}}
        <form method="post" action="/doc/{{id}}/reject" class="side-action" id="reject-form">
        <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="version" value="{{version}}">
        <input name="reason" placeholder="why reject (Alt+R)" required aria-label="reason for rejecting"> <button type="submit">Reject</button></form>
        <form method="post" action="/doc/{{id}}/requeue" class="side-action" id="requeue-form">
        <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="version" value="{{version}}">
        <input name="reason" placeholder="why read again (Alt+Q)" required aria-label="reason for requeueing"> <button type="submit">Requeue</button></form>
        {{/canAct}}
        </div></div>
        {{/page}}
        {{/content}}{{/layout}}
        """

    static let audit = """
        {{<layout}}{{$title}}Audit log{{/title}}{{$content}}
        <h1>Audit log</h1>
        <p id="chain" class="{{#intact}}intact{{/intact}}{{^intact}}broken{{/intact}}">{{status}}</p>
        <ul class="breaks">{{#breaks}}<li>{{.}}</li>{{/breaks}}</ul>
        <table class="audit" id="audit"><thead><tr><th>#</th><th>when</th><th>who</th><th>action</th><th>document</th><th>detail</th></tr></thead><tbody>
        {{#entries}}<tr><td>{{seq}}</td><td>{{at}}</td><td>{{actor}}</td><td>{{action}}</td><td>{{document}}</td><td>{{detail}}</td></tr>
        {{/entries}}</tbody></table>
        {{/content}}{{/layout}}
        """

    static let message = """
        {{<layout}}{{$title}}{{heading}}{{/title}}{{$content}}
        <h1>{{heading}}</h1><p id="message">{{text}}</p><p><a href="/queue">Back to the queue</a></p>
        {{/content}}{{/layout}}
        """

    static let css = """
        body{font-family:system-ui,sans-serif;margin:0;color:#222}
        header{display:flex;gap:1.5em;align-items:center;padding:.5em 1em;background:#234;color:#fff}
        header a{color:#fff}.brand{font-weight:bold;text-decoration:none}.logout{margin-left:auto}
        main{padding:1em 1.5em}.flash{background:#e8f4e8;border:1px solid #8b8;padding:.5em 1em;margin:.5em 1.5em}
        .error{color:#a00}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}
        .queue tbody tr:hover{background:#f4f8ff}.filters label{margin-right:1em}
        .review{display:flex;gap:1.5em;align-items:flex-start}.page-view{flex:1 1 50%;position:sticky;top:0}
        .fields-view{flex:1 1 50%}.page-frame{position:relative;display:inline-block;max-width:100%}
        .page-frame img{max-width:100%;display:block;border:1px solid #999}
        .box{position:absolute;border:2px solid #36c;background:rgba(51,102,204,.08);cursor:pointer}
        .box.flagged{border-color:#c33;background:rgba(204,51,51,.12)}.box.active{outline:3px solid #fc0}
        tr.flagged th{color:#c33}tr.uncertain td:nth-child(3){color:#a60;font-weight:bold}
        tr.active{background:#fff6cc}.evidence{font-size:.85em;max-width:20em}
        canvas.crop{max-width:16em;max-height:4em;border:1px solid #ddd}input{font-size:1em}
        .items input{width:7em}.masked{color:#666}.side-action{margin:.5em 0}
        #chain.intact{color:#060}#chain.broken{color:#a00;font-weight:bold}
        """

    /// Draws every field's box over the page, a crop of each beside its value, ties a click on a box to
    /// its input, and submits "save and next" with Ctrl+Enter as well as Enter.
    static let script = """
        "use strict";
        function parseBox(text){const p=text.split(",").map(Number);return p.length===4&&p.every(Number.isFinite)?p:null;}
        function placeBoxes(img){
          const w=img.naturalWidth,h=img.naturalHeight;if(!w||!h)return;
          document.querySelectorAll(".box[data-box]").forEach(function(el){
            const b=parseBox(el.dataset.box);if(!b)return;
            el.style.left=(100*b[0]/w)+"%";el.style.top=(100*b[1]/h)+"%";
            el.style.width=(100*b[2]/w)+"%";el.style.height=(100*b[3]/h)+"%";
            el.addEventListener("click",function(){const input=document.querySelector('[name="field:'+el.dataset.field+'"]');if(input){input.focus();input.select();}});
          });
          document.querySelectorAll("canvas.crop[data-box]").forEach(function(c){
            const b=parseBox(c.dataset.box);if(!b)return;
            const pad=8,x=Math.max(0,b[0]-pad),y=Math.max(0,b[1]-pad);
            const cw=Math.min(w-x,b[2]+2*pad),ch=Math.min(h-y,b[3]+2*pad);
            c.width=cw;c.height=ch;c.getContext("2d").drawImage(img,x,y,cw,ch,0,0,cw,ch);
          });
        }
        function highlight(name){
          document.querySelectorAll(".box.active,tr.active").forEach(function(el){el.classList.remove("active");});
          document.querySelectorAll('[data-field="'+CSS.escape(name)+'"]').forEach(function(el){el.classList.add("active");});
        }
        document.addEventListener("DOMContentLoaded",function(){
          const img=document.getElementById("page-image");
          if(img){if(img.complete)placeBoxes(img);else img.addEventListener("load",function(){placeBoxes(img);});}
          document.querySelectorAll("input[name^='field:']").forEach(function(input){
            input.addEventListener("focus",function(){highlight(input.name.slice(6));});
          });
          const form=document.getElementById("fix-form");
          if(form){form.addEventListener("keydown",function(e){
            if(e.key==="Enter"&&(e.ctrlKey||e.metaKey)){e.preventDefault();document.getElementById("save-next").click();}
          });}
          // Alt+R: the reason to reject; Alt+Q: the reason to requeue (Enter there sends it).
          document.addEventListener("keydown",function(e){
            if(!e.altKey)return;
            const target=e.key==="r"?"#reject-form input[name=reason]":e.key==="q"?"#requeue-form input[name=reason]":null;
            const input=target&&document.querySelector(target);
            if(input){e.preventDefault();input.focus();}
          });
        });
        """
}
