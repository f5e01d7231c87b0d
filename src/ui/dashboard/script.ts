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
