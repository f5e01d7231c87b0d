/**
 * The exit-intent popup (`/v1/cartback-popup.js`), loaded by cartback.js only for stores that
 * turn it on. When a shopper with something in the cart is about to leave — the pointer leaves
 * through the top of the window on desktop; a fast scroll up or the tab hidden on touch devices —
 * it asks for a phone number (and optionally an email) with the store's consent text. It sits
 * in a shadow root above the page (nothing on the page moves), traps focus, closes on Escape,
 * and shows at most once per `everyDays` in one browser.
 */

import { KEY, read, write } from './storage'

const DAY_MS = 86_400_000

;(() => {
  const cb = window.Cartback
  const cfg = cb?.config?.popup
  if (!cb || !cfg) return
  let open = false

  const eligible = () =>
    !open &&
    Number(read(KEY.items) ?? 0) > 0 &&
    !read(KEY.phone) &&
    Date.now() - Number(read(KEY.popup) ?? 0) > cfg.everyDays * DAY_MS

  const el = <K extends keyof HTMLElementTagNameMap>(
    tag: K,
    props: Partial<HTMLElementTagNameMap[K]> & Record<string, unknown> = {},
    ...children: (Node | string)[]
  ) => {
    const node = document.createElement(tag)
    Object.assign(node, props)
    node.append(...children)
    return node
  }

  const show = () => {
    if (!eligible()) return
    open = true
    write(KEY.popup, String(Date.now()))
    const before = document.activeElement as HTMLElement | null
    const host = el('div')
    host.style.cssText = 'position:fixed;inset:0;z-index:2147483647'
    const root = host.attachShadow({ mode: 'open' })
    const a = cfg.accentColor
    root.append(
      el(
        'style',
        {},
        `:host{all:initial}
.bg{position:fixed;inset:0;background:rgba(17,24,39,.55)}
.box{position:fixed;left:50%;top:50%;transform:translate(-50%,-50%);box-sizing:border-box;width:min(420px,calc(100% - 32px));max-height:calc(100% - 32px);overflow:auto;background:#fff;color:#111827;border-radius:12px;padding:28px 24px 24px;font:16px/1.5 system-ui,-apple-system,Segoe UI,sans-serif;box-shadow:0 20px 50px rgba(0,0,0,.3)}
h2{margin:0 32px 8px 0;font-size:1.3em;line-height:1.25}
p{margin:0 0 16px;color:#374151}
label{display:block;font-weight:600;margin:0 0 4px}
input[type=tel],input[type=email]{box-sizing:border-box;width:100%;padding:10px 12px;margin:0 0 14px;border:1px solid #9ca3af;border-radius:8px;font:inherit;color:inherit}
input:focus-visible,button:focus-visible{outline:3px solid ${a};outline-offset:2px}
.consent{display:flex;gap:8px;align-items:flex-start;font-weight:400;font-size:.8em;line-height:1.45;color:#374151;margin:0 0 16px}
.consent input{margin-top:.25em;flex:none}
.err{color:#b91c1c;font-size:.9em;min-height:1.2em;margin:0 0 8px}
.go{width:100%;padding:12px;border:0;border-radius:8px;background:${a};color:#fff;font:inherit;font-weight:600;cursor:pointer}
.x{position:absolute;right:10px;top:10px;width:36px;height:36px;border:0;border-radius:8px;background:none;color:#374151;font-size:24px;line-height:1;cursor:pointer}`,
      ),
    )
    const close = () => {
      host.remove()
      removeEventListener('keydown', keys, true)
      before?.focus?.()
    }
    const x = el('button', { type: 'button', className: 'x', textContent: '×' })
    x.setAttribute('aria-label', 'Close')
    x.onclick = close
    const phone = el('input', {
      id: 'cb-phone',
      type: 'tel',
      autocomplete: 'tel',
      inputMode: 'tel',
      required: true,
    })
    const email = el('input', { id: 'cb-email', type: 'email', autocomplete: 'email' })
    const box = el('input', { id: 'cb-consent', type: 'checkbox', required: true })
    const err = el('p', { className: 'err' })
    err.setAttribute('role', 'alert')
    const form = el(
      'form',
      { noValidate: true },
      el('label', { htmlFor: 'cb-phone' }, 'Mobile number'),
      phone,
      ...(cfg.askEmail ? [el('label', { htmlFor: 'cb-email' }, 'Email (optional)'), email] : []),
      el(
        'label',
        { className: 'consent', htmlFor: 'cb-consent' },
        box,
        el('span', {}, cfg.consent),
      ),
      err,
      el('button', { type: 'submit', className: 'go' }, cfg.button),
    )
    const dialog = el(
      'div',
      { className: 'box' },
      x,
      el('h2', { id: 'cb-title' }, cfg.title),
      el('p', { id: 'cb-body' }, cfg.body),
      form,
    )
    dialog.setAttribute('role', 'dialog')
    dialog.setAttribute('aria-modal', 'true')
    dialog.setAttribute('aria-labelledby', 'cb-title')
    dialog.setAttribute('aria-describedby', 'cb-body')
    const bg = el('div', { className: 'bg' })
    bg.onclick = close
    root.append(bg, dialog)

    form.onsubmit = (e) => {
      e.preventDefault()
      const bad = (field: HTMLInputElement, message: string) => {
        field.setAttribute('aria-invalid', 'true')
        err.textContent = message
        field.focus()
      }
      for (const f of [phone, email, box]) f.removeAttribute('aria-invalid')
      if (phone.value.replace(/\D/g, '').length < 7) return bad(phone, 'Enter your mobile number.')
      if (email.value && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.value))
        return bad(email, 'Enter a valid email address, or leave it empty.')
      if (!box.checked) return bad(box, 'Tick the box to agree to receive texts.')
      cb.contact({
        contact: {
          phone: phone.value.trim(),
          ...(email.value ? { email: email.value.trim() } : {}),
        },
        consent: { sms: true, text: cfg.consent },
      })
      const done = el('button', { type: 'button', className: 'go', textContent: 'Close' })
      done.onclick = close
      form.replaceWith(
        el(
          'p',
          { className: 'thanks' },
          cfg.doubleOptIn
            ? 'Thanks! We just texted you: reply YES to confirm.'
            : 'Thanks! We will text you a link to your cart.',
        ),
        done,
      )
      done.focus()
    }

    // Focus stays in the dialog: Tab wraps around, Escape closes.
    const keys = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.preventDefault()
        return close()
      }
      if (e.key !== 'Tab') return
      const items = [...dialog.querySelectorAll<HTMLElement>('button,input')]
      const first = items[0]
      const last = items[items.length - 1]
      const at = root.activeElement
      if (e.shiftKey ? at === first || !at : at === last || !at) {
        e.preventDefault()
        ;(e.shiftKey ? last : first)?.focus()
      }
    }
    addEventListener('keydown', keys, true)
    document.body.append(host)
    phone.focus()
  }

  // Desktop: the pointer leaves the window through the top (towards the tabs or the address bar).
  document.addEventListener('mouseout', (e) => {
    if (!e.relatedTarget && e.clientY <= 0) show()
  })
  // Touch: a fast scroll back up, or the tab hidden (shown when the shopper comes back).
  if (matchMedia('(pointer: coarse)').matches) {
    // "Fast" is 200 px up within 400 ms; scrolling down or pausing starts the count again.
    let last = scrollY
    let from = scrollY
    let since = Date.now()
    addEventListener(
      'scroll',
      () => {
        const now = Date.now()
        if (scrollY >= last || now - since > 400) {
          from = scrollY
          since = now
        } else if (from - scrollY > 200) show()
        last = scrollY
      },
      { passive: true },
    )
    let hidden = false
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible' && hidden) show()
      hidden = document.visibilityState === 'hidden'
    })
  }
})()
