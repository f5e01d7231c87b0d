/**
 * A dismissible message over the page (fixed, so nothing on the page moves): what a restore
 * did, or why it could not.
 */
export function showNotice(text: string) {
  const show = () => {
    const el = document.createElement('div')
    el.className = 'cartback-notice'
    el.setAttribute('role', 'status')
    el.style.cssText =
      'position:fixed;left:50%;top:16px;transform:translateX(-50%);z-index:2147483646;box-sizing:border-box;width:max-content;max-width:min(560px,calc(100% - 32px));padding:12px 44px 12px 16px;border-radius:8px;background:#111827;color:#fff;font:15px/1.45 system-ui,sans-serif;box-shadow:0 8px 24px rgba(0,0,0,.25)'
    el.textContent = text
    const x = document.createElement('button')
    x.type = 'button'
    x.setAttribute('aria-label', 'Dismiss')
    x.textContent = '×'
    x.style.cssText =
      'position:absolute;right:6px;top:4px;padding:4px 8px;background:none;border:0;color:inherit;font:22px/1 system-ui,sans-serif;cursor:pointer'
    x.onclick = () => el.remove()
    el.append(x)
    document.body.append(el)
  }
  if (document.body) show()
  else addEventListener('DOMContentLoaded', show)
}
