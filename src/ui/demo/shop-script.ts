/**
 * Client script of the dev-only demo storefront: a custom storefront that keeps its own cart and
 * reports it through the real storefront script's public API (`window.Cartback`), and rebuilds a
 * restored cart from the `cartback:restore` event, as the README shows.
 */
export const SHOP_SCRIPT = `(() => {
  const root = document.getElementById('shop');
  const cfg = JSON.parse(root.dataset.config);
  const fmt = new Intl.NumberFormat('en-US', { style: 'currency', currency: cfg.currency });
  const $ = (id) => document.getElementById(id);
  let lines = JSON.parse(localStorage.getItem('cartback_demo_lines') || '{}');

  const send = (type, extra) => {
    Cartback[type](extra);
    const li = document.createElement('li');
    li.textContent = new Date().toLocaleTimeString() + ' ' + type + ' → sent';
    $('log').prepend(li);
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
    $('cart-id').textContent = Cartback.id();
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
  $('checkout').addEventListener('submit', (e) => {
    e.preventDefault();
    const orderId = 'demo-' + Date.now();
    send('cart', { items: items(), currency: cfg.currency, total: total() });
    // Also starts a new cart id.
    send('order', { order: { id: orderId, total: total() } });
    $('notice').textContent = 'Order ' + orderId + ' placed. Thank you! A new cart starts now.';
    $('notice').hidden = false;
    lines = {};
    render();
  });
  // A restore link: the script has adopted the cart; put its items back in this shop's cart.
  addEventListener('cartback:restore', (e) => {
    lines = {};
    for (const i of e.detail.items) if (cfg.products.some((p) => p.id === i.id)) lines[i.id] = i.quantity;
    render();
    $('notice').textContent = 'Welcome back! Your cart has been restored.' +
      (e.detail.incentive ? ' Your code ' + e.detail.incentive.code + ' is applied.' : '');
    $('notice').hidden = false;
    send('cart', { items: items(), currency: cfg.currency, total: total() });
    // The items are in this shop's cart: that is the restore Cartback records.
    if (items().length) e.detail.rebuilt();
  });
  render();
})();`
