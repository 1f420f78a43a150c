// Small DOM helpers and the page's message line.

// el('li', {class: 'x', onclick}, 'text', child...) -> element
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else if (k === 'class') node.className = v;
    else if (k === 'dataset') Object.assign(node.dataset, v);
    else node.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

const box = () => document.getElementById('message');

// Shows a message above the graph; kind 'error' or 'info'. Errors stay
// until dismissed or replaced; info fades after a while.
export function showMessage(text, kind = 'error') {
  const m = box();
  m.replaceChildren(el('span', { class: 'text' }, text),
    el('button', { class: 'dismiss', 'aria-label': 'Dismiss', onclick: hideMessage }, '×'));
  m.className = `message ${kind}`;
  m.hidden = false;
  clearTimeout(showMessage.timer);
  if (kind === 'info') showMessage.timer = setTimeout(hideMessage, 6000);
}

export function hideMessage() {
  box().hidden = true;
}

export function download(filename, blobOrText, type = 'text/plain') {
  const blob = blobOrText instanceof Blob ? blobOrText : new Blob([blobOrText], { type });
  const url = URL.createObjectURL(blob);
  const a = el('a', { href: url, download: filename });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

// Completion under a search input: calls search(prefix) as the user types
// (debounced), shows the entities, calls pick(entity) on a choice. Enter
// picks the first. Errors go to onError.
export function attachCompletion(input, list, { search, pick, onError, minLength = 1 }) {
  let timer = null, seq = 0, items = [], active = -1;
  const close = () => { list.hidden = true; active = -1; };
  const render = () => {
    list.replaceChildren(...items.map((e, i) => el('li', {
      role: 'option', class: i === active ? 'active' : '',
      onmousedown: (ev) => { ev.preventDefault(); choose(i); },
    }, el('b', {}, e.name), ' ', el('small', {}, [e.kind?.toLowerCase(), e.country_code]
      .filter(Boolean).join(' · ')),
    matchedAlias(e, input.value) ? el('small', { class: 'alias' }, ` (${matchedAlias(e, input.value)})`) : null)));
    list.hidden = items.length === 0;
  };
  const choose = (i) => {
    const e = items[i];
    if (!e) return;
    close();
    input.value = '';
    pick(e);
  };
  const run = async (prefix, chooseFirst) => {
    const mine = ++seq;
    try {
      const answer = await search(prefix);
      if (mine !== seq) return;
      items = answer.entities || [];
      active = items.length ? 0 : -1;
      if (!items.length) {
        close();
        onError(`No entity's name or alias starts with "${prefix}".`, 'info');
        return;
      }
      if (chooseFirst) choose(0); else render();
    } catch (e) {
      if (mine === seq) { close(); onError(e.message); }
    }
  };
  input.addEventListener('input', () => {
    clearTimeout(timer);
    const v = input.value;
    if (v.trim().length < minLength) { close(); return; }
    timer = setTimeout(() => run(v, false), 200);
  });
  input.addEventListener('keydown', (ev) => {
    if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
      if (!items.length) return;
      active = (active + (ev.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length;
      render();
      ev.preventDefault();
    } else if (ev.key === 'Enter') {
      ev.preventDefault();
      clearTimeout(timer);
      // The server judges what a valid prefix is (only spaces, say, is not):
      // Enter always asks, so bad input gets the server's own message.
      if (!list.hidden && active >= 0) choose(active);
      else if (input.value !== '') run(input.value, true);
    } else if (ev.key === 'Escape') {
      close();
    }
  });
  input.addEventListener('blur', () => setTimeout(close, 150));
}

// The alias that made an entity match, when it is not the name ("DPRK").
function matchedAlias(e, typed) {
  const t = typed.trim().toLowerCase();
  if (!t || e.name.toLowerCase().startsWith(t)) return '';
  return (e.aliases || []).find((a) => a.toLowerCase().startsWith(t)) || '';
}
