(function(){'use strict';
var dirty=null;
document.querySelectorAll('form.item').forEach(function(f){
 f.addEventListener('change',function(){dirty=f;f.classList.add('gap');});
 f.addEventListener('submit',function(){dirty=null;});
});
window.addEventListener('beforeunload',function(e){if(dirty){e.preventDefault();e.returnValue='';}});
function preview(f){
 var inputs={},els=f.elements;
 for(var i=0;i<els.length;i++){var el=els[i];
  if(!el.name||el.name.indexOf('in_')!==0)continue;
  var k=el.name.substring(3);
  if(el.type==='checkbox')inputs[k]=el.checked?'true':'false';
  else if(el.type==='radio'){if(el.checked)inputs[k]=el.value;}
  else if(el.value!=='')inputs[k]=el.value;}
 var s=f.querySelector('.score');if(!s)return;
 fetch(f.getAttribute('data-preview'),{method:'POST',credentials:'same-origin',
  headers:{'Content-Type':'application/json','X-CSRF-Token':f.elements.csrf.value},
  body:JSON.stringify({inputs:inputs})}).then(function(r){
  return r.json().then(function(j){
   if(r.ok){s.textContent=j.score;s.classList.remove('invalid');s.title='';}
   else{s.classList.add('invalid');s.title=(j.errors||[]).map(function(x){return x.message;}).join('; ');}});
 }).catch(function(){});}
document.querySelectorAll('form.item[data-preview]').forEach(function(f){
 f.addEventListener('input',function(){preview(f);});
 f.addEventListener('change',function(){preview(f);});});
})();
