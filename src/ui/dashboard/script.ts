/**
 * The dashboard's only script, progressive enhancement on server-rendered pages (everything
 * works without it): "select all" on the cart list, and copy buttons (`data-copy="<input id>"`).
 * Served inline with the CSP nonce.
 */
export const DASHBOARD_JS = `(() => {
  const all = document.getElementById('pick-all')
  if (all) {
    all.hidden = false
    document.getElementById('pick-all-label').hidden = false
    const boxes = () => [...document.querySelectorAll('input[name="cart"][type="checkbox"]')]
    all.addEventListener('change', () => { for (const b of boxes()) b.checked = all.checked })
  }
  // Sequence editor: a step's preview follows its fields (debounced), and unsaved steps render
  // once on load. Without script, each step's Preview button does the same.
  // A form holds one pending submission at a time, so previews go one after another.
  const queue = []
  let busy = false
  const pump = () => {
    const next = queue.shift()
    if (!next) { busy = false; return }
    busy = true
    const done = () => { clearTimeout(guard); setTimeout(pump, 0) }
    const guard = setTimeout(done, 3000)
    next.frame.addEventListener('load', done, { once: true })
    next.button.form.requestSubmit(next.button)
  }
  const preview = (item) => {
    if (!queue.includes(item)) queue.push(item)
    if (!busy) pump()
  }
  // A step and each of its variants have their own preview, each following its own fields.
  for (const box of document.querySelectorAll('fieldset[data-step], fieldset[data-variant]')) {
    const grid = box.querySelector(':scope > .step-grid')
    if (!grid) continue
    const item = { button: grid.querySelector('[data-preview]'), frame: grid.querySelector(':scope > .step-preview iframe') }
    if (!item.button || !item.frame) continue
    let timer
    const refresh = (e) => {
      if (e.target.closest('fieldset') !== box) return
      clearTimeout(timer)
      timer = setTimeout(() => preview(item), 400)
    }
    box.addEventListener('input', refresh)
    box.addEventListener('change', refresh)
    if (item.frame.getAttribute('src') === 'about:blank') preview(item)
  }
  // Buttons that end something ask first (without script they simply go ahead).
  for (const button of document.querySelectorAll('[data-confirm]')) {
    button.addEventListener('click', (e) => { if (!confirm(button.dataset.confirm)) e.preventDefault() })
  }
  // A step's channel: the page comes back with that channel's fields (the Update button's job).
  for (const select of document.querySelectorAll('select[data-refresh]')) {
    const update = select.parentElement.querySelector('[data-refresh-button]')
    if (!update) continue
    update.hidden = true
    select.addEventListener('change', () => update.form.requestSubmit(update))
  }
  for (const button of document.querySelectorAll('[data-copy]')) {
    const source = document.getElementById(button.dataset.copy)
    if (!source || !navigator.clipboard) continue
    button.hidden = false
    button.addEventListener('click', async () => {
      await navigator.clipboard.writeText(source.value ?? source.textContent)
      const label = button.textContent
      button.textContent = 'Copied'
      setTimeout(() => { button.textContent = label }, 1500)
    })
  }
})()`
