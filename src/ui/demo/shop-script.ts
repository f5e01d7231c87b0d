/**
 * Client script of the dev-only demo storefront. It posts real events to /v1/events the way
 * a storefront does (text/plain, like sendBeacon). The production storefront script is
 * `/v1/cartback.js` (storefront issue); this page only exercises the API.
 */
export const SHOP_SCRIPT = `(() => {
  const root = document.getElementById('shop');
  const cfg = JSON.parse(root.dataset.config);
  const fmt = new Intl.NumberFormat('en-US', { style: 'currency', currency: cfg.currency });
  const $ = (id) => document.getElementById(id);
  const newId = () => {
    const b = crypto.getRandomValues(new Uint8Array(16));
    return btoa(String.fromCharCode(...b)).replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, '');
  };
  let cartId = localStorage.getItem('cartback_demo_cart') || newId();
  localStorage.setItem('cartback_demo_cart', cartId);
  let lines = JSON.parse(localStorage.getItem('cartback_demo_lines') || '{}');

  const send = async (type, extra) => {
    const body = JSON.stringify({ store: cfg.key, cart: cartId, type, page: location.href, ...extra });
    const res = await fetch('/v1/events', { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body, keepalive: true });
    const log = $('log');
    const li = document.createElement('li');
    li.textContent = new Date().toLocaleTimeString() + ' ' + type + ' → ' + res.status;
    log.prepend(li);
  };
  const items = () => cfg.products.filter((p) => lines[p.id]).map((p) => ({
    id: p.id, name: p.name, price: p.price, quantity: lines[p.id], image: location.origin + '/demo/img/' + p.id + '.svg', url: location.origin + '/demo',
  }));
  const total = () => items().reduce((s, i) => s + i.price * i.quantity, 0);
  const render = () => {
    localStorage.setItem('cartback_demo_lines', JSON.stringify(lines));
    const list = $('lines');
    list.replaceChildren();
    for (const i of items()) {
      const li = document.createElement('li');
      const name = document.createElement('span');
      name.textContent = i.quantity + ' × ' + i.name;
      const right = document.createElement('span');
      right.textContent = fmt.format(i.price * i.quantity / 100) + ' ';
      const rm = document.createElement('button');
      rm.type = 'button'; rm.className = 'link'; rm.textContent = 'Remove';
      rm.addEventListener('click', () => { delete lines[i.id]; render(); send('cart', { items: items(), currency: cfg.currency, total: total() }); });
      right.append(rm);
      li.append(name, right);
      list.append(li);
    }
    $('empty').hidden = items().length > 0;
    $('total').textContent = fmt.format(total() / 100);
    $('place').disabled = items().length === 0;
    $('cart-id').textContent = cartId;
  };
  document.querySelectorAll('[data-add]').forEach((b) => b.addEventListener('click', () => {
    const id = b.dataset.add;
    lines[id] = (lines[id] || 0) + 1;
    render();
    send('cart', { items: items(), currency: cfg.currency, total: total() });
  }));
  const contact = (withConsent) => {
    const c = { email: $('email').value || undefined, phone: $('phone').value || undefined, firstName: $('first').value || undefined,
      timezone: Intl.DateTimeFormat().resolvedOptions().timeZone, locale: navigator.language };
    const extra = { contact: c };
    if (withConsent) extra.consent = { sms: $('consent').checked, text: cfg.disclosure };
    send('contact', extra);
  };
  ['email', 'phone', 'first'].forEach((id) => $(id).addEventListener('change', () => contact(false)));
  $('consent').addEventListener('change', () => contact(true));
  $('checkout').addEventListener('submit', async (e) => {
    e.preventDefault();
    const orderId = 'demo-' + Date.now();
    await send('order', { order: { id: orderId, total: total() }, items: items(), currency: cfg.currency, total: total() });
    $('notice').textContent = 'Order ' + orderId + ' placed. Thank you! A new cart starts now.';
    $('notice').hidden = false;
    lines = {};
    cartId = newId();
    localStorage.setItem('cartback_demo_cart', cartId);
    render();
  });
  const token = new URLSearchParams(location.search).get('cartback_restore');
  if (token) {
    fetch('/v1/restore/' + encodeURIComponent(token)).then(async (res) => {
      const data = await res.json();
      if (!res.ok) { $('notice').textContent = 'This restore link cannot be used: ' + data.error.message; $('notice').hidden = false; return; }
      cartId = data.cart;
      localStorage.setItem('cartback_demo_cart', cartId);
      lines = {};
      for (const i of data.items) lines[i.id] = i.quantity;
      render();
      $('notice').textContent = 'Welcome back! Your cart has been restored.';
      $('notice').hidden = false;
      history.replaceState(null, '', location.pathname);
      send('cart', { items: items(), currency: cfg.currency, total: total() });
    });
  }
  render();
})();`
