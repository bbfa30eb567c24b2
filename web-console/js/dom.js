// DOM helpers. Text is only ever set with textContent: nothing from the server becomes markup.
export const $ = (id) => document.getElementById(id);

/** el('td', {class: 'x'}, 'text', child…): attributes by setAttribute, strings as text nodes. */
export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  Object.entries(attrs || {}).forEach(([k, v]) => {
    if (v === undefined || v === null || v === false) {
      return;
    }
    if (k.startsWith('on') && typeof v === 'function') {
      node.addEventListener(k.slice(2), v);
    } else {
      node.setAttribute(k, v === true ? '' : String(v));
    }
  });
  children.flat().forEach((c) => {
    if (c === undefined || c === null || c === false) {
      return;
    }
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  });
  return node;
}

export function setText(id, text) {
  $(id).textContent = text === undefined || text === null ? '' : String(text);
}

export function clear(node) {
  node.replaceChildren();
  return node;
}

export function when(iso) {
  if (!iso) {
    return '—';
  }
  const d = new Date(iso);
  return d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function number(n) {
  return n === undefined || n === null ? '—' : Number(n).toLocaleString();
}

/** Copies text; where the clipboard API is refused, selects the text so Ctrl+C works. */
export async function copy(text, node) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch (e) {
    const range = document.createRange();
    range.selectNodeContents(node);
    const sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
    return false;
  }
}

/** A modal confirmation; resolves true only when the admin chose the confirming button. */
export function confirmDialog(title, text, okLabel) {
  const dialog = $('confirm');
  setText('confirm-title', title);
  setText('confirm-text', text);
  setText('confirm-ok', okLabel);
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true });
    dialog.returnValue = '';
    dialog.showModal();
    $('confirm-cancel').focus();
  });
}
